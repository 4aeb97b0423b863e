import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '@retell-ops/db';
import { ConflictError, invitationState, NotFoundError, type InvitationState } from '@retell-ops/domain';
import { Sessions, type SessionView } from '../auth/sessions';
import { Passwords } from './passwords';
import { invitationTokenHash } from './users.service';

const REFUSED: Record<Exclude<InvitationState, 'pending'>, string> = {
  accepted: 'this invitation has already been used: sign in with your email and password',
  revoked: 'this invitation was withdrawn: ask an owner for a new one',
  expired: 'this invitation has expired: ask an owner for a new one',
};

/**
 * An invitation link used: a new person is created (name, password), or a person who already has
 * an account (same email; their password checked) gains the membership. The invitation is marked
 * accepted by a guarded update inside the transaction, so a link works once however many use it at once.
 */
@Injectable()
export class InvitationAcceptance {
  private readonly logger = new Logger('ApiAuth');

  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: Passwords,
    private readonly sessions: Sessions,
  ) {}

  async accept(input: { token: string; name: string; password: string }, ip: string): Promise<{ token: string; session: SessionView }> {
    const inv = await this.prisma.invitation.findUnique({ where: { tokenHash: invitationTokenHash(input.token) } });
    if (!inv) {
      this.logger.warn(`refused an invitation token that matches none ip=${ip}`);
      throw new NotFoundError('no such invitation: check the link', { code: 'invitation_unknown' });
    }
    const state = invitationState(inv, new Date());
    if (state !== 'pending') throw new ConflictError(REFUSED[state], { code: `invitation_${state}` });

    const existing = await this.prisma.user.findUnique({ where: { email: inv.email }, select: { id: true, passwordHash: true } });
    if (existing && !(await this.passwords.verify(existing.passwordHash, input.password))) {
      this.logger.warn(`refused an invitation for an existing account (wrong password) ip=${ip} invitation=${inv.id}`);
      throw new UnauthorizedException(`${inv.email} already has an account: enter its password to join`);
    }
    const passwordHash = existing ? undefined : await this.passwords.hash(input.password);

    const userId = await this.prisma
      .$transaction(async (tx) => {
        const now = new Date();
        const claimed = await tx.invitation.updateMany({
          where: { id: inv.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          data: { acceptedAt: now },
        });
        if (claimed.count !== 1) throw new ConflictError(REFUSED.accepted, { code: 'invitation_accepted' });
        const user = existing ?? (await tx.user.create({ data: { email: inv.email, name: input.name, passwordHash: passwordHash! }, select: { id: true } }));
        await tx.membership.create({ data: { tenantId: inv.tenantId, userId: user.id, role: inv.role } });
        await tx.invitation.update({ where: { id: inv.id }, data: { acceptedByUserId: user.id } });
        return user.id;
      })
      .catch((e: unknown) => {
        // a person created or a membership made by a concurrent acceptance
        if (isUniqueViolation(e))
          throw new ConflictError('you are already a member of this tenant, or your account was just created: sign in', { code: 'already_member' });
        throw e;
      });
    const opened = await this.sessions.openForUser(userId, inv.tenantId);
    if (!opened) throw new ConflictError('your membership ended while signing in', { code: 'not_a_member' });
    return opened;
  }
}

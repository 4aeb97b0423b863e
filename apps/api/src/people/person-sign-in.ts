import { ForbiddenError, normalizeEmail } from '@retell-ops/domain';
import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import { Sessions, type SessionView } from '../auth/sessions';
import { Passwords } from './passwords';

/** The one answer to a wrong email and a wrong password alike: it must not tell which was wrong. */
export const WRONG_CREDENTIALS = 'email or password is wrong';

/** Signs a person in with email and password to one of their tenants. */
@Injectable()
export class PersonSignIn {
  private readonly logger = new Logger('ApiAuth');

  constructor(
    private readonly prisma: PrismaService,
    private readonly passwords: Passwords,
    private readonly sessions: Sessions,
  ) {}

  async login(input: { email: string; password: string; tenantSlug?: string }, ip: string): Promise<{ token: string; session: SessionView }> {
    const email = normalizeEmail(input.email);
    const user = await this.prisma.user.findUnique({
      where: { email },
      select: {
        id: true,
        passwordHash: true,
        memberships: { select: { tenantId: true, tenant: { select: { slug: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      },
    });
    // an unknown email costs one verify too, so the time taken does not tell whether it exists
    const ok = user ? await this.passwords.verify(user.passwordHash, input.password) : await this.passwords.dummyVerify(input.password);
    if (!user || !ok) {
      this.logger.warn(`refused a password sign-in (wrong email or password) ip=${ip} email=${JSON.stringify(email.slice(0, 80))}`);
      throw new UnauthorizedException(WRONG_CREDENTIALS);
    }
    if (user.memberships.length === 0) throw new ForbiddenError('you are not a member of any tenant (removed, or never invited)', { code: 'no_membership' });
    const membership = input.tenantSlug ? user.memberships.find((m) => m.tenant.slug === input.tenantSlug) : user.memberships[0];
    if (!membership) throw new ForbiddenError(`you are not a member of tenant '${input.tenantSlug}'`, { code: 'not_a_member' });
    const opened = await this.sessions.openForUser(user.id, membership.tenantId);
    if (!opened) throw new ForbiddenError('your membership ended while signing in', { code: 'not_a_member' });
    return opened;
  }
}

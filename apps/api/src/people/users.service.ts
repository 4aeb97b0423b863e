import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@retell-ops/db';
import {
  canGrant,
  ConflictError,
  ForbiddenError,
  INVITATION_TTL_MS,
  invitationState,
  isUuid,
  leavesNoOwner,
  normalizeEmail,
  NotFoundError,
  type Role,
} from '@retell-ops/domain';
import type { Principal } from '../auth/principal';
import type { InvitationCreatedResource, InvitationResource, MemberResource, UsersResource } from './people.dto';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/** The stored form of an invitation token. */
export const invitationTokenHash = sha256;

/** Most members or invitations a list returns. */
const LIST_LIMIT = 1_000;

/** A tenant's people: members with their roles and pending invitations, managed by owners (users:manage). */
@Injectable()
export class UsersService {
  constructor(private readonly prisma: PrismaService) {}

  async invite(p: Principal, input: { email: string; role: Role; name?: string }, origin: string): Promise<InvitationCreatedResource> {
    if (!canGrant(p.role, input.role)) throw new ForbiddenError(`the ${p.role} role may not grant the ${input.role} role`, { code: 'role_not_grantable' });
    const email = normalizeEmail(input.email);
    const member = await this.prisma.membership.findFirst({ where: { tenantId: p.tenantId, user: { email } }, select: { id: true } });
    if (member) throw new ConflictError(`${email} is already a member of this tenant`, { code: 'already_member' });
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const row = await this.prisma.$transaction(async (tx) => {
      // a new invitation replaces a pending one to the same address: only the latest link works
      await tx.invitation.updateMany({ where: { tenantId: p.tenantId, email, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
      return tx.invitation.create({
        data: {
          tenantId: p.tenantId,
          email,
          name: input.name,
          role: input.role,
          tokenHash: invitationTokenHash(token),
          invitedByUserId: p.userId ?? null,
          invitedByApiKeyId: p.apiKeyId || null,
          expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        },
      });
    });
    return { id: row.id, token, url: `${origin}/invite/${token}`, expiresAt: row.expiresAt.toISOString() };
  }

  async list(tenantId: string): Promise<UsersResource> {
    const now = new Date();
    const [members, invitations] = await Promise.all([
      this.prisma.membership.findMany({
        where: { tenantId },
        include: { user: { select: { id: true, email: true, name: true } } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: LIST_LIMIT,
      }),
      this.prisma.invitation.findMany({
        where: { tenantId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: LIST_LIMIT,
      }),
    ]);
    return {
      members: members.map((m): MemberResource => ({
        userId: m.user.id,
        email: m.user.email,
        name: m.user.name,
        role: m.role,
        joinedAt: m.createdAt.toISOString(),
      })),
      invitations: invitations.map((i): InvitationResource => ({
        id: i.id,
        email: i.email,
        name: i.name,
        role: i.role,
        invitedByUserId: i.invitedByUserId,
        invitedByApiKeyId: i.invitedByApiKeyId,
        createdAt: i.createdAt.toISOString(),
        expiresAt: i.expiresAt.toISOString(),
      })),
    };
  }

  /** A new role for a member; takes effect on their next request (sessions read the membership). */
  async changeRole(p: Principal, userId: string, role: Role): Promise<MemberResource> {
    if (!canGrant(p.role, role)) throw new ForbiddenError(`the ${p.role} role may not grant the ${role} role`, { code: 'role_not_grantable' });
    const updated = await this.withOwnersLocked(p.tenantId, userId, async (tx, current, owners) => {
      if (!canGrant(p.role, current)) throw new ForbiddenError(`the ${p.role} role may not change a ${current}`, { code: 'role_not_grantable' });
      if (leavesNoOwner(current, role, owners))
        throw new ConflictError('the last owner cannot be demoted: make another member owner first', { code: 'last_owner' });
      return tx.membership.update({ where: { tenantId_userId: { tenantId: p.tenantId, userId } }, data: { role }, include: { user: true } });
    });
    return { userId, email: updated.user.email, name: updated.user.name, role: updated.role, joinedAt: updated.createdAt.toISOString() };
  }

  /** Removes a member from the tenant and ends their sessions in it (the person and their other tenants stay). */
  async remove(p: Principal, userId: string): Promise<void> {
    await this.withOwnersLocked(p.tenantId, userId, async (tx, current, owners) => {
      if (!canGrant(p.role, current)) throw new ForbiddenError(`the ${p.role} role may not remove a ${current}`, { code: 'role_not_grantable' });
      if (leavesNoOwner(current, null, owners))
        throw new ConflictError('the last owner cannot be removed: make another member owner first', { code: 'last_owner' });
      await tx.membership.delete({ where: { tenantId_userId: { tenantId: p.tenantId, userId } } });
      await tx.session.updateMany({ where: { userId, tenantId: p.tenantId, revokedAt: null }, data: { revokedAt: new Date() } });
    });
  }

  async revokeInvitation(tenantId: string, id: string): Promise<void> {
    const inv = isUuid(id) ? await this.prisma.invitation.findFirst({ where: { id, tenantId } }) : null;
    if (!inv) throw new NotFoundError(`no invitation '${String(id).slice(0, 80)}'`);
    const state = invitationState(inv, new Date());
    if (state === 'accepted') throw new ConflictError('the invitation was already accepted: remove the member instead', { code: 'invitation_accepted' });
    await this.prisma.invitation.updateMany({ where: { id, revokedAt: null, acceptedAt: null }, data: { revokedAt: new Date() } });
  }

  /**
   * Runs `change` with the tenant's owner memberships locked (FOR UPDATE), so two owners demoting
   * each other at once cannot both pass the last-owner check.
   */
  private async withOwnersLocked<T>(
    tenantId: string,
    userId: string,
    change: (tx: Prisma.TransactionClient, current: Role, owners: number) => Promise<T>,
  ): Promise<T> {
    if (!isUuid(userId)) throw new NotFoundError(`no member '${String(userId).slice(0, 80)}'`);
    return this.prisma.$transaction(async (tx) => {
      const owners = await tx.$queryRaw<{ userId: string }[]>`
        SELECT "userId" FROM "Membership" WHERE "tenantId" = ${tenantId}::uuid AND role = 'owner' ORDER BY id FOR UPDATE`;
      const member = await tx.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } }, select: { role: true } });
      if (!member) throw new NotFoundError(`no member '${userId}' in this tenant`);
      return change(tx, member.role, owners.length);
    });
  }
}

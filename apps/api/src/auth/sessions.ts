import { permissionsOf, type Permission, type Role } from '@retell-ops/domain';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hashApiKey } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import type { Principal } from './principal';
import { SESSION_TTL_MS } from './session-cookie';

export interface TenantRef {
  id: string;
  name: string;
  slug: string;
}

export interface MembershipView {
  tenant: TenantRef;
  role: Role;
}

export interface SessionView {
  tenant: TenantRef;
  role: Role;
  /** what the role may do (the permission table's row for it), so the dashboard shows only the controls that will work */
  permissions: Permission[];
  csrfToken: string;
  expiresAt: string;
  /** Only in a person's session (signed in with email and password): who, and every tenant they belong to. */
  user?: { id: string; email: string; name: string };
  memberships?: MembershipView[];
}

export interface LiveSession extends SessionView {
  id: string;
  principal: Principal;
}

/** lastSeenAt is kept to the minute: a write per request would cost more than it tells. */
const SEEN_RESOLUTION_MS = 60_000;

/**
 * Server-side sessions of the dashboard. The cookie value is a random token whose SHA-256 is the
 * row's key; a session is live while not revoked, not expired, and (made from a key) its key is
 * not revoked nor expired, or (a person's) the person is still a member of its tenant. Looked up on
 * every request, uncached, so a logout, a key revocation or a removal ends it at once; a person's
 * role is read from their membership each time, so a role change applies to the next request.
 */
@Injectable()
export class Sessions {
  constructor(private readonly prisma: PrismaService) {}

  /** A new session for a live API key (found by its hash), or null. */
  async open(keyHash: string): Promise<{ token: string; session: SessionView } | null> {
    const key = await this.prisma.apiKey.findUnique({ where: { keyHash }, include: { tenant: { select: { id: true, name: true, slug: true } } } });
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt <= new Date())) return null;
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const row = await this.prisma.session.create({
      data: {
        tokenHash: hashApiKey(token),
        tenantId: key.tenantId,
        apiKeyId: key.id,
        role: key.role,
        csrfToken,
        expiresAt: new Date(Date.now() + SESSION_TTL_MS),
      },
    });
    return { token, session: { tenant: key.tenant, role: key.role, permissions: permissionsOf(key.role), csrfToken, expiresAt: row.expiresAt.toISOString() } };
  }

  /** A new session of a person in one of their tenants (the caller checked the password and the membership). */
  async openForUser(userId: string, tenantId: string): Promise<{ token: string; session: SessionView } | null> {
    const membership = await this.prisma.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } }, select: { role: true } });
    if (!membership) return null;
    const token = randomBytes(32).toString('base64url');
    await this.prisma.session.create({
      data: {
        tokenHash: hashApiKey(token),
        tenantId,
        userId,
        role: membership.role,
        csrfToken: randomBytes(24).toString('base64url'),
        expiresAt: new Date(Date.now() + SESSION_TTL_MS),
      },
    });
    const live = await this.find(token);
    if (!live) return null;
    const { id: _id, principal: _p, ...session } = live;
    return { token, session };
  }

  async find(token: string): Promise<LiveSession | null> {
    const now = new Date();
    const s = await this.prisma.session.findUnique({
      where: { tokenHash: hashApiKey(token) },
      include: {
        tenant: { select: { id: true, name: true, slug: true } },
        apiKey: { select: { revokedAt: true, expiresAt: true } },
        user: {
          select: {
            id: true,
            email: true,
            name: true,
            memberships: { select: { role: true, tenant: { select: { id: true, name: true, slug: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
          },
        },
      },
    });
    if (!s || s.revokedAt || s.expiresAt <= now || (s.apiKeyId && (!s.apiKey || s.apiKey.revokedAt || (s.apiKey.expiresAt && s.apiKey.expiresAt <= now))))
      return null;
    if (s.userId && !s.user) return null;
    let role = s.role;
    let person: Pick<SessionView, 'user' | 'memberships'> = {};
    if (s.user) {
      const here = s.user.memberships.find((m) => m.tenant.id === s.tenantId);
      if (!here) return null; // removed from the tenant: the removal revoked it too, this is the belt to those braces
      role = here.role;
      person = { user: { id: s.user.id, email: s.user.email, name: s.user.name }, memberships: s.user.memberships };
    }
    if (now.getTime() - s.lastSeenAt.getTime() > SEEN_RESOLUTION_MS) {
      await this.prisma.session.updateMany({ where: { id: s.id, lastSeenAt: s.lastSeenAt }, data: { lastSeenAt: now } });
    }
    return {
      id: s.id,
      tenant: s.tenant,
      role,
      permissions: permissionsOf(role),
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt.toISOString(),
      ...person,
      principal: s.user
        ? { tenantId: s.tenantId, apiKeyId: '', userId: s.user.id, role, sessionId: s.id }
        : { tenantId: s.tenantId, apiKeyId: s.apiKeyId ?? '', role, sessionId: s.id },
    };
  }

  async revoke(id: string): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  }
}

import { permissionsOf, type Permission, type Role } from '@retell-ops/domain';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hashApiKey } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import type { Principal } from './principal';
import { SESSION_TTL_MS } from './session-cookie';

export interface SessionView {
  tenant: { id: string; name: string; slug: string };
  role: Role;
  /** what the role may do (the permission table's row for it), so the dashboard shows only the controls that will work */
  permissions: Permission[];
  csrfToken: string;
  expiresAt: string;
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
 * not revoked nor expired. Looked up on every request, uncached, so a logout or a key revocation ends it at once.
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

  async find(token: string): Promise<LiveSession | null> {
    const now = new Date();
    const s = await this.prisma.session.findUnique({
      where: { tokenHash: hashApiKey(token) },
      include: { tenant: { select: { id: true, name: true, slug: true } }, apiKey: { select: { revokedAt: true, expiresAt: true } } },
    });
    if (!s || s.revokedAt || s.expiresAt <= now || (s.apiKeyId && (!s.apiKey || s.apiKey.revokedAt || (s.apiKey.expiresAt && s.apiKey.expiresAt <= now))))
      return null;
    if (now.getTime() - s.lastSeenAt.getTime() > SEEN_RESOLUTION_MS) {
      await this.prisma.session.updateMany({ where: { id: s.id, lastSeenAt: s.lastSeenAt }, data: { lastSeenAt: now } });
    }
    return {
      id: s.id,
      tenant: s.tenant,
      role: s.role,
      permissions: permissionsOf(s.role),
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt.toISOString(),
      principal: { tenantId: s.tenantId, apiKeyId: s.apiKeyId ?? '', role: s.role, sessionId: s.id },
    };
  }

  async revoke(id: string): Promise<void> {
    await this.prisma.session.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  }
}

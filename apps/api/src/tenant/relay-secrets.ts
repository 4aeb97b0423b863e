import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { ConflictError, NotFoundError } from '@retell-ops/domain';
import { DEFAULT_OVERLAP_MINUTES, MAX_OVERLAP_MINUTES } from './retell-key-rotation';

export interface IssuedRelaySecret {
  /** Shown this once: only its AES-256-GCM ciphertext is stored. */
  relaySecret: string;
  /** Where the relay posts: the gateway's /webhooks/relay/<slug>. */
  path: string;
  /** Until when the secret before this one still verifies (null: there was none, or no overlap). */
  previousSecretUntil: string | null;
}

export interface RelayStatus {
  enabled: boolean;
  path: string;
  previousSecretUntil: string | null;
}

/** `rrs_` and 32 random bytes in base64url: what a relay signs with. */
export const newRelaySecret = () => `rrs_${randomBytes(32).toString('base64url')}`;

/**
 * The tenant's relay secret for POST /webhooks/relay/<slug>: issued (turning the relay on) or
 * rotated with an overlap like the Retell key (the old one still verifies until now + overlap),
 * and deleted (relay off; the gateway sees it within its 30 s tenant cache).
 */
@Injectable()
export class RelaySecrets {
  private readonly box: SecretBox;

  constructor(
    private readonly prisma: PrismaService,
    env: AppEnv,
  ) {
    this.box = new SecretBox(env.ENCRYPTION_KEY);
  }

  async issue(tenantId: string, overlapMinutes = DEFAULT_OVERLAP_MINUTES): Promise<IssuedRelaySecret> {
    const t = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { slug: true, relaySecretEnc: true } });
    if (!t) throw new NotFoundError('the tenant no longer exists');
    const secret = newRelaySecret();
    const until = t.relaySecretEnc && overlapMinutes > 0 ? new Date(Date.now() + Math.min(overlapMinutes, MAX_OVERLAP_MINUTES) * 60_000) : null;
    // Guarded on the secret read above: of two rotations at once, the second is told to retry rather than dropping the first's secret.
    const { count } = await this.prisma.tenant.updateMany({
      where: { id: tenantId, relaySecretEnc: t.relaySecretEnc },
      data: { relaySecretEnc: this.box.encrypt(secret), relaySecretPrevEnc: until ? t.relaySecretEnc : null, relaySecretPrevUntil: until },
    });
    if (count === 0) throw new ConflictError('the relay secret was changed at the same moment; send the request again', { code: 'concurrent_rotation' });
    return { relaySecret: secret, path: relayPath(t.slug), previousSecretUntil: until?.toISOString() ?? null };
  }

  /** Relay off: both secrets are forgotten. Idempotent. */
  async disable(tenantId: string): Promise<void> {
    await this.prisma.tenant.updateMany({ where: { id: tenantId }, data: { relaySecretEnc: null, relaySecretPrevEnc: null, relaySecretPrevUntil: null } });
  }

  async status(tenantId: string): Promise<RelayStatus> {
    const t = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { slug: true, relaySecretEnc: true, relaySecretPrevUntil: true } });
    if (!t) throw new NotFoundError('the tenant no longer exists');
    const until = t.relaySecretEnc && t.relaySecretPrevUntil && t.relaySecretPrevUntil.getTime() > Date.now() ? t.relaySecretPrevUntil.toISOString() : null;
    return { enabled: t.relaySecretEnc !== null, path: relayPath(t.slug), previousSecretUntil: until };
  }
}

export const relayPath = (slug: string) => `/webhooks/relay/${slug}`;

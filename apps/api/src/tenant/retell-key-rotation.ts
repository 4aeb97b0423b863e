import { Injectable } from '@nestjs/common';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { RetellKeyCheck } from '@retell-ops/dialer';
import { ConflictError, NotFoundError } from '@retell-ops/domain';

export const DEFAULT_OVERLAP_MINUTES = 60;
export const MAX_OVERLAP_MINUTES = 7 * 24 * 60;

export interface RotatedKey {
  retellApiKeyLast4: string;
  previousRetellKeyUntil: string | null;
}

/**
 * Rotates a tenant's Retell key without dropping a webhook: the new key is checked with Retell,
 * the current one becomes the previous one until now + overlap (the gateway verifies with the
 * new key first, then the old one inside that window), and the dialer uses the new one from its
 * next request (RetellClients). Sending the current key again changes nothing.
 */
@Injectable()
export class RetellKeyRotation {
  private readonly box: SecretBox;

  constructor(
    private readonly prisma: PrismaService,
    private readonly check: RetellKeyCheck,
    env: AppEnv,
  ) {
    this.box = new SecretBox(env.ENCRYPTION_KEY);
  }

  async rotate(tenantId: string, retellApiKey: string, overlapMinutes = DEFAULT_OVERLAP_MINUTES): Promise<RotatedKey> {
    const t = await this.prisma.tenant.findUnique({
      where: { id: tenantId },
      select: { retellApiKeyEnc: true, retellBaseUrl: true, retellApiKeyPrevUntil: true },
    });
    if (!t) throw new NotFoundError('the tenant no longer exists');
    if (this.openOrNull(t.retellApiKeyEnc) === retellApiKey) {
      return { retellApiKeyLast4: last4(retellApiKey), previousRetellKeyUntil: t.retellApiKeyPrevUntil?.toISOString() ?? null };
    }
    await this.check.check(retellApiKey, t.retellBaseUrl);
    const until = new Date(Date.now() + Math.min(overlapMinutes, MAX_OVERLAP_MINUTES) * 60_000);
    // Guarded on the key read above: of two rotations at once, the second is told to retry rather than losing the first's key.
    const { count } = await this.prisma.tenant.updateMany({
      where: { id: tenantId, retellApiKeyEnc: t.retellApiKeyEnc },
      data: { retellApiKeyEnc: this.box.encrypt(retellApiKey), retellApiKeyPrevEnc: t.retellApiKeyEnc, retellApiKeyPrevUntil: until },
    });
    if (count === 0) throw new ConflictError('the Retell key was changed at the same moment; send the rotation again', { code: 'concurrent_rotation' });
    return { retellApiKeyLast4: last4(retellApiKey), previousRetellKeyUntil: until.toISOString() };
  }

  private openOrNull(sealed: string): string | null {
    try {
      return this.box.decrypt(sealed);
    } catch {
      return null;
    }
  }
}

export const last4 = (key: string) => key.slice(-4);

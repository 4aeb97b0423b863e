import { hashApiKey, SecretBox } from '@retell-ops/config';
import type { PrismaClient } from './generated/prisma/client';

export interface TenantSeed {
  slug: string;
  name: string;
  retellApiKey: string;
  adminApiKey: string;
  defaultAgentId?: string;
  defaultFromNumber?: string;
  retellBaseUrl?: string;
}

/** The name of a tenant's bootstrap admin key row: the one key `adminApiKey` (ADMIN_API_KEY) names. */
export const BOOTSTRAP_KEY_NAME = 'bootstrap admin';

export interface UpsertedTenant {
  tenantId: string;
  /** Earlier bootstrap keys revoked now because `adminApiKey` no longer names them. */
  revokedBootstrapKeys: number;
  /** True when the key `adminApiKey` names had been revoked and is valid again. */
  restoredBootstrapKey: boolean;
}

/**
 * Creates or updates a tenant with its Retell key (sealed), its default agent and an admin API
 * key (hash only). The bootstrap key is whatever `adminApiKey` names: any other bootstrap key of
 * the tenant is revoked (a rotated ADMIN_API_KEY ends the old one at the next start), and the
 * named one is valid again if it had been revoked. Idempotent: safe at every start and from tests.
 */
export async function upsertTenant(prisma: PrismaClient, box: SecretBox, seed: TenantSeed): Promise<UpsertedTenant> {
  return prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.upsert({
      where: { slug: seed.slug },
      create: {
        slug: seed.slug,
        name: seed.name,
        retellApiKeyEnc: box.encrypt(seed.retellApiKey),
        defaultAgentId: seed.defaultAgentId,
        defaultFromNumber: seed.defaultFromNumber,
        retellBaseUrl: seed.retellBaseUrl,
      },
      update: {},
    });
    // Re-seal only when the key changed, so restarts do not churn the row.
    const current = safeDecrypt(box, tenant.retellApiKeyEnc);
    await tx.tenant.update({
      where: { id: tenant.id },
      data: {
        name: seed.name,
        defaultAgentId: seed.defaultAgentId ?? tenant.defaultAgentId,
        defaultFromNumber: seed.defaultFromNumber ?? tenant.defaultFromNumber,
        retellBaseUrl: seed.retellBaseUrl ?? tenant.retellBaseUrl,
        ...(current === seed.retellApiKey ? {} : { retellApiKeyEnc: box.encrypt(seed.retellApiKey) }),
      },
    });
    if (seed.defaultAgentId) {
      await tx.agent.upsert({
        where: { retellAgentId: seed.defaultAgentId },
        create: { tenantId: tenant.id, retellAgentId: seed.defaultAgentId, name: 'default agent' },
        update: {},
      });
    }
    const keyHash = hashApiKey(seed.adminApiKey);
    await tx.apiKey.upsert({
      where: { keyHash },
      create: { tenantId: tenant.id, name: BOOTSTRAP_KEY_NAME, keyHash, role: 'owner' },
      // the bootstrap key is the default tenant's owner (keys made before roles existed were admin)
      update: { role: 'owner' },
    });
    const bootstrapKeys = { tenantId: tenant.id, name: BOOTSTRAP_KEY_NAME };
    const revoked = await tx.apiKey.updateMany({ where: { ...bootstrapKeys, keyHash: { not: keyHash }, revokedAt: null }, data: { revokedAt: new Date() } });
    const restored = await tx.apiKey.updateMany({ where: { ...bootstrapKeys, keyHash, revokedAt: { not: null } }, data: { revokedAt: null } });
    return { tenantId: tenant.id, revokedBootstrapKeys: revoked.count, restoredBootstrapKey: restored.count > 0 };
  });
}

function safeDecrypt(box: SecretBox, sealed: string): string | undefined {
  try {
    return box.decrypt(sealed);
  } catch {
    return undefined;
  }
}

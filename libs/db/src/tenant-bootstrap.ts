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

/**
 * Creates or updates a tenant with its Retell key (sealed), its default agent and an admin API
 * key (hash only). Idempotent: safe at every start and from tests.
 */
export async function upsertTenant(prisma: PrismaClient, box: SecretBox, seed: TenantSeed): Promise<{ tenantId: string }> {
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
    await tx.apiKey.upsert({
      where: { keyHash: hashApiKey(seed.adminApiKey) },
      create: { tenantId: tenant.id, name: 'bootstrap admin', keyHash: hashApiKey(seed.adminApiKey), role: 'admin' },
      update: {},
    });
    return { tenantId: tenant.id };
  });
}

function safeDecrypt(box: SecretBox, sealed: string): string | undefined {
  try {
    return box.decrypt(sealed);
  } catch {
    return undefined;
  }
}

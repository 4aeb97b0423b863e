import { randomBytes } from 'node:crypto';
import { SecretBox, type AppEnv } from '@retell-ops/config';
import { upsertTenant, type PrismaClient } from '@retell-ops/db';

export interface TestTenant {
  tenantId: string;
  slug: string;
  retellApiKey: string;
  adminApiKey: string;
  agentId: string;
}

/** A tenant of its own for each test, so tests running side by side never share rows. */
export async function createTestTenant(prisma: PrismaClient, env: AppEnv, name = 'tenant'): Promise<TestTenant> {
  const id = randomBytes(6).toString('hex');
  const t = {
    slug: `${name}-${id}`,
    retellApiKey: `key_test_${randomBytes(16).toString('hex')}`,
    adminApiKey: `rops_${randomBytes(20).toString('hex')}`,
    agentId: `agent_${id}`,
  };
  const { tenantId } = await upsertTenant(prisma, new SecretBox(env.ENCRYPTION_KEY), {
    slug: t.slug,
    name: `Test ${name} ${id}`,
    retellApiKey: t.retellApiKey,
    adminApiKey: t.adminApiKey,
    defaultAgentId: t.agentId,
  });
  return { tenantId, ...t };
}

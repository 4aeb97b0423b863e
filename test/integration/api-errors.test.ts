import { randomBytes, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey, newApiKeyToken } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { agoIso, aheadIso } from '../support/dates';
import { bearerApi } from '../support/http';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/** Domain errors thrown by real use cases reach the client through the API's one exception filter. */
describe('API errors through the exception filter', () => {
  const env = testEnv();
  const RACE_AGENT = `agent_race_${randomBytes(4).toString('hex')}`;
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  /** Retell: connecting an agent asks its get-agent first (docs/agents.md) */
  let sim: NestFastifyApplication;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  let viewerKey: string;

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'errors-a');
    B = await createTestTenant(prisma, env, 'errors-b');
    viewerKey = newApiKeyToken();
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    sim = await createSimApp(
      {
        gatewayUrl: 'http://127.0.0.1:9',
        apiKey: `key_test_sim_${randomBytes(6).toString('hex')}`,
        otherApiKeys: [A.retellApiKey, B.retellApiKey],
        defaultAgentId: B.agentId,
        defaultFromNumber: '+14155550100',
        defaultToNumber: '+14155550123',
        historyLimit: 10,
        retellApi: { agents: [{ agent_id: RACE_AGENT }] },
      },
      false,
    );
    await sim.listen(0, '127.0.0.1');
    const simUrl = (await sim.getUrl()).replace('[::1]', '127.0.0.1');
    app = await createApi(testEnv({ RETELL_BASE_URL: simUrl }), { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await Promise.all([app?.close(), sim?.close()]);
    await prisma.tenant.deleteMany({ where: { id: { in: [A.tenantId, B.tenantId] } } });
    await prisma.$disconnect();
  });

  const admin = bearerApi(
    () => base,
    () => A.adminApiKey,
  );
  const viewer = bearerApi(
    () => base,
    () => viewerKey,
  );

  it.each<[string, () => ReturnType<typeof admin>, () => Record<string, unknown>]>([
    [
      "another tenant's agent → 409 (TenantSettings)",
      () => admin('POST', '/api/v1/agents', { retellAgentId: B.agentId }),
      () => ({ statusCode: 409, error: 'Conflict', message: `agent '${B.agentId}' belongs to another tenant`, code: 'agent_of_another_tenant' }),
    ],
    [
      'a batch that does not exist → 404 (DialRequests)',
      () => admin('DELETE', `/api/v1/batches/${'0'.repeat(8)}-0000-4000-8000-${randomBytes(6).toString('hex')}`),
      () => ({ statusCode: 404, error: 'Not Found', code: 'not_found' }),
    ],
    [
      'a stats range that ends before it starts → 400 with the field (DialStats)',
      () => admin('GET', `/api/v1/stats?from=${encodeURIComponent(agoIso(3_600_000))}&to=${encodeURIComponent(agoIso(7_200_000))}`),
      () => ({ statusCode: 400, error: 'Bad Request', message: 'from must be before to', code: 'invalid_input', field: 'from' }),
    ],
    [
      'a cursor the API never issued → 400 with the field',
      () => admin('GET', '/api/v1/calls?cursor=not-a-cursor'),
      () => ({ statusCode: 400, error: 'Bad Request', message: 'cursor is not one this API issued', code: 'invalid_input', field: 'cursor' }),
    ],
    [
      'a change with a viewer key → 403',
      () => viewer('POST', '/api/v1/agents', { retellAgentId: `agent_${randomBytes(4).toString('hex')}` }),
      () => ({ statusCode: 403, error: 'Forbidden', message: 'the viewer role may not do this (needs agents:write)', code: 'forbidden' }),
    ],
    [
      'rescheduling an interview that does not exist → 404',
      () => admin('POST', `/api/v1/interviews/${randomUUID()}/reschedule`, { scheduledAt: aheadIso(86_400_000) }),
      () => ({ statusCode: 404, error: 'Not Found', code: 'not_found' }),
    ],
  ])('%s', async (_name, call, expected) => {
    const body = expected();
    const res = await call();
    expect(res.json).toMatchObject(body);
    expect(res.status).toBe(body.statusCode);
    expect(Object.keys(res.json).sort()).toEqual(
      Object.keys(body)
        .concat('message')
        .filter((k, i, all) => all.indexOf(k) === i)
        .sort(),
    );
  });

  it("two tenants registering one new agent at once: one gets it, the other a 409, and its row stays the winner's", async () => {
    const id = RACE_AGENT;
    const adminOfB = bearerApi(
      () => base,
      () => B.adminApiKey,
    );
    const [a, b] = await Promise.all([
      admin('POST', '/api/v1/agents', { retellAgentId: id, name: 'of A' }),
      adminOfB('POST', '/api/v1/agents', { retellAgentId: id, name: 'of B' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    // the name is Retell's (the body's only when Retell has none)
    const winner = { tenantId: a.status === 201 ? A.tenantId : B.tenantId, name: `Simulated agent ${id}` };
    expect(await prisma.agent.findUnique({ where: { retellAgentId: id } })).toMatchObject(winner);
  });

  it("a refused agent is still the other tenant's", async () => {
    await admin('POST', '/api/v1/agents', { retellAgentId: B.agentId, name: 'taken over?' });
    expect(await prisma.agent.findUnique({ where: { retellAgentId: B.agentId } })).toMatchObject({ tenantId: B.tenantId, name: 'default agent' });
  });
});

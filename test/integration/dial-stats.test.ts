import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * GET /api/v1/stats counts and costs a tenant's calls in total and by UTC day, agent and batch
 * (cost in cents: what was spent, and the average over the calls that have a cost), and
 * GET /api/v1/calls?batchId= lists the calls placed for one batch: the ones the analytics page's
 * batch bars link to. Calls are seeded straight into the database (no dialer runs).
 */
describe('stats with cost, and calls by batch', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let a: TestTenant;
  let b: TestTenant;
  const ids = { batch: '', otherBatch: '', batchCalls: [] as string[], single: [] as string[] };

  /** Noon UTC `days` ago: far from a UTC midnight, so the day a call counts on is certain. */
  const noonDaysAgo = (days: number) => {
    const d = new Date(Date.now() - days * 86_400_000);
    d.setUTCHours(12, 0, 0, 0);
    return d;
  };
  const utcDay = (d: Date) => d.toISOString().slice(0, 10);
  const get = async (path: string, key = a.adminApiKey): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, json: await res.json() };
  };

  async function batchWithRequest(t: TestTenant): Promise<{ batchId: string; requestId: string }> {
    const batch = await prisma.batch.create({ data: { tenantId: t.tenantId, name: 'stats list', maxConcurrent: 2, status: 'completed' } });
    const request = await prisma.dialRequest.create({
      data: {
        tenantId: t.tenantId,
        batchId: batch.id,
        toNumber: '+14155550161',
        fromNumber: '+14155550100',
        agentId: t.agentId,
        dynamicVariables: {},
        status: 'completed',
      },
    });
    return { batchId: batch.id, requestId: request.id };
  }

  async function call(
    t: TestTenant,
    c: {
      agentId: string;
      at: Date;
      dialRequestId?: string;
      costCents: number | null;
      durationMs: number | null;
      successful: boolean | null;
      status?: 'completed' | 'failed';
    },
  ): Promise<string> {
    const row = await prisma.call.create({
      data: {
        tenantId: t.tenantId,
        retellCallId: `call_${randomBytes(10).toString('hex')}`,
        dialRequestId: c.dialRequestId,
        agentId: c.agentId,
        status: c.status ?? 'completed',
        direction: 'outbound',
        startedAt: c.at,
        occurredAt: c.at,
        durationMs: c.durationMs,
        costCents: c.costCents,
        successful: c.successful,
      },
    });
    return row.id;
  }

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    [a, b] = await Promise.all([createTestTenant(prisma, env, 'stats-a'), createTestTenant(prisma, env, 'stats-b')]);
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const mine = await batchWithRequest(a);
    const other = await batchWithRequest(b);
    ids.batch = mine.batchId;
    ids.otherBatch = other.batchId;
    ids.batchCalls = [
      await call(a, { agentId: 'agent_x', at: noonDaysAgo(2), dialRequestId: mine.requestId, costCents: 12.5, durationMs: 60_000, successful: true }),
      await call(a, { agentId: 'agent_x', at: noonDaysAgo(2), dialRequestId: mine.requestId, costCents: 7.25, durationMs: 30_000, successful: false }),
    ];
    ids.single = [
      // a call that never connected has no cost: it counts as a call but not in the average cost
      await call(a, { agentId: 'agent_y', at: noonDaysAgo(1), costCents: null, durationMs: null, successful: null, status: 'failed' }),
      await call(a, { agentId: 'agent_y', at: noonDaysAgo(1), costCents: 0.3333, durationMs: 0, successful: null }),
    ];
    await call(b, { agentId: b.agentId, at: noonDaysAgo(1), dialRequestId: other.requestId, costCents: 99, durationMs: 10_000, successful: true });
  });

  afterAll(async () => {
    await app?.close();
    if (prisma) {
      await prisma.tenant.deleteMany({ where: { id: { in: [a?.tenantId, b?.tenantId].filter(Boolean) } } });
      await prisma.$disconnect();
    }
  });

  it('totals, days, agents and batches carry the cost spent and the average cost, in cents', async () => {
    const range = `from=${noonDaysAgo(5).toISOString()}&to=${new Date().toISOString()}`;
    const { status, json } = await get(`/api/v1/stats?${range}`);
    expect(status).toBe(200);
    expect(json.totals).toMatchObject({ calls: 4, completed: 3, failed: 1, successful: 1, analysed: 2, successRate: 0.5, avgDurationMs: 45_000 });
    expect(json.totals.costCents).toBeCloseTo(20.0833, 4);
    // over the three calls with a cost (0.3333 among them), not the four calls
    expect(json.totals.avgCostCents).toBeCloseTo(6.6944, 4);

    expect(json.byDay).toEqual([
      expect.objectContaining({ day: utcDay(noonDaysAgo(2)), calls: 2, costCents: 19.75, avgCostCents: 9.875 }),
      expect.objectContaining({ day: utcDay(noonDaysAgo(1)), calls: 2, costCents: 0.3333, avgCostCents: 0.3333 }),
    ]);
    const byAgent = Object.fromEntries(json.byAgent.map((r: { agentId: string }) => [r.agentId, r]));
    expect(byAgent.agent_x).toMatchObject({ calls: 2, costCents: 19.75, avgCostCents: 9.875 });
    expect(byAgent.agent_y).toMatchObject({ calls: 2, costCents: 0.3333, avgCostCents: 0.3333 });
    const byBatch = Object.fromEntries(json.byBatch.map((r: { batchId: string | null }) => [r.batchId ?? 'none', r]));
    expect(byBatch[ids.batch]).toMatchObject({ calls: 2, costCents: 19.75, avgCostCents: 9.875 });
    expect(byBatch.none).toMatchObject({ calls: 2, costCents: 0.3333, avgCostCents: 0.3333 });
    expect(Object.keys(byBatch)).not.toContain(ids.otherBatch);
  });

  it('a range with no costed call answers cost 0 and no average', async () => {
    const none = await get(`/api/v1/stats?from=${noonDaysAgo(30).toISOString()}&to=${noonDaysAgo(20).toISOString()}`);
    expect(none.json.totals).toMatchObject({ calls: 0, costCents: 0, avgCostCents: null });
  });

  it('GET /api/v1/calls?batchId= lists that batch’s calls only, and never another tenant’s', async () => {
    const mine = await get(`/api/v1/calls?batchId=${ids.batch}`);
    expect(mine.status).toBe(200);
    expect(mine.json.data.map((c: { id: string }) => c.id).sort()).toEqual([...ids.batchCalls].sort());
    expect((await get(`/api/v1/calls?batchId=${ids.otherBatch}`)).json.data).toEqual([]);
    expect((await get(`/api/v1/calls?batchId=${ids.otherBatch}`, b.adminApiKey)).json.data).toHaveLength(1);
    expect((await get('/api/v1/calls?batchId=not-a-uuid')).json.data).toEqual([]);
    // without the filter every call of the tenant is listed
    expect((await get('/api/v1/calls')).json.data).toHaveLength(4);
  });
});

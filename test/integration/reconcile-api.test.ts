import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey, newApiKeyToken } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { QueueProducers, QUEUES, reconcileRunJobId } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/** POST /api/v1/reconcile and GET /api/v1/reconcile/runs in-process: the run row, its job, roles, validation, tenant scope. */
describe('reconcile API', () => {
  const env = testEnv();
  let app: NestFastifyApplication;
  let prisma: PrismaClient;
  let producers: QueueProducers;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  let viewerKey: string;
  let recruiterKey: string;

  beforeAll(async () => {
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    producers = new QueueProducers(env);
    A = await createTestTenant(prisma, env, 'recon-api-a');
    B = await createTestTenant(prisma, env, 'recon-api-b');
    viewerKey = newApiKeyToken();
    recruiterKey = newApiKeyToken();
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'recruiter', keyHash: hashApiKey(recruiterKey), role: 'recruiter' } });
  });

  afterAll(async () => {
    await app?.close();
    await producers?.queue(QUEUES.reconcile).obliterate({ force: true });
    await producers?.onModuleDestroy();
    await prisma?.$disconnect();
  });

  async function call(method: 'GET' | 'POST', path: string, key: string, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  it('POST answers 202 with the run, queued with its job; GET lists it newest first, for its tenant only', async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const first = await call('POST', '/api/v1/reconcile', A.adminApiKey, { from });
    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({ id: expect.any(String), status: 'queued', trigger: 'operator', from, pages: 0, callsSeen: 0, errors: [] });
    expect(first.json.requestedBy).toMatch(/^key:/);
    const to = new Date(Date.now() - 3_600_000).toISOString();
    const second = await call('POST', '/api/v1/reconcile', A.adminApiKey, { from, to });
    expect(second.json).toMatchObject({ from, to });

    const job = await producers.queue(QUEUES.reconcile).getJob(reconcileRunJobId(first.json.id));
    expect(job?.data).toEqual({ tenantId: A.tenantId, runId: first.json.id });

    const list = await call('GET', '/api/v1/reconcile/runs', A.adminApiKey);
    expect(list.status).toBe(200);
    expect(list.json.data.map((r: { id: string }) => r.id)).toEqual([second.json.id, first.json.id]);
    const paged = await call('GET', '/api/v1/reconcile/runs?limit=1', A.adminApiKey);
    expect(paged.json).toMatchObject({ data: [{ id: second.json.id }], nextCursor: second.json.id });
    const next = await call('GET', `/api/v1/reconcile/runs?limit=1&cursor=${paged.json.nextCursor}`, A.adminApiKey);
    expect(next.json.data.map((r: { id: string }) => r.id)).toEqual([first.json.id]);
    expect((await call('GET', `/api/v1/reconcile/runs/${first.json.id}`, A.adminApiKey)).json).toMatchObject({ id: first.json.id });

    expect((await call('GET', '/api/v1/reconcile/runs', B.adminApiKey)).json.data).toEqual([]);
    expect((await call('GET', `/api/v1/reconcile/runs/${first.json.id}`, B.adminApiKey)).status).toBe(404);
  });

  it.each([
    [{}, /from must be an ISO 8601/],
    [{ from: '24 hours ago' }, /from must be an ISO 8601/],
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /from must be before to/],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, /at most 31 days/],
    [{ from: '2026-01-01T00:00:00Z', extra: 1 }, /property extra should not exist/],
  ])('POST %j → 400', async (body, reason) => {
    const res = await call('POST', '/api/v1/reconcile', A.adminApiKey, body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json.message)).toMatch(reason);
  });

  it('a viewer or a recruiter may neither run nor list reconciliation (operations:write / operations:read)', async () => {
    for (const key of [viewerKey, recruiterKey]) {
      expect((await call('POST', '/api/v1/reconcile', key, { from: new Date(Date.now() - 60_000).toISOString() })).status).toBe(403);
      expect((await call('GET', '/api/v1/reconcile/runs', key)).status).toBe(403);
    }
  });
});

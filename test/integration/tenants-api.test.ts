import { randomBytes, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { AppEnv } from '@retell-ops/config';
import { createPrismaClient, PrismaService, type PrismaClient } from '@retell-ops/db';
import { DialDispatcher, DialRequestStore, RetellClients, TenantConcurrency } from '@retell-ops/dialer';
import { QUEUES, QueueProducers, type CallEventJob } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { API_KEY_CACHE_TTL_MS } from '../../apps/api/src/auth/api-key.guard';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import type { SimConfig } from '../../apps/retell-sim/src/config/sim-config';
import { createSimApp } from '../../apps/retell-sim/src/create-app';
import { agoIso, aheadIso } from '../support/dates';
import { bearerApi, postSigned, type ApiAnswer } from '../support/http';
import { lifecycle } from '../support/payloads';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

// Issue 13, items 1, 2 and 5: the platform operator's tenant routes, Retell key rotation, API keys.
// Retell is the simulator, in process; it knows SIM_KEY and the keys tenants are given here.

const hex = (n = 8) => randomBytes(n).toString('hex');
const SIM_KEY = `key_test_sim_${hex()}`;
const TENANT_KEY = `key_test_tenant_${hex()}`;
const ROTATED_KEY = `key_test_rotated_${hex()}`;
const WRONG_KEY = `key_test_wrong_${hex()}`;
const OPERATOR_KEY = `op_${hex(20)}`;

const url = (base: string) => base.replace('[::1]', '127.0.0.1');

describe('platform operator, Retell key rotation, API keys (apps/api, apps/gateway)', () => {
  let sim: NestFastifyApplication;
  let api: NestFastifyApplication;
  let api2: NestFastifyApplication;
  let gateway: NestFastifyApplication;
  let env: AppEnv;
  let prisma: PrismaClient;
  let apiBase: string;
  let api2Base: string;
  let gatewayBase: string;
  let A: TestTenant;
  let B: TestTenant;
  let viewerKey: string;
  const made: string[] = [];
  let queues: Queue<CallEventJob>[] = [];

  const as = (key: string, base = () => apiBase) => bearerApi(base, key);
  const operator = () => as(OPERATOR_KEY);
  const slug = (name: string) => `${name}-${hex(4)}`;
  const createTenant = async (body: Record<string, unknown>): Promise<ApiAnswer> => {
    const res = await operator()('POST', '/api/v1/tenants', body);
    if (res.status === 201) made.push(res.json.tenant.id);
    return res;
  };

  beforeAll(async () => {
    const config: SimConfig = {
      gatewayUrl: 'http://127.0.0.1:9',
      apiKey: SIM_KEY,
      otherApiKeys: [TENANT_KEY, ROTATED_KEY],
      defaultAgentId: 'agent_sim_default',
      defaultFromNumber: '+14155550100',
      defaultToNumber: '+14155550123',
      historyLimit: 10,
    };
    sim = await createSimApp(config, false);
    await sim.listen(0, '127.0.0.1');
    env = testEnv({ PLATFORM_ADMIN_KEY: OPERATOR_KEY, RETELL_BASE_URL: url(await sim.getUrl()), RETELL_API_KEY: SIM_KEY });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'ten-a');
    B = await createTestTenant(prisma, env, 'ten-b');
    made.push(A.tenantId, B.tenantId);
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    apiBase = url(await api.getUrl());
    api2 = await createApi(env, { bootstrapDefaultTenant: false });
    await api2.listen(0, '127.0.0.1');
    api2Base = url(await api2.getUrl());
    gateway = await createGateway(env);
    await gateway.listen(0, '127.0.0.1');
    gatewayBase = url(await gateway.getUrl());
    queues = Object.values(QUEUES).map((name) => new Queue<CallEventJob>(name, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX }));
    const viewer = await as(A.adminApiKey)('POST', '/api/v1/api-keys', { name: 'read only', role: 'viewer' });
    viewerKey = viewer.json.key;
  });

  afterAll(async () => {
    await Promise.all(queues.map(async (q) => (await q.obliterate({ force: true }), await q.close())));
    await Promise.all([api?.close(), api2?.close(), gateway?.close(), sim?.close()]);
    await prisma.tenant.deleteMany({ where: { id: { in: made } } });
    await prisma.$disconnect();
  });

  describe('POST/GET/PATCH /api/v1/tenants (platform operator)', () => {
    it('creates a tenant after Retell accepts its key, answers its first admin key once, and never its Retell key', async () => {
      const s = slug('acme');
      const res = await createTenant({
        name: 'Acme',
        slug: s,
        retellApiKey: TENANT_KEY,
        defaultAgentId: `agent_${hex(4)}`,
        defaultFromNumber: '+14155550111',
        timeZone: 'America/New_York',
        callingWindow: { start: '09:00', end: '17:00', timeZone: 'America/New_York' },
      });
      expect(res.status).toBe(201);
      expect(res.json.tenant).toMatchObject({
        slug: s,
        name: 'Acme',
        active: true,
        retellApiKeyLast4: TENANT_KEY.slice(-4),
        timeZone: 'America/New_York',
        callingWindow: { start: '09:00', end: '17:00', timeZone: 'America/New_York' },
      });
      expect(JSON.stringify(res.json)).not.toContain(TENANT_KEY);
      expect(res.json.apiKey).toEqual({
        id: expect.any(String),
        key: expect.stringMatching(/^rops_/),
        prefix: res.json.apiKey.key.slice(0, 12),
        role: 'owner',
      });
      const own = await as(res.json.apiKey.key)('GET', '/api/v1/tenant');
      expect(own.json).toMatchObject({ id: res.json.tenant.id, slug: s, hasRetellApiKey: true });
      const agents = await as(res.json.apiKey.key)('GET', '/api/v1/agents');
      expect(agents.json.map((a: { retellAgentId: string }) => a.retellAgentId)).toEqual([res.json.tenant.defaultAgentId]);
    });

    it('a key Retell refuses is a 422 with its answer, and nothing is stored', async () => {
      const s = slug('refused');
      const res = await createTenant({ name: 'Refused', slug: s, retellApiKey: WRONG_KEY });
      expect(res.status).toBe(422);
      expect(res.json).toMatchObject({ code: 'retell_key_refused' });
      expect(res.json.message).toMatch(/^Retell refused the API key \(401\): .+/);
      expect(await prisma.tenant.findUnique({ where: { slug: s } })).toBeNull();
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['a slug with capitals', { name: 'X', slug: 'Bad Slug', retellApiKey: TENANT_KEY }, /slug must be lowercase/],
      ['no Retell key', { name: 'X', slug: 'no-key' }, /retellApiKey/],
      ['an unknown field', { name: 'X', slug: 'x-unknown', retellApiKey: TENANT_KEY, retellApiKeyEnc: 'x' }, /should not exist/],
      ['a bad zone', { name: 'X', slug: 'x-zone', retellApiKey: TENANT_KEY, timeZone: 'Mars/Olympus' }, /IANA time zone/],
      [
        'a bad window',
        { name: 'X', slug: 'x-win', retellApiKey: TENANT_KEY, callingWindow: { start: '9am', end: '17:00', timeZone: 'UTC' } },
        /start must be HH:MM/,
      ],
      [
        'a window ending before it starts',
        { name: 'X', slug: `x-${hex(4)}`, retellApiKey: TENANT_KEY, callingWindow: { start: '17:00', end: '09:00', timeZone: 'UTC' } },
        /before/,
      ],
      ['active as text', { name: 'X', slug: 'x-active', retellApiKey: TENANT_KEY, active: 'yes' }, /active must be a boolean/],
    ])('400 for %s', async (_name, body, message) => {
      const res = await createTenant(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json.message)).toMatch(message);
    });

    it('409 for a slug taken, or a default agent of another tenant', async () => {
      expect((await createTenant({ name: 'Dup', slug: A.slug, retellApiKey: TENANT_KEY })).json).toMatchObject({ statusCode: 409, code: 'slug_taken' });
      const res = await createTenant({ name: 'Thief', slug: slug('thief'), retellApiKey: TENANT_KEY, defaultAgentId: A.agentId });
      expect(res.json).toMatchObject({ statusCode: 409, code: 'agent_of_another_tenant' });
    });

    it('401 without a key; 403 for a tenant admin key, a viewer key, or any other key, on every operator route', async () => {
      const routes: Array<[string, string, unknown?]> = [
        ['POST', '/api/v1/tenants', { name: 'X', slug: 'x', retellApiKey: TENANT_KEY }],
        ['GET', '/api/v1/tenants'],
        ['GET', `/api/v1/tenants/${A.tenantId}`],
        ['PATCH', `/api/v1/tenants/${A.tenantId}`, { active: false }],
      ];
      for (const [method, path, body] of routes) {
        const none = await fetch(`${apiBase}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        });
        expect([method, path, none.status]).toEqual([method, path, 401]);
        for (const key of [A.adminApiKey, viewerKey, `${OPERATOR_KEY}x`]) {
          const res = await as(key)(method, path, body);
          expect([method, path, res.status, res.json.message]).toEqual([
            method,
            path,
            403,
            'only the platform operator (PLATFORM_ADMIN_KEY) may manage tenants',
          ]);
        }
      }
      expect((await prisma.tenant.findUnique({ where: { id: A.tenantId } }))!.active).toBe(true);
    });

    it('lists and reads tenants; 404 for an unknown id', async () => {
      const list = await operator()('GET', '/api/v1/tenants');
      expect(list.status).toBe(200);
      expect(list.json.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining([A.tenantId, B.tenantId]));
      expect(JSON.stringify(list.json)).not.toContain(A.retellApiKey);
      const one = await operator()('GET', `/api/v1/tenants/${B.tenantId}`);
      expect(one.json).toMatchObject({ id: B.tenantId, slug: B.slug, active: true, retellApiKeyLast4: B.retellApiKey.slice(-4), callingWindow: null });
      expect((await operator()('GET', `/api/v1/tenants/${randomUUID()}`)).status).toBe(404);
      expect((await operator()('GET', '/api/v1/tenants/not-a-uuid')).status).toBe(404);
    });

    it('PATCH changes fields, clears one with null, and 400s a null name or an unknown field', async () => {
      const created = await createTenant({ name: 'Patch me', slug: slug('patch'), retellApiKey: TENANT_KEY, timeZone: 'UTC' });
      const id = created.json.tenant.id;
      const res = await operator()('PATCH', `/api/v1/tenants/${id}`, {
        name: 'Patched',
        timeZone: null,
        callingWindow: { start: '08:00', end: '20:00', timeZone: 'Europe/Paris' },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ name: 'Patched', timeZone: null, callingWindow: { start: '08:00', end: '20:00', timeZone: 'Europe/Paris' } });
      expect((await operator()('PATCH', `/api/v1/tenants/${id}`, { name: null })).status).toBe(400);
      expect((await operator()('PATCH', `/api/v1/tenants/${id}`, { retellApiKeyEnc: 'x' })).status).toBe(400);
      expect((await operator()('PATCH', `/api/v1/tenants/${id}`, { overlapMinutes: 5 })).json).toMatchObject({ statusCode: 400, field: 'overlapMinutes' });
      expect((await operator()('PATCH', `/api/v1/tenants/${id}`, { retellApiKey: WRONG_KEY })).status).toBe(422);
      expect((await operator()('PATCH', `/api/v1/tenants/${randomUUID()}`, { name: 'x' })).status).toBe(404);
    });

    it('an inactive tenant: webhooks refused at the gateway (403), dials refused at the API (403), queued requests not dispatched, nothing deleted', async () => {
      const created = await createTenant({
        name: 'Sleepy',
        slug: slug('sleepy'),
        retellApiKey: TENANT_KEY,
        defaultAgentId: `agent_${hex(4)}`,
        defaultFromNumber: '+14155550112',
      });
      const { tenant, apiKey } = created.json;
      const queued = await as(apiKey.key)('POST', '/api/v1/calls', { toNumber: '+14155550199' });
      expect(queued.status).toBe(202);

      const off = await operator()('PATCH', `/api/v1/tenants/${tenant.id}`, { active: false });
      expect(off.json).toMatchObject({ active: false });

      const l = lifecycle(tenant.defaultAgentId);
      const hook = await postSigned(`${gatewayBase}/webhooks/retell/${tenant.slug}`, JSON.stringify(l.call_started), TENANT_KEY);
      expect(hook.status).toBe(403);
      expect(hook.json()).toMatchObject({ error: 'tenant_inactive', reason: expect.stringMatching(/deactivated/) });
      const byAgent = await postSigned(`${gatewayBase}/webhooks/retell`, JSON.stringify(l.call_started), TENANT_KEY);
      expect(byAgent.status).toBe(403);

      const dial = await as(apiKey.key)('POST', '/api/v1/calls', { toNumber: '+14155550198' });
      expect(dial.status).toBe(403);
      expect(dial.json).toMatchObject({ code: 'tenant_inactive', message: expect.stringMatching(/deactivated/) });
      const batch = await as(apiKey.key)('POST', '/api/v1/batches', { maxConcurrent: 1, targets: ['+14155550197'] });
      expect(batch.status).toBe(403);

      const prismaService = api.get(PrismaService);
      const producers = new QueueProducers(env);
      try {
        const dispatcher = new DialDispatcher(
          prismaService,
          new DialRequestStore(prismaService),
          new TenantConcurrency(api.get(RetellClients), env),
          producers,
        );
        expect(await dispatcher.dueTenants()).not.toContain(tenant.id);
        expect(await dispatcher.dispatch(tenant.id)).toBe(0);
      } finally {
        await producers.onModuleDestroy();
      }
      const request = await prisma.dialRequest.findUnique({ where: { id: queued.json.dialRequestId } });
      expect(request).toMatchObject({ status: 'queued' });
      expect(await prisma.tenant.findUnique({ where: { id: tenant.id } })).toMatchObject({ active: false });
      // the tenant's own reads still work: nothing is hidden or deleted
      expect((await as(apiKey.key)('GET', `/api/v1/calls/${queued.json.id}`)).status).toBe(200);
    });
  });

  describe('POST /api/v1/tenant/retell-key', () => {
    it('rotates without a dropped webhook: old and new keys verify during the overlap, only the new after; the dialer uses the new key at once', async () => {
      const created = await createTenant({ name: 'Rotor', slug: slug('rotor'), retellApiKey: TENANT_KEY, defaultAgentId: `agent_${hex(4)}` });
      const { tenant, apiKey } = created.json;
      const hookUrl = `${gatewayBase}/webhooks/retell/${tenant.slug}`;
      const post = (key: string) => postSigned(hookUrl, JSON.stringify(lifecycle(tenant.defaultAgentId).call_started), key);
      expect((await post(TENANT_KEY)).status).toBe(204); // the gateway now caches the tenant with its first key

      // deliveries signed with the old key keep arriving while the rotation happens
      const during = Promise.all(Array.from({ length: 20 }, () => post(TENANT_KEY)));
      const rotated = await as(apiKey.key)('POST', '/api/v1/tenant/retell-key', { retellApiKey: ROTATED_KEY, overlapMinutes: 5 });
      expect(rotated.status).toBe(200);
      expect(rotated.json.retellApiKeyLast4).toBe(ROTATED_KEY.slice(-4));
      expect(Date.parse(rotated.json.previousRetellKeyUntil) - Date.now()).toBeGreaterThan(4 * 60_000);
      const after = await Promise.all([...Array.from({ length: 10 }, () => post(ROTATED_KEY)), ...Array.from({ length: 10 }, () => post(TENANT_KEY))]);
      expect([...(await during), ...after].map((r) => r.status)).toEqual(Array(40).fill(204));
      const jobs = await queues[0].getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
      expect(jobs.filter((j) => j.data.tenantId === tenant.id)).toHaveLength(41);

      const client = await api.get(RetellClients).forTenant(tenant.id);
      expect(client.apiKey).toBe(ROTATED_KEY);

      // the overlap ends (moved into the past here); a gateway reading the tenant afresh refuses the old key
      await prisma.tenant.update({ where: { id: tenant.id }, data: { retellApiKeyPrevUntil: new Date(Date.now() - 1000) } });
      const fresh = await createGateway(env);
      try {
        await fresh.listen(0, '127.0.0.1');
        const freshUrl = `${url(await fresh.getUrl())}/webhooks/retell/${tenant.slug}`;
        const body = () => JSON.stringify(lifecycle(tenant.defaultAgentId).call_started);
        expect((await postSigned(freshUrl, body(), TENANT_KEY)).status).toBe(401);
        expect((await postSigned(freshUrl, body(), ROTATED_KEY)).status).toBe(204);
      } finally {
        await fresh.close();
      }
      expect((await operator()('GET', `/api/v1/tenants/${tenant.id}`)).json).toMatchObject({
        retellApiKeyLast4: ROTATED_KEY.slice(-4),
        previousRetellKeyUntil: null,
      });
    });

    it('422 when Retell refuses the new key (nothing changes), 503 when Retell is unreachable', async () => {
      const before = await prisma.tenant.findUniqueOrThrow({ where: { id: A.tenantId } });
      const refused = await as(A.adminApiKey)('POST', '/api/v1/tenant/retell-key', { retellApiKey: WRONG_KEY });
      expect(refused.status).toBe(422);
      expect(refused.json.message).toMatch(/Retell refused the API key/);
      expect((await prisma.tenant.findUniqueOrThrow({ where: { id: A.tenantId } })).retellApiKeyEnc).toBe(before.retellApiKeyEnc);

      await prisma.tenant.update({ where: { id: B.tenantId }, data: { retellBaseUrl: 'http://127.0.0.1:9' } });
      const down = await as(B.adminApiKey)('POST', '/api/v1/tenant/retell-key', { retellApiKey: ROTATED_KEY });
      expect(down.status).toBe(503);
      expect(down.json.message).toMatch(/could not be reached/);
      await prisma.tenant.update({ where: { id: B.tenantId }, data: { retellBaseUrl: null } });
    });

    it('400 for bad input, 401 without a key, 403 for a viewer', async () => {
      for (const body of [
        {},
        { retellApiKey: ROTATED_KEY, overlapMinutes: 10081 },
        { retellApiKey: ROTATED_KEY, overlapMinutes: -1 },
        { retellApiKey: 'short' },
      ]) {
        expect((await as(A.adminApiKey)('POST', '/api/v1/tenant/retell-key', body)).status).toBe(400);
      }
      expect((await fetch(`${apiBase}/api/v1/tenant/retell-key`, { method: 'POST' })).status).toBe(401);
      expect((await as(viewerKey)('POST', '/api/v1/tenant/retell-key', { retellApiKey: ROTATED_KEY })).status).toBe(403);
    });
  });

  describe('POST/GET/DELETE /api/v1/api-keys', () => {
    it('issues a key shown once, lists keys without key or hash, and keeps lastUsedAt', async () => {
      const expiresAt = aheadIso(30 * 86_400_000);
      const res = await as(A.adminApiKey)('POST', '/api/v1/api-keys', { name: 'CI', role: 'admin', expiresAt });
      expect(res.status).toBe(201);
      expect(res.json).toEqual({
        id: expect.any(String),
        key: expect.stringMatching(/^rops_/),
        prefix: res.json.key.slice(0, 12),
        role: 'admin',
        name: 'CI',
        expiresAt: new Date(expiresAt).toISOString(),
      });
      expect((await as(res.json.key)('GET', '/api/v1/tenant')).json.id).toBe(A.tenantId);

      const listed = await waitFor(
        async () => {
          const list = await as(A.adminApiKey)('GET', '/api/v1/api-keys');
          const row = list.json.find((k: { id: string }) => k.id === res.json.id);
          return row?.lastUsedAt ? { list, row } : undefined;
        },
        { what: 'lastUsedAt to be recorded' },
      );
      expect(Object.keys(listed.row).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'role']);
      expect(listed.row).toMatchObject({ name: 'CI', prefix: res.json.prefix, role: 'admin', revokedAt: null });
      expect(JSON.stringify(listed.list.json)).not.toContain(res.json.key);
      expect(JSON.stringify(listed.list.json)).not.toMatch(/keyHash/);
      // another tenant's keys are not listed
      const others = await as(B.adminApiKey)('GET', '/api/v1/api-keys');
      expect(others.json.map((k: { id: string }) => k.id)).not.toContain(res.json.id);
    });

    it.each<[string, Record<string, unknown>]>([
      ['no name', { role: 'admin' }],
      ['an unknown role', { name: 'x', role: 'root' }],
      ['an expiry in the past', { name: 'x', role: 'viewer', expiresAt: agoIso(60_000) }],
      ['an expiry that is not a date', { name: 'x', role: 'viewer', expiresAt: 'tomorrow' }],
      ['an unknown field', { name: 'x', role: 'viewer', keyHash: 'x' }],
    ])('400 for %s', async (_name, body) => {
      expect((await as(A.adminApiKey)('POST', '/api/v1/api-keys', body)).status).toBe(400);
    });

    it('401 without a key; 403 for a viewer on every route; 404 for another tenant key', async () => {
      const own = await as(A.adminApiKey)('POST', '/api/v1/api-keys', { name: 'target', role: 'viewer' });
      for (const [method, path, body] of [
        ['POST', '/api/v1/api-keys', { name: 'x', role: 'admin' }],
        ['GET', '/api/v1/api-keys'],
        ['DELETE', `/api/v1/api-keys/${own.json.id}`],
      ] as Array<[string, string, unknown?]>) {
        expect((await fetch(`${apiBase}${path}`, { method })).status).toBe(401);
        expect((await as(viewerKey)(method, path, body)).status).toBe(403);
      }
      expect((await as(B.adminApiKey)('DELETE', `/api/v1/api-keys/${own.json.id}`)).status).toBe(404);
      expect((await as(A.adminApiKey)('DELETE', `/api/v1/api-keys/${randomUUID()}`)).status).toBe(404);
      expect((await as(A.adminApiKey)('DELETE', '/api/v1/api-keys/nope')).status).toBe(404);
      expect((await as(own.json.key)('GET', '/api/v1/tenant')).status).toBe(200); // B's attempt left it alive
    });

    it(`a revoked key is refused by two API processes within ${API_KEY_CACHE_TTL_MS} ms (plus a poll), idempotently, and its dashboard sessions end`, async () => {
      const issued = await as(A.adminApiKey)('POST', '/api/v1/api-keys', { name: 'to revoke', role: 'admin' });
      const key = issued.json.key;
      const one = as(key);
      const two = as(key, () => api2Base);
      expect([(await one('GET', '/api/v1/tenant')).status, (await two('GET', '/api/v1/tenant')).status]).toEqual([200, 200]); // both caches hold it
      const signIn = await fetch(`${apiBase}/api/v1/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: key }),
      });
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
      expect((await fetch(`${apiBase}/api/v1/auth/session`, { headers: { cookie } })).status).toBe(200);

      expect((await as(A.adminApiKey)('DELETE', `/api/v1/api-keys/${issued.json.id}`)).status).toBe(204);
      const revokedAt = Date.now();
      expect((await fetch(`${apiBase}/api/v1/auth/session`, { headers: { cookie } })).status).toBe(401);
      const refusedBy = async (call: typeof one) =>
        waitFor(async () => (await call('GET', '/api/v1/tenant')).status === 401 && Date.now(), {
          timeoutMs: API_KEY_CACHE_TTL_MS + 1000,
          intervalMs: 50,
          what: 'the key to be refused',
        });
      const [at1, at2] = await Promise.all([refusedBy(one), refusedBy(two)]);
      expect(Math.max(at1, at2) - revokedAt).toBeLessThanOrEqual(API_KEY_CACHE_TTL_MS + 1000);
      expect((await as(A.adminApiKey)('DELETE', `/api/v1/api-keys/${issued.json.id}`)).status).toBe(204);
      const row = (await as(A.adminApiKey)('GET', '/api/v1/api-keys')).json.find((k: { id: string }) => k.id === issued.json.id);
      expect(row.revokedAt).toEqual(expect.any(String));
    });

    it('an expired key is refused, and cannot sign in', async () => {
      const issued = await as(A.adminApiKey)('POST', '/api/v1/api-keys', { name: 'short lived', role: 'viewer', expiresAt: aheadIso(3_600_000) });
      expect((await as(issued.json.key)('GET', '/api/v1/tenant')).status).toBe(200);
      await prisma.apiKey.update({ where: { id: issued.json.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      await waitFor(async () => (await as(issued.json.key)('GET', '/api/v1/tenant')).status === 401, {
        timeoutMs: API_KEY_CACHE_TTL_MS + 1000,
        what: 'the expired key to be refused',
      });
      const signIn = await fetch(`${apiBase}/api/v1/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: issued.json.key }),
      });
      expect(signIn.status).toBe(401);
    });
  });

  it('the OpenAPI document lists the routes', async () => {
    const doc = (await (await fetch(`${apiBase}/api/docs/openapi.json`)).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/tenants', '/api/v1/tenants/{id}', '/api/v1/tenant/retell-key', '/api/v1/api-keys', '/api/v1/api-keys/{id}']),
    );
    expect(Object.keys(doc.paths['/api/v1/tenants/{id}'])).toEqual(expect.arrayContaining(['get', 'patch']));
  });
});

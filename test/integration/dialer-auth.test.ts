import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createApi } from '../../apps/api/src/create-api';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * Who may use the dialer routes, and that a tenant reaches only its own calls and batches: no key,
 * a malformed or unknown or revoked key → 401; a viewer key → 403 on every route that changes
 * something, 200 on the reading ones; another tenant's call or batch id → 404, and nothing of
 * that tenant changes. The API runs in-process (no dialer worker: nothing is placed).
 */
describe('dialer API: authentication, roles and tenant isolation', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let a: TestTenant;
  let b: TestTenant;
  let viewerKey: string;
  let revokedKey: string;
  /** tenant A's own call and batch (what a viewer may read), tenant B's (what A must not reach) */
  const ids = { aCall: '', aBatch: '', bCall: '', bRequest: '', bBatch: '', bRetellCallId: '' };

  const later = () => new Date(Date.now() + 3600_000).toISOString();

  const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  async function extraKey(tenantId: string, role: 'admin' | 'viewer', revoked = false): Promise<string> {
    const token = `rops_${randomBytes(20).toString('hex')}`;
    await prisma.apiKey.create({ data: { tenantId, name: `${role} key`, keyHash: hashApiKey(token), role, revokedAt: revoked ? new Date() : null } });
    return token;
  }

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    [a, b] = await Promise.all([createTestTenant(prisma, env, 'dial-auth-a'), createTestTenant(prisma, env, 'dial-auth-b')]);
    await prisma.tenant.updateMany({ where: { id: { in: [a.tenantId, b.tenantId] } }, data: { defaultFromNumber: '+14155550100' } });
    viewerKey = await extraKey(a.tenantId, 'viewer');
    revokedKey = await extraKey(a.tenantId, 'admin', true);
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const as = (t: TestTenant) => (method: string, path: string, body?: unknown) => send(method, path, bearer(t.adminApiKey), body);
    const aCall = await as(a)('POST', '/api/v1/calls', { toNumber: '+14155550141', scheduledAt: later() });
    const aBatch = await as(a)('POST', '/api/v1/batches', { name: 'a list', maxConcurrent: 1, scheduledAt: later(), targets: ['+14155550142'] });
    const bCall = await as(b)('POST', '/api/v1/calls', { toNumber: '+14155550151', scheduledAt: later() });
    const bBatch = await as(b)('POST', '/api/v1/batches', {
      name: 'b list',
      maxConcurrent: 1,
      scheduledAt: later(),
      targets: ['+14155550152', '+14155550153'],
    });
    expect([aCall.status, aBatch.status, bCall.status, bBatch.status]).toEqual([202, 201, 202, 201]);
    Object.assign(ids, { aCall: aCall.json.id, aBatch: aBatch.json.id, bCall: bCall.json.id, bRequest: bCall.json.dialRequestId, bBatch: bBatch.json.id });
    // a call of B's that Retell has (a live call, addressed by Retell's id)
    ids.bRetellCallId = `call_${randomBytes(12).toString('hex')}`;
    await prisma.call.create({
      data: { tenantId: b.tenantId, retellCallId: ids.bRetellCallId, status: 'in_progress', toNumber: '+14155550154', fromNumber: '+14155550100' },
    });
  });

  afterAll(async () => {
    await app?.close();
    if (prisma) {
      await prisma.tenant.deleteMany({ where: { id: { in: [a?.tenantId, b?.tenantId].filter(Boolean) } } });
      await prisma.$disconnect();
    }
  });

  /** Every row of both tenants that a dialer route could change, as it is now. */
  const snapshot = async () => {
    const tenants = [a.tenantId, b.tenantId];
    const [requests, calls, batches] = await Promise.all([
      prisma.dialRequest.findMany({
        where: { tenantId: { in: tenants } },
        select: { id: true, status: true, cancelRequestedAt: true, attempts: true },
        orderBy: { id: 'asc' },
      }),
      prisma.call.findMany({ where: { tenantId: { in: tenants } }, select: { id: true, status: true, outcome: true }, orderBy: { id: 'asc' } }),
      prisma.batch.findMany({ where: { tenantId: { in: tenants } }, select: { id: true, status: true, cancelledAt: true }, orderBy: { id: 'asc' } }),
    ]);
    return { requests, calls, batches };
  };

  interface Route {
    method: string;
    path: () => string;
    body?: () => unknown;
    /** changes something: admin keys only */
    mutating: boolean;
  }
  const routes: Array<[string, Route]> = [
    ['POST /api/v1/calls', { method: 'POST', path: () => '/api/v1/calls', body: () => ({ toNumber: '+14155550161', scheduledAt: later() }), mutating: true }],
    ['DELETE /api/v1/calls/:id', { method: 'DELETE', path: () => `/api/v1/calls/${ids.aCall}`, mutating: true }],
    [
      'POST /api/v1/batches',
      { method: 'POST', path: () => '/api/v1/batches', body: () => ({ maxConcurrent: 1, scheduledAt: later(), targets: ['+14155550162'] }), mutating: true },
    ],
    ['GET /api/v1/batches', { method: 'GET', path: () => '/api/v1/batches', mutating: false }],
    ['GET /api/v1/batches/:id', { method: 'GET', path: () => `/api/v1/batches/${ids.aBatch}`, mutating: false }],
    ['DELETE /api/v1/batches/:id', { method: 'DELETE', path: () => `/api/v1/batches/${ids.aBatch}`, mutating: true }],
    ['GET /api/v1/stats', { method: 'GET', path: () => '/api/v1/stats', mutating: false }],
  ];

  const badCredentials: Array<[string, () => Record<string, string>]> = [
    ['no Authorization header', () => ({})],
    ['not a bearer header', () => ({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` })],
    ['an empty bearer', () => ({ authorization: 'Bearer ' })],
    ['an unknown key', () => bearer(`rops_${randomBytes(20).toString('hex')}`)],
    ['a revoked key', () => bearer(revokedKey)],
    ["another tenant's key with a character changed", () => bearer(`${b.adminApiKey.slice(0, -1)}${b.adminApiKey.endsWith('0') ? '1' : '0'}`)],
  ];
  const authCases = routes.flatMap(([name, route]) =>
    badCredentials.map(([what, headers]): [string, string, Route, () => Record<string, string>] => [name, what, route, headers]),
  );

  it.each(authCases)('%s with %s → 401, nothing changed', async (_name, _what, route, headers) => {
    const before = await snapshot();
    const res = await send(route.method, route.path(), headers(), route.body?.());
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.json)).not.toContain('rops_');
    expect(await snapshot()).toEqual(before);
  });

  it.each(routes)('%s with a viewer key → 403 if it changes something, else 200; nothing changed', async (_name, route) => {
    const before = await snapshot();
    const res = await send(route.method, route.path(), bearer(viewerKey), route.body?.());
    expect(res.status).toBe(route.mutating ? 403 : 200);
    if (route.mutating) expect(res.json.message).toMatch(/the viewer role may not do this/);
    expect(await snapshot()).toEqual(before);
  });

  it('the viewer reads its own tenant only', async () => {
    const list = await send('GET', '/api/v1/batches', bearer(viewerKey));
    expect(list.json.data.map((x: { id: string }) => x.id)).toEqual([ids.aBatch]);
    expect((await send('GET', `/api/v1/batches/${ids.aBatch}`, bearer(viewerKey))).json).toMatchObject({
      id: ids.aBatch,
      name: 'a list',
      progress: { total: 1 },
    });
  });

  const foreign: Array<[string, string, () => string]> = [
    ["DELETE /api/v1/calls/:id (B's call by our id)", 'DELETE', () => `/api/v1/calls/${ids.bCall}`],
    ["DELETE /api/v1/calls/:id (B's call by Retell's id)", 'DELETE', () => `/api/v1/calls/${ids.bRetellCallId}`],
    ["GET /api/v1/batches/:id (B's batch)", 'GET', () => `/api/v1/batches/${ids.bBatch}`],
    ["DELETE /api/v1/batches/:id (B's batch)", 'DELETE', () => `/api/v1/batches/${ids.bBatch}`],
  ];
  it.each(foreign)("%s with A's admin key → 404, B's rows unchanged", async (_name, method, path) => {
    const before = await snapshot();
    const res = await send(method, path(), bearer(a.adminApiKey));
    expect(res.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it("B's call and batch are still as B left them, and B can still cancel them", async () => {
    expect(await prisma.dialRequest.findUniqueOrThrow({ where: { id: ids.bRequest } })).toMatchObject({ status: 'scheduled', cancelRequestedAt: null });
    expect(await prisma.batch.findUniqueOrThrow({ where: { id: ids.bBatch } })).toMatchObject({ status: 'active', cancelledAt: null });
    expect(await prisma.dialRequest.count({ where: { batchId: ids.bBatch, status: 'scheduled' } })).toBe(2);
    const asB = (method: string, path: string) => send(method, path, bearer(b.adminApiKey));
    expect((await asB('GET', `/api/v1/batches/${ids.bBatch}`)).json).toMatchObject({ id: ids.bBatch, status: 'active', progress: { total: 2, queued: 2 } });
    expect((await asB('DELETE', `/api/v1/calls/${ids.bCall}`)).json).toMatchObject({ result: 'cancelled' });
  });

  it("A's lists and stats count nothing of B's", async () => {
    const list = await send('GET', '/api/v1/batches', bearer(a.adminApiKey));
    expect(list.status).toBe(200);
    expect(list.json.data.map((x: { id: string }) => x.id)).not.toContain(ids.bBatch);
    // a range that holds every call of both tenants (scheduled ones count from their time)
    const range = `from=${new Date(Date.now() - 3600_000).toISOString()}&to=${new Date(Date.now() + 3 * 3600_000).toISOString()}`;
    const stats = await send('GET', `/api/v1/stats?${range}`, bearer(a.adminApiKey));
    expect(stats.status).toBe(200);
    const [ofA, ofBTenant] = await Promise.all([a.tenantId, b.tenantId].map((tenantId) => prisma.call.count({ where: { tenantId } })));
    expect(ofA).toBeGreaterThan(0);
    expect(ofBTenant).toBeGreaterThan(0);
    expect(stats.json.totals.calls).toBe(ofA);
    expect((await send('GET', `/api/v1/stats?${range}`, bearer(b.adminApiKey))).json.totals.calls).toBe(ofBTenant);
    const ofB = await send('GET', `/api/v1/stats?${range}&batchId=${ids.bBatch}`, bearer(a.adminApiKey));
    expect(ofB.json.totals.calls).toBe(0);
    expect((await send('GET', `/api/v1/stats?${range}&batchId=${ids.bBatch}`, bearer(b.adminApiKey))).json.totals.calls).toBe(2);
  });
});

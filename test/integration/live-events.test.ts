import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import IORedis from 'ioredis';
import { loadEnv } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { LiveEventHub, LiveEventPublisher, liveChannel, liveStreamKey, type LiveEvent } from '@retell-ops/live-events';
import { createApi } from '../../apps/api/src/create-api';
import { openSse, type SseClient } from '../support/sse';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * GET /api/v1/events in process against the real Redis and test database: headers and framing,
 * 401/400, tenant isolation (published events and the API's own mutations), resuming with
 * Last-Event-ID (exactly the missed events, then live), reset for an id older than the history,
 * one Redis subscription per tenant however many clients, and listeners released on disconnect.
 */
describe('live events: GET /api/v1/events', () => {
  const env = testEnv();
  let app: NestFastifyApplication;
  let base: string;
  let prisma: PrismaClient;
  let redis: IORedis;
  let publisher: LiveEventPublisher;
  let hub: LiveEventHub;
  let A: TestTenant;
  let B: TestTenant;
  const open: SseClient[] = [];

  const connect = async (t: TestTenant | undefined, headers: Record<string, string> = {}) => {
    const c = await openSse(`${base}/api/v1/events`, { ...(t ? { authorization: `Bearer ${t.adminApiKey}` } : {}), ...headers });
    open.push(c);
    return c;
  };
  const candidateEvent = (candidateId: string, status = 'new'): LiveEvent => ({ type: 'candidate.updated', data: { candidateId, status } });
  const numsub = async (tenantId: string) => Number(((await redis.pubsub('NUMSUB', liveChannel(env.QUEUE_PREFIX, tenantId))) as [string, number])[1]);
  const api = (t: TestTenant, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${t.adminApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as { id: string } }));

  beforeAll(async () => {
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    redis = new IORedis(env.REDIS_URL);
    publisher = new LiveEventPublisher(env);
    hub = app.get(LiveEventHub);
    A = await createTestTenant(prisma, env, 'live-a');
    B = await createTestTenant(prisma, env, 'live-b');
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
    await publisher?.onModuleDestroy();
    await redis?.del(liveStreamKey(env.QUEUE_PREFIX, A.tenantId), liveStreamKey(env.QUEUE_PREFIX, B.tenantId));
    await redis?.quit();
    await prisma?.tenant.deleteMany({ where: { id: { in: [A?.tenantId, B?.tenantId].filter(Boolean) } } });
    await prisma?.$disconnect();
  });

  it('answers 401 without a key, and 400 for a Last-Event-ID it did not issue', async () => {
    const anonymous = await connect(undefined);
    expect(anonymous.status).toBe(401);
    const badKey = await openSse(`${base}/api/v1/events`, { authorization: 'Bearer rops_not_a_key' });
    expect(badKey.status).toBe(401);
    const bad = await connect(A, { 'last-event-id': 'not-an-id' });
    expect(bad.status).toBe(400);
    await bad.ended;
    expect(JSON.parse(bad.raw()).message).toMatch(/Last-Event-ID/);
    expect(hub.listenerCount()).toBe(0);
  });

  it('is an uncompressed event stream that starts with retry: 3000, each event with id, event and one-line data', async () => {
    const c = await connect(A, { 'accept-encoding': 'gzip, br' });
    expect(c.status).toBe(200);
    expect(c.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(c.headers['cache-control']).toBe('no-cache');
    expect(c.headers['x-accel-buffering']).toBe('no');
    expect(c.headers['content-encoding']).toBeUndefined();
    const id = await publisher.publish(A.tenantId, candidateEvent('c-framing', 'screening'));
    const [e] = await c.take(1);
    expect(c.raw().startsWith('retry: 3000\n\n')).toBe(true);
    expect(e).toEqual({ id, event: 'candidate.updated', data: expect.any(String) });
    expect(c.raw()).toContain(`id: ${id}\nevent: candidate.updated\ndata: {`);
    const data = JSON.parse(e.data);
    expect(data).toEqual({ candidateId: 'c-framing', status: 'screening', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    c.close();
  });

  it("shows each tenant only its own events: published ones and the API's own mutations", async () => {
    const a = await connect(A);
    const b = await connect(B);
    for (let i = 0; i < 5; i++) {
      await publisher.publish(A.tenantId, candidateEvent(`a-${i}`));
      await publisher.publish(B.tenantId, candidateEvent(`b-${i}`));
    }
    const createdA = await api(A, 'POST', '/api/v1/candidates', { firstName: 'Ada', phone: '+14155550101' });
    const createdB = await api(B, 'POST', '/api/v1/candidates', { firstName: 'Bea', phone: '+14155550102' });
    expect([createdA.status, createdB.status]).toEqual([201, 201]);
    expect((await api(A, 'PATCH', `/api/v1/candidates/${createdA.json.id}`, { status: 'screening' })).status).toBe(200);
    await publisher.publish(A.tenantId, candidateEvent('a-last'));
    await publisher.publish(B.tenantId, candidateEvent('b-last'));

    const seenA = (await a.take(8)).map((e) => JSON.parse(e.data));
    const seenB = (await b.take(7)).map((e) => JSON.parse(e.data));
    expect(seenA.map((d) => d.candidateId)).toEqual(['a-0', 'a-1', 'a-2', 'a-3', 'a-4', createdA.json.id, createdA.json.id, 'a-last']);
    expect(seenA[6].status).toBe('screening');
    expect(seenB.map((d) => d.candidateId)).toEqual(['b-0', 'b-1', 'b-2', 'b-3', 'b-4', createdB.json.id, 'b-last']);
    for (const raw of [a.raw(), b.raw()]) {
      expect(raw).not.toContain(A.tenantId);
      expect(raw).not.toContain(B.tenantId);
    }
    a.close();
    b.close();
  });

  it('resumes with Last-Event-ID: exactly the missed events, in order, then live ones without a duplicate', async () => {
    const first = await connect(A);
    for (let i = 1; i <= 3; i++) await publisher.publish(A.tenantId, candidateEvent(`r-${i}`));
    const three = await first.take(3, (e) => e.data.includes('"r-'));
    first.close();
    await waitFor(() => hub.listenerCount(A.tenantId) === 0, { what: 'the first stream to be released' });

    await publisher.publish(A.tenantId, candidateEvent('r-4'));
    await publisher.publish(A.tenantId, candidateEvent('r-5'));
    const again = await connect(A, { 'last-event-id': three[2].id! });
    const missed = await again.take(2);
    expect(missed.map((e) => JSON.parse(e.data).candidateId)).toEqual(['r-4', 'r-5']);
    await publisher.publish(A.tenantId, candidateEvent('r-6'));
    const all = await again.take(3);
    expect(all.map((e) => JSON.parse(e.data).candidateId)).toEqual(['r-4', 'r-5', 'r-6']);
    expect(new Set(all.map((e) => e.id)).size).toBe(3);
    again.close();
  });

  it('sends reset when the Last-Event-ID is older than the history kept, then goes live', async () => {
    const c = await connect(A, { 'last-event-id': '1-0' });
    const [reset] = await c.take(1);
    expect(reset.event).toBe('reset');
    await publisher.publish(A.tenantId, candidateEvent('after-reset'));
    const [, live] = await c.take(2);
    expect(JSON.parse(live.data).candidateId).toBe('after-reset');
    c.close();
  });

  it('keeps one Redis subscription per tenant for all its clients, and releases listeners when clients disconnect', async () => {
    await waitFor(() => hub.listenerCount() === 0, { what: 'earlier streams to be released' });
    const clients = await Promise.all([connect(A), connect(A), connect(A), connect(B)]);
    expect(clients.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    expect(hub.listenerCount(A.tenantId)).toBe(3);
    expect(await numsub(A.tenantId)).toBe(1);
    expect(await numsub(B.tenantId)).toBe(1);

    clients[0].close();
    clients[1].close();
    await waitFor(() => hub.listenerCount(A.tenantId) === 1, { what: 'two listeners released' });
    expect(await numsub(A.tenantId)).toBe(1);
    await publisher.publish(A.tenantId, candidateEvent('still-here'));
    expect(JSON.parse((await clients[2].take(1))[0].data).candidateId).toBe('still-here');

    clients[2].close();
    clients[3].close();
    await waitFor(() => hub.listenerCount() === 0, { what: 'every listener released' });
    await waitFor(async () => (await numsub(A.tenantId)) === 0 && (await numsub(B.tenantId)) === 0, { what: 'the channels unsubscribed' });
  });

  it('keeps a bounded history per tenant that expires', async () => {
    const key = liveStreamKey(env.QUEUE_PREFIX, B.tenantId);
    for (let i = 0; i < 1300; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => publisher.publish(B.tenantId, candidateEvent(`h-${i + j}`))));
    }
    expect(await redis.xlen(key)).toBeLessThan(1200);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('never fails its caller when Redis is unreachable', async () => {
    const dead = new LiveEventPublisher(
      loadEnv({ ...process.env, DATABASE_URL: env.DATABASE_URL, REDIS_URL: 'redis://127.0.0.1:1', NODE_ENV: 'test', LOG_LEVEL: 'error' }),
    );
    await expect(dead.publish(A.tenantId, candidateEvent('lost'))).resolves.toBeUndefined();
    await dead.onModuleDestroy();
  });
});

import { Queue } from 'bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId, QUEUES, type CallEventJob } from '@retell-ops/queue-contracts';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { getJson, postRaw, postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

const BODY_LIMIT = 64 * 1024;

describe('gateway: POST /webhooks/retell', () => {
  const env = testEnv({ WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let tenant: TestTenant;
  let other: TestTenant;
  const queues = Object.values(QUEUES).map((name) => new Queue<CallEventJob>(name, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX }));
  const [startedQ, endedQ, analyzedQ] = queues;

  const jobCount = async () => (await Promise.all(queues.map((q) => q.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')))).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'gw');
    other = await createTestTenant(prisma, env, 'gw-other');
    app = await createGateway(env);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await Promise.all(queues.map(async (q) => (await q.obliterate({ force: true }), await q.close())));
    await prisma.$disconnect();
  });

  beforeEach(async () => {
    await Promise.all(queues.map((q) => q.obliterate({ force: true })));
  });

  const slugUrl = () => `${base}/webhooks/retell/${tenant.slug}`;

  it('answers GET as alive, and /health and /ready', async () => {
    expect((await getJson(`${base}/webhooks/retell`)).json()).toMatchObject({ ok: true });
    expect((await getJson(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await getJson(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', postgres: 'up', redis: 'up' });
  });

  it('verifies, enqueues under the deterministic id with the exact bytes, and answers 204', async () => {
    const l = lifecycle(tenant.agentId);
    const body = JSON.stringify(l.call_ended, null, 1); // unusual whitespace: must survive byte-for-byte
    const res = await postSigned(slugUrl(), body, tenant.retellApiKey);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const job = await endedQ.getJob(callEventJobId(tenant.tenantId, l.callId, 'call_ended'));
    expect(job?.data).toMatchObject({ tenantId: tenant.tenantId, event: 'call_ended', callId: l.callId, body });
    expect(job?.opts.attempts).toBe(env.JOB_ATTEMPTS);
  });

  it('routes /webhooks/retell by the call agent_id to its tenant', async () => {
    const l = lifecycle(other.agentId);
    const res = await postSigned(`${base}/webhooks/retell`, JSON.stringify(l.call_started), other.retellApiKey);
    expect(res.status).toBe(204);
    expect(await startedQ.getJob(callEventJobId(other.tenantId, l.callId, 'call_started'))).toBeDefined();
  });

  it('keeps one job for a delivery repeated three times', async () => {
    const l = lifecycle(tenant.agentId);
    const body = JSON.stringify(l.call_analyzed);
    for (let i = 0; i < 3; i++) expect((await postSigned(slugUrl(), body, tenant.retellApiKey)).status).toBe(204);
    expect(await analyzedQ.getJobCountByTypes('waiting')).toBe(1);
  });

  it('answers 200 with a reason for events the platform ignores, and keeps nothing', async () => {
    const l = lifecycle(tenant.agentId);
    for (const event of ['transcript_updated', 'transfer_started', 'chat_ended']) {
      const res = await postSigned(slugUrl(), JSON.stringify({ ...l.call_ended, event }), tenant.retellApiKey);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ ignored: true, reason: expect.stringContaining(event) });
    }
    expect(await jobCount()).toBe(0);
  });

  describe('signatures', () => {
    const body = () => JSON.stringify(lifecycle(tenant.agentId).call_ended);
    const cases: Array<[string, () => Promise<{ status: number }>]> = [
      ['missing header', () => postRaw(slugUrl(), body())],
      ['empty header', () => postRaw(slugUrl(), body(), { 'x-retell-signature': '' })],
      ['malformed header', () => postRaw(slugUrl(), body(), { 'x-retell-signature': 'sha256=abc' })],
      ['digest of the wrong length', () => postRaw(slugUrl(), body(), { 'x-retell-signature': `v=${Date.now()},d=${'a'.repeat(63)}` })],
      ['wrong key', () => postSigned(slugUrl(), body(), other.retellApiKey)],
      ['stale timestamp (6 min ago)', () => postSigned(slugUrl(), body(), tenant.retellApiKey, { timestamp: Date.now() - 6 * 60_000 })],
      ['future timestamp (6 min ahead)', () => postSigned(slugUrl(), body(), tenant.retellApiKey, { timestamp: Date.now() + 6 * 60_000 })],
      ['timestamp in seconds', () => postSigned(slugUrl(), body(), tenant.retellApiKey, { timestamp: Math.floor(Date.now() / 1000) })],
      [
        'tampered body',
        async () => {
          const b = body();
          const { symmetric } = await import('retell-sdk/lib/webhook_auth');
          const sig = await symmetric.sign(b, tenant.retellApiKey, Date.now());
          return postRaw(slugUrl(), b.replace('user_hangup', 'agent_hangup'), { 'x-retell-signature': sig });
        },
      ],
      ['agent route, signed with no tenant key', () => postSigned(`${base}/webhooks/retell`, '{"event":"call_ended"}', 'key_nobody_has_this')],
    ];

    it.each(cases)('%s → 401, nothing queued', async (_name, send) => {
      const res = await send();
      expect(res.status).toBe(401);
      expect(await jobCount()).toBe(0);
    });

    it('accepts a signature made 4 minutes ago', async () => {
      const res = await postSigned(slugUrl(), body(), tenant.retellApiKey, { timestamp: Date.now() - 4 * 60_000 });
      expect(res.status).toBe(204);
    });
  });

  describe('bad input with a valid signature → 400, nothing queued', () => {
    const cases: Array<[string, string]> = [
      ['not JSON', '{"event":"call_ended",'],
      ['empty body', ''],
      ['a JSON array', '[1,2]'],
      ['no call', '{"event":"call_ended"}'],
      ['call_id missing', '{"event":"call_ended","call":{"agent_id":"a"}}'],
      ['call_id a number', '{"event":"call_ended","call":{"call_id":42,"agent_id":"a"}}'],
      ['call_status not Retell’s', '{"event":"call_ended","call":{"call_id":"c1","agent_id":"a","call_status":"done"}}'],
      ['start_timestamp a string', '{"event":"call_ended","call":{"call_id":"c1","agent_id":"a","start_timestamp":"yesterday"}}'],
      ['dot-style event name', '{"event":"call.ended","call":{"call_id":"c1","agent_id":"a"}}'],
      ['event missing', '{"call":{"call_id":"c1","agent_id":"a"}}'],
    ];
    it.each(cases)('%s', async (_name, body) => {
      const res = await postSigned(slugUrl(), body, tenant.retellApiKey);
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'bad_request', reason: expect.any(String) });
      expect(await jobCount()).toBe(0);
    });

    it('invalid UTF-8', async () => {
      const bytes = Buffer.concat([Buffer.from('{"event":"call_ended","call":{"call_id":"c'), Buffer.from([0xc3, 0x28]), Buffer.from('","agent_id":"a"}}')]);
      const res = await postSigned(slugUrl(), bytes, tenant.retellApiKey);
      expect(res.status).toBe(400);
      expect(res.json().reason).toMatch(/UTF-8/);
      expect(await jobCount()).toBe(0);
    });
  });

  it('404 for an unknown tenant slug, and for an agent no tenant owns', async () => {
    const l = lifecycle('agent_nobody_registered');
    expect((await postSigned(`${base}/webhooks/retell/no-such-tenant`, JSON.stringify(l.call_ended), tenant.retellApiKey)).status).toBe(404);
    expect((await postSigned(`${base}/webhooks/retell`, JSON.stringify(l.call_ended), 'key_nobody_has_this')).status).toBe(404);
    expect(await jobCount()).toBe(0);
  });

  it('413 for a body over the configured limit', async () => {
    const l = lifecycle(tenant.agentId);
    const big = JSON.stringify({ ...l.call_ended, call: { ...l.call_ended.call, transcript: 'x'.repeat(BODY_LIMIT) } });
    const res = await postSigned(slugUrl(), big, tenant.retellApiKey);
    expect(res.status).toBe(413);
    expect(await jobCount()).toBe(0);
  });
});

describe('gateway with Redis unavailable', () => {
  let redis: PrivateRedis;
  let app: NestFastifyApplication;
  let prisma: PrismaClient;
  let base: string;
  let tenant: TestTenant;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const env = testEnv({ REDIS_URL: redis.url });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'gw-redis');
    app = await createGateway(env);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await redis.stop();
    await prisma.$disconnect();
  });

  it('answers 503 (never 2xx) while Redis is down, and 204 again once it is back', async () => {
    const url = `${base}/webhooks/retell/${tenant.slug}`;
    expect((await postSigned(url, JSON.stringify(lifecycle(tenant.agentId).call_ended), tenant.retellApiKey)).status).toBe(204);

    await redis.stop();
    const down = await postSigned(url, JSON.stringify(lifecycle(tenant.agentId).call_ended), tenant.retellApiKey);
    expect(down.status).toBe(503);
    expect(down.json()).toMatchObject({ error: 'unavailable' });
    expect((await getJson(`${base}/ready`)).json()).toMatchObject({ status: 'not_ready', redis: 'down' });

    await redis.start();
    const { waitFor } = await import('../support/wait');
    await waitFor(async () => (await postSigned(url, JSON.stringify(lifecycle(tenant.agentId).call_ended), tenant.retellApiKey)).status === 204, {
      what: 'the gateway to accept again after Redis restarted',
      intervalMs: 250,
    });
  });
});

import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SecretBox } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId, QUEUES, type CallEventJob } from '@retell-ops/queue';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { TenantDirectory } from '../../apps/gateway/src/tenants/tenant-directory';
import { getJson, postRaw, postSigned, type Answer } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';
import { privateDatabase, type PrivateDatabase } from '../support/private-database';

const NOT_FOUND_AGENT = { error: 'not_found', reason: 'no tenant owns this agent_id; register the agent or post to /webhooks/retell/<tenant-slug>' };

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

  const jobCount = async () =>
    (await Promise.all(queues.map((q) => q.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed')))).reduce((a, b) => a + b, 0);

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
    for (const event of ['chat_started', 'chat_ended', 'chat_analyzed']) {
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
      [
        "agent route, A's agent, signed with B's key",
        () => postSigned(`${base}/webhooks/retell`, JSON.stringify(lifecycle(tenant.agentId).call_ended), other.retellApiKey),
      ],
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
      ['call_status not a string', '{"event":"call_ended","call":{"call_id":"c1","agent_id":"a","call_status":3}}'],
      ['a NUL in the transcript', '{"event":"call_ended","call":{"call_id":"c1","agent_id":"a","transcript":"Agent: hi\\u0000"}}'],
      ['a NUL in a metadata key', '{"event":"call_ended","call":{"call_id":"c1","agent_id":"a","metadata":{"\\u0000":1}}}'],
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

  it('a NUL is refused with its reason; an escaped backslash before u0000 is text and accepted', async () => {
    const l = lifecycle(tenant.agentId);
    const withNul = JSON.stringify({ ...l.call_ended, call: { ...l.call_ended.call, transcript: 'Agent: hi\u0000' } });
    const refused = await postSigned(slugUrl(), withNul, tenant.retellApiKey);
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({ error: 'bad_request', reason: 'body contains a NUL character (\\u0000), which cannot be stored' });
    expect(await jobCount()).toBe(0);
    const text = JSON.stringify({ ...l.call_ended, call: { ...l.call_ended.call, transcript: 'C:\\u0000dir' } });
    expect(text).toContain('\\\\u0000');
    expect((await postSigned(slugUrl(), text, tenant.retellApiKey)).status).toBe(204);
    expect(await jobCount()).toBe(1);
  });

  it('accepts an unknown call_status and disconnection_reason (Retell adds values) and queues them raw', async () => {
    const l = lifecycle(tenant.agentId);
    const body = JSON.stringify({
      ...l.call_ended,
      call: { ...l.call_ended.call, call_status: 'a_status_added_later', disconnection_reason: 'a_reason_added_later' },
    });
    expect((await postSigned(slugUrl(), body, tenant.retellApiKey)).status).toBe(204);
    expect((await endedQ.getJob(callEventJobId(tenant.tenantId, l.callId, 'call_ended')))?.data.body).toBe(body);
  });

  describe('routing: 404 with a fixed reason, nothing echoed, malformed values never looked up', () => {
    const directory = () => app.get(TenantDirectory);
    const ended = (agentId: string) => {
      const l = lifecycle(tenant.agentId);
      return JSON.stringify({ ...l.call_ended, call: { ...l.call_ended.call, agent_id: agentId } });
    };
    // [name, the value the caller chose, how it is sent, whether it is well-formed (and so looked up)]
    const cases: Array<[string, string, (value: string) => Promise<Answer>, boolean]> = [
      [
        'unknown slug',
        `no-such-tenant-${randomBytes(4).toString('hex')}`,
        (v) => postSigned(`${base}/webhooks/retell/${v}`, ended(tenant.agentId), tenant.retellApiKey),
        true,
      ],
      ['slug of 65 characters', `s${'x'.repeat(64)}`, (v) => postSigned(`${base}/webhooks/retell/${v}`, ended(tenant.agentId), tenant.retellApiKey), false],
      ['slug of 1000 characters', `s${'y'.repeat(999)}`, (v) => postSigned(`${base}/webhooks/retell/${v}`, ended(tenant.agentId), tenant.retellApiKey), false],
      ['slug with a dot', 'gw.tenant', (v) => postSigned(`${base}/webhooks/retell/${v}`, ended(tenant.agentId), tenant.retellApiKey), false],
      ['slug with an encoded space', 'gw%20tenant', (v) => postSigned(`${base}/webhooks/retell/${v}`, ended(tenant.agentId), tenant.retellApiKey), false],
      ['slug starting with a dash', '-gw', (v) => postSigned(`${base}/webhooks/retell/${v}`, ended(tenant.agentId), tenant.retellApiKey), false],
      [
        "agent no tenant owns, signed with a tenant's key (two or more tenants: no fallback)",
        `agent_${randomBytes(12).toString('hex')}`,
        (v) => postSigned(`${base}/webhooks/retell`, ended(v), tenant.retellApiKey),
        true,
      ],
      [
        'agent no tenant owns, unsigned key',
        `agent_${randomBytes(12).toString('hex')}`,
        (v) => postSigned(`${base}/webhooks/retell`, ended(v), 'key_nobody_has_this'),
        true,
      ],
      ['agent_id of 129 characters', `agent_${'a'.repeat(123)}`, (v) => postSigned(`${base}/webhooks/retell`, ended(v), tenant.retellApiKey), false],
      ['agent_id of 64 KB - 1 KB', `agent_${'b'.repeat(63 * 1024)}`, (v) => postSigned(`${base}/webhooks/retell`, ended(v), tenant.retellApiKey), false],
      ['agent_id with a space', 'agent_with space', (v) => postSigned(`${base}/webhooks/retell`, ended(v), tenant.retellApiKey), false],
      ['agent_id with a quote and angle brackets', 'agent_"<script>', (v) => postSigned(`${base}/webhooks/retell`, ended(v), tenant.retellApiKey), false],
      ['agent_id with a newline', 'agent_x\nWARN forged line', (v) => postSigned(`${base}/webhooks/retell`, ended(v), tenant.retellApiKey), false],
      ['agent_id with non-ASCII letters', 'agent_ünïcode', (v) => postSigned(`${base}/webhooks/retell`, ended(v), tenant.retellApiKey), false],
    ];

    it.each(cases)('%s', async (_name, value, send, wellFormed) => {
      const before = directory().cacheSizes();
      const res = await send(value);
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', reason: expect.any(String) });
      expect(res.text).not.toContain(value);
      expect(res.text).not.toContain(decodeURIComponent(value).slice(0, 12));
      const after = directory().cacheSizes();
      if (wellFormed) {
        expect(after.slugs.missing + after.agents.missing).toBe(before.slugs.missing + before.agents.missing + 1);
      } else {
        expect(after).toEqual(before);
      }
      expect(await jobCount()).toBe(0);
    });

    it('the agent route names the fix, in a fixed reason', async () => {
      const res = await postSigned(`${base}/webhooks/retell`, ended(`agent_${randomBytes(12).toString('hex')}`), tenant.retellApiKey);
      expect(res.json()).toEqual(NOT_FOUND_AGENT);
    });

    it.each([
      ['no agent_id at all', '{"event":"call_ended"}'],
      ['not JSON', '{"event":"call_ended",'],
      ['a JSON array', '[1,2]'],
    ])("agent route, %s, signed with a tenant's key: 404 (with two or more tenants nothing names the tenant)", async (_name, body) => {
      const res = await postSigned(`${base}/webhooks/retell`, body, tenant.retellApiKey);
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', reason: expect.stringContaining('/webhooks/retell/<tenant-slug>') });
      expect(await jobCount()).toBe(0);
    });
  });

  describe('signature header refused before the body is read', () => {
    it.each([
      ['missing', {}],
      ['malformed', { 'x-retell-signature': 'sha256=abc' }],
    ])('%s header with a body over the limit → 401, not 413', async (_name, headers) => {
      const res = await postRaw(`${base}/webhooks/retell`, 'x'.repeat(BODY_LIMIT * 4), headers);
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ error: 'unauthorized', reason: expect.stringMatching(/^x-retell-signature header is (missing|malformed)$/) });
    });

    it('a well-formed header with a body over the limit → 413', async () => {
      const res = await postRaw(`${base}/webhooks/retell`, 'x'.repeat(BODY_LIMIT * 4), { 'x-retell-signature': `v=${Date.now()},d=${'a'.repeat(64)}` });
      expect(res.status).toBe(413);
    });
  });

  describe('key rotation: the previous key verifies until retellApiKeyPrevUntil, and not after', () => {
    const box = new SecretBox(env.ENCRYPTION_KEY);
    /** A tenant whose key was rotated from `oldKey` to `newKey`, the old one in force until `until`. */
    const rotated = async (name: string, until: Date) => {
      const t = await createTestTenant(prisma, env, name);
      const newKey = `key_${randomBytes(16).toString('hex')}`;
      await prisma.tenant.update({
        where: { id: t.tenantId },
        data: { retellApiKeyEnc: box.encrypt(newKey), retellApiKeyPrevEnc: box.encrypt(t.retellApiKey), retellApiKeyPrevUntil: until },
      });
      return { ...t, oldKey: t.retellApiKey, newKey };
    };
    const send = (t: TestTenant, route: 'slug' | 'agent', key: string) =>
      postSigned(route === 'slug' ? `${base}/webhooks/retell/${t.slug}` : `${base}/webhooks/retell`, JSON.stringify(lifecycle(t.agentId).call_ended), key);

    it.each(['slug', 'agent'] as const)('during the overlap both keys verify (%s route); another key does not', async (route) => {
      const t = await rotated(`gw-rot-${route}`, new Date(Date.now() + 10 * 60_000));
      expect((await send(t, route, t.newKey)).status).toBe(204);
      expect((await send(t, route, t.oldKey)).status).toBe(204);
      expect((await send(t, route, other.retellApiKey)).status).toBe(401);
    });

    it('after the overlap only the new key verifies', async () => {
      const t = await rotated('gw-rot-past', new Date(Date.now() - 60_000));
      expect((await send(t, 'slug', t.oldKey)).status).toBe(401);
      expect((await send(t, 'slug', t.newKey)).status).toBe(204);
    });

    it('an overlap that ends while the tenant is cached ends for the cached tenant too', async () => {
      const until = Date.now() + 1500;
      const t = await rotated('gw-rot-ends', new Date(until));
      expect((await send(t, 'slug', t.oldKey)).status).toBe(204);
      await waitFor(() => Date.now() > until, { what: 'the overlap to end', intervalMs: 50 });
      expect((await send(t, 'slug', t.oldKey)).status).toBe(401);
      expect((await send(t, 'slug', t.newKey)).status).toBe(204);
    });
  });

  it('413 for a body over the configured limit', async () => {
    const l = lifecycle(tenant.agentId);
    const big = JSON.stringify({ ...l.call_ended, call: { ...l.call_ended.call, transcript: 'x'.repeat(BODY_LIMIT) } });
    const res = await postSigned(slugUrl(), big, tenant.retellApiKey);
    expect(res.status).toBe(413);
    expect(await jobCount()).toBe(0);
  });
});

describe('gateway with exactly one tenant: an unregistered agent is routed by the signature', () => {
  let database: PrivateDatabase;
  let env: ReturnType<typeof testEnv>;
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let base: string;
  let only: TestTenant;
  let queue: Queue<CallEventJob>;

  beforeAll(async () => {
    database = await privateDatabase('solo');
    env = testEnv({ DATABASE_URL: database.url });
    prisma = createPrismaClient({ databaseUrl: database.url });
    only = await createTestTenant(prisma, env, 'solo');
    queue = new Queue<CallEventJob>(QUEUES.callEnded, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
    app = await createGateway(env);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  const unregistered = () => {
    const l = lifecycle(`agent_${randomBytes(12).toString('hex')}`);
    return { l, body: JSON.stringify(l.call_ended) };
  };

  it("signed with the only tenant's key → 204, queued for that tenant", async () => {
    const { l, body } = unregistered();
    expect((await postSigned(`${base}/webhooks/retell`, body, only.retellApiKey)).status).toBe(204);
    expect(await queue.getJob(callEventJobId(only.tenantId, l.callId, 'call_ended'))).toBeDefined();
  });

  it('signed with another key → 401, nothing queued', async () => {
    const { body } = unregistered();
    const res = await postSigned(`${base}/webhooks/retell`, body, 'key_nobody_has_this');
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('no agent_id, signed with the only key → the content is judged (400)', async () => {
    const res = await postSigned(`${base}/webhooks/retell`, '{"event":"call_ended"}', only.retellApiKey);
    expect(res.status).toBe(400);
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

import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { AppEnv } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId, QUEUE_FOR_EVENT, QUEUES, type CallEventJob } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { signRelay } from '../../apps/gateway/src/relay/relay-signature';
import { bearerApi, postRaw, postSigned, type Answer } from '../support/http';
import { lifecycle } from '../support/payloads';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

// Issue 13 item 8: forwarded webhooks. A relay signs timestamp + "." + body with the tenant's
// relay secret; after verification it is the webhook pipeline (same job ids as Retell's deliveries).

const url = (base: string) => base.replace('[::1]', '127.0.0.1');
const nowSeconds = () => Math.floor(Date.now() / 1000);

function postRelay(
  base: string,
  slug: string,
  body: string,
  secret: string,
  opts: { timestamp?: number; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const ts = opts.timestamp ?? nowSeconds();
  return postRaw(`${base}/webhooks/relay/${slug}`, body, {
    'x-relay-timestamp': String(ts),
    'x-relay-signature': signRelay(secret, ts, body),
    ...opts.headers,
  });
}

describe('relay webhooks: POST /webhooks/relay/:tenantSlug and /api/v1/tenant/relay-secret', () => {
  let env: AppEnv;
  let prisma: PrismaClient;
  let api: NestFastifyApplication;
  let gateway: NestFastifyApplication;
  let apiBase: string;
  let gatewayBase: string;
  let A: TestTenant;
  let B: TestTenant;
  let viewerKey: string;
  let queues: Queue<CallEventJob>[] = [];
  const fresh: NestFastifyApplication[] = [];

  const as = (key: string) => bearerApi(() => apiBase, key);
  /** A gateway that has never cached the tenant, to see a change at once rather than within its 30 s cache. */
  const freshGateway = async (): Promise<string> => {
    const g = await createGateway(env);
    fresh.push(g);
    await g.listen(0, '127.0.0.1');
    return url(await g.getUrl());
  };
  const queueOf = (event: keyof typeof QUEUE_FOR_EVENT) => queues.find((q) => q.name === QUEUE_FOR_EVENT[event])!;

  beforeAll(async () => {
    env = testEnv();
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'relay-a');
    B = await createTestTenant(prisma, env, 'relay-b');
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    apiBase = url(await api.getUrl());
    gateway = await createGateway(env);
    await gateway.listen(0, '127.0.0.1');
    gatewayBase = url(await gateway.getUrl());
    queues = Object.values(QUEUES).map((name) => new Queue<CallEventJob>(name, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX }));
    viewerKey = (await as(A.adminApiKey)('POST', '/api/v1/api-keys', { name: 'read only', role: 'viewer' })).json.key;
  });

  afterAll(async () => {
    await Promise.all(queues.map(async (q) => (await q.obliterate({ force: true }), await q.close())));
    await Promise.all([api?.close(), gateway?.close(), ...fresh.map((g) => g.close())]);
    await prisma.tenant.deleteMany({ where: { id: { in: [A?.tenantId, B?.tenantId].filter(Boolean) } } });
    await prisma.$disconnect();
  });

  it('is off by default: a relayed delivery gets 404 like an unknown slug, and GET /api/v1/tenant says relay off', async () => {
    const body = JSON.stringify(lifecycle(A.agentId).call_started);
    const res = await postRelay(gatewayBase, A.slug, body, 'rrs_guess');
    expect(res.status).toBe(404);
    const unknown = await postRelay(gatewayBase, `nobody-${randomBytes(4).toString('hex')}`, body, 'rrs_guess');
    expect({ status: unknown.status, body: unknown.json() }).toEqual({ status: 404, body: res.json() });
    const tenant = await as(A.adminApiKey)('GET', '/api/v1/tenant');
    expect(tenant.json.relay).toEqual({ enabled: false, path: `/webhooks/relay/${A.slug}`, previousSecretUntil: null });
  });

  it('turns on with a secret shown once and stored sealed; a relayed delivery is the same event as Retell’s (one job)', async () => {
    const issued = await as(A.adminApiKey)('POST', '/api/v1/tenant/relay-secret', {});
    expect(issued.status).toBe(200);
    expect(issued.json).toEqual({
      relaySecret: expect.stringMatching(/^rrs_[A-Za-z0-9_-]{43}$/),
      path: `/webhooks/relay/${A.slug}`,
      previousSecretUntil: null,
    });
    const row = await prisma.tenant.findUniqueOrThrow({ where: { id: A.tenantId } });
    expect(row.relaySecretEnc).toBeTruthy();
    expect(row.relaySecretEnc).not.toContain(issued.json.relaySecret);
    expect((await as(A.adminApiKey)('GET', '/api/v1/tenant')).json.relay.enabled).toBe(true);
    expect(JSON.stringify((await as(A.adminApiKey)('GET', '/api/v1/tenant')).json)).not.toContain(issued.json.relaySecret);

    const l = lifecycle(A.agentId);
    // (the gateway of the test before cached "no relay" for A: a relay turned on is seen within 5 s, or at once by a new gateway)
    const g = await freshGateway();
    // the relay re-serialises the body (indented): other bytes, same event
    const relayed = await postRelay(g, A.slug, JSON.stringify(l.call_started, null, 2), issued.json.relaySecret);
    expect(relayed.status).toBe(204);
    const job = await queueOf('call_started').getJob(callEventJobId(A.tenantId, l.call_started.call.call_id, 'call_started'));
    expect(job?.data).toMatchObject({ tenantId: A.tenantId, event: 'call_started', callId: l.call_started.call.call_id });
    const direct = await postSigned(`${g}/webhooks/retell/${A.slug}`, JSON.stringify(l.call_started), A.retellApiKey);
    expect(direct.status).toBe(204);
    const again = await postRelay(g, A.slug, JSON.stringify(l.call_started), issued.json.relaySecret);
    expect(again.status).toBe(204);
    const jobs = await queueOf('call_started').getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.callId === l.call_started.call.call_id)).toHaveLength(1);
    // ignored events are ignored the same way
    const ignored = await postRelay(g, A.slug, JSON.stringify({ event: 'chat_ended', call: { call_id: 'x' } }), issued.json.relaySecret);
    expect(ignored.status).toBe(200);
  });

  it('answers bad signatures, stale timestamps, missing headers, bad bodies and another tenant’s secret like /webhooks/retell', async () => {
    const secret = (await as(A.adminApiKey)('POST', '/api/v1/tenant/relay-secret', { overlapMinutes: 0 })).json.relaySecret;
    const bSecret = (await as(B.adminApiKey)('POST', '/api/v1/tenant/relay-secret', {})).json.relaySecret;
    const g = await freshGateway();
    const body = JSON.stringify(lifecycle(A.agentId).call_ended);
    const cases: [string, Promise<Answer>, number, string][] = [
      ['another secret', postRelay(g, A.slug, body, 'rrs_not_the_secret'), 401, 'unauthorized'],
      ["tenant B's secret", postRelay(g, A.slug, body, bSecret), 401, 'unauthorized'],
      ['six minutes old', postRelay(g, A.slug, body, secret, { timestamp: nowSeconds() - 360 }), 401, 'unauthorized'],
      ['six minutes ahead', postRelay(g, A.slug, body, secret, { timestamp: nowSeconds() + 360 }), 401, 'unauthorized'],
      ['no signature', postRaw(`${g}/webhooks/relay/${A.slug}`, body, { 'x-relay-timestamp': String(nowSeconds()) }), 401, 'unauthorized'],
      ['no timestamp', postRaw(`${g}/webhooks/relay/${A.slug}`, body, { 'x-relay-signature': signRelay(secret, nowSeconds(), body) }), 401, 'unauthorized'],
      ['a Retell signature', postSigned(`${g}/webhooks/relay/${A.slug}`, body, A.retellApiKey), 401, 'unauthorized'],
      ['not JSON', postRelay(g, A.slug, '{"event":', secret), 400, 'bad_request'],
      ['no envelope', postRelay(g, A.slug, '{"event":"call_started"}', secret), 400, 'bad_request'],
      ['a malformed slug', postRelay(g, 'no%20such', body, secret), 404, 'not_found'],
    ];
    for (const [name, pending, status, error] of cases) {
      const res = await pending;
      expect({ name, status: res.status, error: res.json().error }).toEqual({ name, status, error });
    }
    // a signature over other bytes than those sent
    const ts = nowSeconds();
    const tampered = await postRaw(`${g}/webhooks/relay/${A.slug}`, body.replace('ended', 'ENDED'), {
      'x-relay-timestamp': String(ts),
      'x-relay-signature': signRelay(secret, ts, body),
    });
    expect(tampered.status).toBe(401);
  });

  it('rotates with an overlap (old and new verify), refuses the old after a zero overlap, and turns off with DELETE', async () => {
    const first = (await as(A.adminApiKey)('POST', '/api/v1/tenant/relay-secret', { overlapMinutes: 0 })).json.relaySecret;
    const cached = await freshGateway();
    const post = (secret: string, base = cached) => postRelay(base, A.slug, JSON.stringify(lifecycle(A.agentId).call_started), secret);
    expect((await post(first)).status).toBe(204);
    const rotated = await as(A.adminApiKey)('POST', '/api/v1/tenant/relay-secret', { overlapMinutes: 5 });
    expect(rotated.status).toBe(200);
    expect(Date.parse(rotated.json.previousSecretUntil) - Date.now()).toBeGreaterThan(4 * 60_000);
    const second = rotated.json.relaySecret;
    expect(second).not.toBe(first);
    // the gateway that cached the first secret reloads on the new one's signature
    expect((await post(second)).status).toBe(204);
    expect((await post(first)).status).toBe(204);
    const g = await freshGateway();
    expect((await post(first, g)).status).toBe(204);
    expect((await post(second, g)).status).toBe(204);

    const third = (await as(A.adminApiKey)('POST', '/api/v1/tenant/relay-secret', { overlapMinutes: 0 })).json.relaySecret;
    const g2 = await freshGateway();
    expect((await post(second, g2)).status).toBe(401);
    expect((await post(third, g2)).status).toBe(204);

    expect((await as(A.adminApiKey)('DELETE', '/api/v1/tenant/relay-secret')).status).toBe(204);
    const row = await prisma.tenant.findUniqueOrThrow({ where: { id: A.tenantId } });
    expect([row.relaySecretEnc, row.relaySecretPrevEnc, row.relaySecretPrevUntil]).toEqual([null, null, null]);
    expect((await post(third, await freshGateway())).status).toBe(404);
    expect((await as(A.adminApiKey)('GET', '/api/v1/tenant')).json.relay.enabled).toBe(false);
  });

  it('refuses an inactive tenant with 403 once the signature verifies', async () => {
    const secret = (await as(B.adminApiKey)('POST', '/api/v1/tenant/relay-secret', {})).json.relaySecret;
    await prisma.tenant.update({ where: { id: B.tenantId }, data: { active: false } });
    try {
      const g = await freshGateway();
      const res = await postRelay(g, B.slug, JSON.stringify(lifecycle(B.agentId).call_started), secret);
      expect({ status: res.status, error: res.json().error }).toEqual({ status: 403, error: 'tenant_inactive' });
      expect((await postRelay(g, B.slug, JSON.stringify(lifecycle(B.agentId).call_started), 'rrs_wrong')).status).toBe(401);
    } finally {
      await prisma.tenant.update({ where: { id: B.tenantId }, data: { active: true } });
    }
  });

  it('needs settings:write to issue or delete the secret (viewer 403) and validates overlapMinutes', async () => {
    expect((await as(viewerKey)('POST', '/api/v1/tenant/relay-secret', {})).status).toBe(403);
    expect((await as(viewerKey)('DELETE', '/api/v1/tenant/relay-secret')).status).toBe(403);
    for (const overlapMinutes of [-1, 10081, 'soon', 1.5]) {
      const res = await as(A.adminApiKey)('POST', '/api/v1/tenant/relay-secret', { overlapMinutes });
      expect({ overlapMinutes, status: res.status }).toEqual({ overlapMinutes, status: 400 });
    }
    expect((await as(A.adminApiKey)('POST', '/api/v1/tenant/relay-secret', { secret: 'mine' })).status).toBe(400);
  });

  describe('PATCH /api/v1/tenant (a tenant changes its own settings)', () => {
    it('changes name and defaults, validated like the operator’s PATCH; null clears; slug, active and the Retell key are refused', async () => {
      const res = await as(A.adminApiKey)('PATCH', '/api/v1/tenant', {
        name: 'Relay A renamed',
        defaultFromNumber: '+14155550177',
        timeZone: 'Europe/Madrid',
        callingWindow: { start: '09:30', end: '18:00', timeZone: 'Europe/Madrid' },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        id: A.tenantId,
        slug: A.slug,
        name: 'Relay A renamed',
        defaultFromNumber: '+14155550177',
        timeZone: 'Europe/Madrid',
        callingWindow: { start: '09:30', end: '18:00', timeZone: 'Europe/Madrid' },
        retellApiKeyLast4: A.retellApiKey.slice(-4),
        active: true,
      });
      expect(JSON.stringify(res.json)).not.toContain(A.retellApiKey);
      const cleared = await as(A.adminApiKey)('PATCH', '/api/v1/tenant', { callingWindow: null, timeZone: null });
      expect(cleared.json).toMatchObject({ callingWindow: null, timeZone: null, name: 'Relay A renamed' });

      const refused: [unknown, string][] = [
        [{ slug: 'other' }, 'slug'],
        [{ active: false }, 'active'],
        [{ retellApiKey: 'key_test_abcdefgh' }, 'retellApiKey'],
        [{ defaultFromNumber: '555-0100' }, 'defaultFromNumber'],
        [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
        [{ name: '' }, 'name'],
        [{ callingWindow: { start: '18:00', end: '09:00', timeZone: 'UTC' } }, 'callingWindow.start'],
      ];
      for (const [body, field] of refused) {
        const r = await as(A.adminApiKey)('PATCH', '/api/v1/tenant', body);
        expect({ body, status: r.status, mentions: JSON.stringify(r.json).includes(field) }).toEqual({ body, status: 400, mentions: true });
      }
      expect((await prisma.tenant.findUniqueOrThrow({ where: { id: A.tenantId } })).slug).toBe(A.slug);
    });

    it('refuses the default agent of another tenant (409) and a viewer (403)', async () => {
      expect((await as(A.adminApiKey)('PATCH', '/api/v1/tenant', { defaultAgentId: B.agentId })).status).toBe(409);
      expect((await as(viewerKey)('PATCH', '/api/v1/tenant', { name: 'viewer was here' })).status).toBe(403);
      expect((await as(viewerKey)('GET', '/api/v1/tenant')).status).toBe(200);
    });
  });
});

import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import IORedis from 'ioredis';
import { Client } from 'pg';
import Retell from 'retell-sdk';
import { hashApiKey, newApiKeyToken } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { inboundKeys } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { bearerApi, getJson, postRaw, type Answer } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

// Retell's inbound-call webhook (docs/live-calls.md#inbound-calls), through the real gateway, call
// worker, PostgreSQL and Redis; every request signed with the official SDK's Retell.sign.

const hex = (n = 4) => randomBytes(n).toString('hex');
/** A fresh US number per use, so no answer comes from another test's cache entry. */
const phone = () => `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const TO = '+14155550123';
const DAY = 24 * 3600 * 1000;

describe('inbound-call webhook: POST /webhooks/retell/inbound/:tenantSlug', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let pipeline: InProcessPipeline;
  let api: NestFastifyApplication;
  let redis: IORedis;
  let A: TestTenant;
  let B: TestTenant;
  let apiBase: string;
  const nums = { ana: phone(), bob: phone(), carol: phone(), bea: phone(), blocked: phone(), unknown: phone() };
  const ids = { ana: '', bob: '', carol: '', bea: '' };
  const interviewAt = new Date(Math.ceil((Date.now() + 3 * DAY) / 60_000) * 60_000);

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    redis = new IORedis(env.REDIS_URL);
    A = await createTestTenant(prisma, env, 'inbound');
    B = await createTestTenant(prisma, env, 'inbound-b');
    const make = async (
      tenantId: string,
      data: { firstName: string; lastName?: string; phone: string; status?: 'screening' | 'interviewing'; timeZone?: string },
    ) => (await prisma.candidate.create({ data: { tenantId, positionApplied: 'Backend Engineer', ...data } })).id;
    ids.ana = await make(A.tenantId, { firstName: 'Ana', lastName: 'García', phone: nums.ana, status: 'interviewing', timeZone: 'America/New_York' });
    ids.bob = await make(A.tenantId, { firstName: 'Bob', phone: nums.bob, status: 'screening' });
    ids.carol = await make(A.tenantId, { firstName: 'Carol', phone: nums.carol });
    ids.bea = await make(B.tenantId, { firstName: 'Bea', phone: nums.bea });
    await prisma.interview.create({
      data: { tenantId: A.tenantId, candidateId: ids.ana, status: 'scheduled', scheduledAt: interviewAt, timeZone: 'America/Chicago' },
    });
    await prisma.inboundRules.create({
      data: {
        tenantId: A.tenantId,
        rules: {
          blockedNumbers: [nums.blocked, '+1900*'],
          agentRules: [{ caller: 'known', interviewBooked: true, agentId: 'agent_interviews', agentVersion: 3 }],
        },
      },
    });
    pipeline = await startPipeline(env);
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    apiBase = (await api.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await pipeline.stop();
    await api.close();
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await prisma.tenant.deleteMany({ where: { id: { in: [A.tenantId, B.tenantId] } } });
    await prisma.$disconnect();
  });

  const inboundUrl = (t: TestTenant) => `${pipeline.gatewayUrl}/webhooks/retell/inbound/${t.slug}`;
  const delivery = (from: string, extra: Record<string, unknown> = {}, eventTimestamp = Date.now()) =>
    JSON.stringify({
      event: 'call_inbound',
      event_timestamp: eventTimestamp,
      call_inbound: { agent_id: A.agentId, from_number: from, to_number: TO, ...extra },
    });
  const post = async (url: string, body: string, key: string): Promise<Answer> => postRaw(url, body, { 'x-retell-signature': await Retell.sign(body, key) });
  const ask = async (t: TestTenant, from: string, extra: Record<string, unknown> = {}) => {
    const res = await post(inboundUrl(t), delivery(from, extra), t.retellApiKey);
    expect(res.status).toBe(200);
    return res.json().call_inbound;
  };

  it('a known candidate gets their dynamic variables (strings), metadata.candidate_id and the agent rule’s agent', async () => {
    const answer = await ask(A, nums.ana, { call_id: `call_${hex()}` });
    expect(answer).toEqual({
      dynamic_variables: {
        known_caller: 'true',
        tenant_name: expect.stringContaining('Test inbound'),
        candidate_name: 'Ana García',
        first_name: 'Ana',
        position: 'Backend Engineer',
        candidate_status: 'interviewing',
        next_interview: expect.stringMatching(/^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \w+ \d{1,2} at \d{1,2}:\d{2} [AP]M Eastern Time$/),
        next_interview_iso: interviewAt.toISOString(),
      },
      metadata: { candidate_id: ids.ana },
      override_agent_id: 'agent_interviews',
      override_agent_version: 3,
    });
  });

  it('a known candidate no rule names: their variables, no override', async () => {
    const answer = await ask(A, nums.bob);
    expect(answer.dynamic_variables).toMatchObject({ known_caller: 'true', first_name: 'Bob', candidate_status: 'screening', next_interview: '' });
    expect(answer.metadata).toEqual({ candidate_id: ids.bob });
    expect(answer).not.toHaveProperty('override_agent_id');
  });

  it('an unknown number gets the plain default answer', async () => {
    const answer = await ask(A, nums.unknown);
    expect(answer).toEqual({
      dynamic_variables: {
        known_caller: 'false',
        tenant_name: expect.stringContaining('Test inbound'),
        candidate_name: '',
        first_name: '',
        position: '',
        candidate_status: '',
        next_interview: '',
        next_interview_iso: '',
      },
      metadata: {},
    });
  });

  it('another tenant’s candidate is never used', async () => {
    const inA = await ask(A, nums.bea);
    expect(inA.dynamic_variables.known_caller).toBe('false');
    expect(inA.metadata).toEqual({});
    const inB = await ask(B, nums.bea);
    expect(inB.metadata).toEqual({ candidate_id: ids.bea });
  });

  it.each([
    ['a blocked number', () => nums.blocked],
    ['a blocked prefix', () => `+1900${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`],
  ])('%s is rejected (reject: true)', async (_name, from) => {
    const answer = await ask(A, from());
    expect(answer.reject).toBe(true);
    expect(answer).not.toHaveProperty('override_agent_id');
  });

  it('a retry gets the same answer: by call_id, and by from + to + event_timestamp when there is none', async () => {
    const callId = `call_${hex()}`;
    const first = await post(inboundUrl(A), delivery(nums.ana, { call_id: callId }), A.retellApiKey);
    // Retell's retry: the same delivery, signed again a moment later (another signature header).
    await new Promise((r) => setTimeout(r, 5));
    const again = await post(inboundUrl(A), delivery(nums.ana, { call_id: callId }), A.retellApiKey);
    expect(again.text).toBe(first.text);
    expect(await redis.exists(inboundKeys.answer(env.QUEUE_PREFIX, A.tenantId, `id:${callId}`))).toBe(1);

    const ts = Date.now() - 1000;
    const body = delivery(nums.bob, {}, ts);
    const one = await post(inboundUrl(A), body, A.retellApiKey);
    const two = await post(inboundUrl(A), body, A.retellApiKey);
    expect(two.text).toBe(one.text);
    expect(await redis.ttl(inboundKeys.answer(env.QUEUE_PREFIX, A.tenantId, `ft:${nums.bob}|${TO}|${ts}`))).toBeGreaterThan(500);
  });

  it('a slow database: the default answer within the budget, 200; its retries get that same answer; the next call is known', async () => {
    const locker = new Client({ connectionString: env.DATABASE_URL });
    await locker.connect();
    const callId = `call_${hex()}`;
    let degraded: Answer;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Candidate" IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      degraded = await post(inboundUrl(A), delivery(nums.carol, { call_id: callId }), A.retellApiKey);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await locker.query('COMMIT').catch(() => undefined);
      await locker.end();
    }
    expect(degraded.status).toBe(200);
    expect(degraded.json().call_inbound).toEqual({
      dynamic_variables: expect.objectContaining({ known_caller: 'false', tenant_name: expect.any(String) }),
      metadata: {},
    });
    const retry = await post(inboundUrl(A), delivery(nums.carol, { call_id: callId }), A.retellApiKey);
    expect(retry.text).toBe(degraded.text);
    const next = await waitFor(async () => {
      const a = await ask(A, nums.carol, { call_id: `call_${hex()}` });
      return a.metadata.candidate_id ? a : undefined;
    });
    expect(next.metadata).toEqual({ candidate_id: ids.carol });
  });

  it.each<[string, () => Promise<Answer>, number, string]>([
    ['a bad signature', () => post(inboundUrl(A), delivery(nums.ana), B.retellApiKey), 401, 'unauthorized'],
    ['no signature', () => postRaw(inboundUrl(A), delivery(nums.ana)), 401, 'unauthorized'],
    ['an unknown slug', () => post(`${pipeline.gatewayUrl}/webhooks/retell/inbound/nobody-${hex()}`, delivery(nums.ana), A.retellApiKey), 404, 'not_found'],
    ['a body that is not JSON', () => post(inboundUrl(A), '{"event":', A.retellApiKey), 400, 'bad_request'],
    [
      'no from_number',
      () => post(inboundUrl(A), JSON.stringify({ event: 'call_inbound', event_timestamp: Date.now(), call_inbound: { to_number: TO } }), A.retellApiKey),
      400,
      'bad_request',
    ],
    [
      'another event',
      () =>
        post(inboundUrl(A), JSON.stringify({ event: 'call_started', event_timestamp: 1, call_inbound: { from_number: '+1', to_number: TO } }), A.retellApiKey),
      400,
      'bad_request',
    ],
  ])('%s is refused with a reason', async (_name, send, status, error) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.json()).toEqual({ error, reason: expect.any(String) });
  });

  it('names the field at fault, bounded, without echoing what was sent', async () => {
    const huge = 'x'.repeat(100_000);
    const res = await post(
      inboundUrl(A),
      JSON.stringify({ event: 'call_inbound', event_timestamp: Date.now(), call_inbound: { from_number: huge, to_number: TO } }),
      A.retellApiKey,
    );
    expect(res.status).toBe(400);
    expect(res.json().reason).toContain('from_number');
    expect(res.text.length).toBeLessThan(400);
  });

  it('a call_inbound posted to /webhooks/retell/<slug> or /webhooks/retell gets the same answer as the inbound route', async () => {
    const body = delivery(nums.bob, { call_id: `call_${hex()}` });
    const bySlug = await post(`${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`, body, A.retellApiKey);
    expect(bySlug.status).toBe(200);
    expect(bySlug.json().call_inbound.metadata).toEqual({ candidate_id: ids.bob });
    const byAgent = await post(`${pipeline.gatewayUrl}/webhooks/retell`, delivery(nums.ana, { call_id: `call_${hex()}` }), A.retellApiKey);
    expect(byAgent.status).toBe(200);
    expect(byAgent.json().call_inbound).toMatchObject({ metadata: { candidate_id: ids.ana }, override_agent_id: 'agent_interviews' });
  });

  it('end to end: the call Retell then reports with the answered metadata is linked to the candidate; another tenant’s id links nothing', async () => {
    const answer = await ask(A, nums.ana, { call_id: `call_${hex()}` });
    const l = lifecycle(A.agentId);
    const asRetell = (event: { event: string; call: object }) => ({
      ...event,
      call: {
        ...event.call,
        direction: 'inbound',
        from_number: nums.ana,
        to_number: TO,
        metadata: answer.metadata,
        retell_llm_dynamic_variables: answer.dynamic_variables,
      },
    });
    for (const e of [l.call_started, l.call_ended]) {
      const res = await post(`${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`, JSON.stringify(asRetell(e)), A.retellApiKey);
      expect(res.status).toBe(204);
    }
    const call = await waitFor(
      async () => {
        const row = await prisma.call.findUnique({ where: { tenantId_retellCallId: { tenantId: A.tenantId, retellCallId: l.callId } } });
        return row?.status === 'completed' ? row : undefined;
      },
      { what: 'the inbound call to be recorded' },
    );
    expect(call).toMatchObject({ candidateId: ids.ana, direction: 'inbound', fromNumber: nums.ana });

    const foreign = lifecycle(A.agentId);
    const res = await post(
      `${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`,
      JSON.stringify({ ...foreign.call_ended, call: { ...foreign.call_ended.call, metadata: { candidate_id: ids.bea } } }),
      A.retellApiKey,
    );
    expect(res.status).toBe(204);
    const row = await waitFor(() =>
      prisma.call.findUnique({ where: { tenantId_retellCallId: { tenantId: A.tenantId, retellCallId: foreign.callId } } }).then((r) => r ?? undefined),
    );
    expect(row.candidateId).toBeNull();
  });

  describe('chat_inbound (a text to the number, its inbound SMS webhook)', () => {
    const chat = (from: string, extra: Record<string, unknown> = {}, eventTimestamp = Date.now()) =>
      JSON.stringify({
        event: 'chat_inbound',
        event_timestamp: eventTimestamp,
        chat_inbound: { agent_id: A.agentId, from_number: from, to_number: TO, ...extra },
      });

    it('a known candidate gets the same variables and metadata under chat_inbound, without the voice agent a rule names', async () => {
      const res = await post(inboundUrl(A), chat(nums.ana, { chat_id: `chat_${hex()}` }), A.retellApiKey);
      expect(res.status).toBe(200);
      expect(res.json()).not.toHaveProperty('call_inbound');
      const answer = res.json().chat_inbound;
      expect(answer.dynamic_variables).toMatchObject({ known_caller: 'true', first_name: 'Ana', candidate_status: 'interviewing' });
      expect(answer.metadata).toEqual({ candidate_id: ids.ana });
      expect(answer).not.toHaveProperty('override_agent_id');
      expect(answer).not.toHaveProperty('override_agent_version');
    });

    it('an unknown number gets the default; a blocked one reject: true', async () => {
      const unknown = (await post(inboundUrl(A), chat(nums.unknown), A.retellApiKey)).json().chat_inbound;
      expect(unknown).toEqual({ dynamic_variables: expect.objectContaining({ known_caller: 'false' }), metadata: {} });
      const blocked = (await post(inboundUrl(A), chat(nums.blocked), A.retellApiKey)).json().chat_inbound;
      expect(blocked.reject).toBe(true);
    });

    it('a retry gets the same answer (by chat_id), kept apart from a call with the same id', async () => {
      const id = `shared_${hex()}`;
      const first = await post(inboundUrl(A), chat(nums.bob, { chat_id: id }), A.retellApiKey);
      const again = await post(inboundUrl(A), chat(nums.bob, { chat_id: id }), A.retellApiKey);
      expect(again.text).toBe(first.text);
      expect(await redis.exists(inboundKeys.answer(env.QUEUE_PREFIX, A.tenantId, `chat-id:${id}`))).toBe(1);
      const call = await post(inboundUrl(A), delivery(nums.bob, { call_id: id }), A.retellApiKey);
      expect(call.json()).toHaveProperty('call_inbound');
    });

    it('names the chat_inbound field at fault; posted to the webhook URL it gets the same answer', async () => {
      const bad = await post(
        inboundUrl(A),
        JSON.stringify({ event: 'chat_inbound', event_timestamp: Date.now(), chat_inbound: { to_number: TO } }),
        A.retellApiKey,
      );
      expect(bad.status).toBe(400);
      expect(bad.json().reason).toContain('chat_inbound.from_number');
      const missing = await post(
        inboundUrl(A),
        JSON.stringify({ event: 'chat_inbound', event_timestamp: Date.now(), call_inbound: { from_number: '+1', to_number: TO } }),
        A.retellApiKey,
      );
      expect(missing.status).toBe(400);
      expect(missing.json().reason).toContain('chat_inbound');
      const bySlug = await post(`${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`, chat(nums.bob, { chat_id: `chat_${hex()}` }), A.retellApiKey);
      expect(bySlug.status).toBe(200);
      expect(bySlug.json().chat_inbound.metadata).toEqual({ candidate_id: ids.bob });
    });
  });

  it('counts answers by kind on /metrics', async () => {
    const text = (await getJson(`${pipeline.gatewayUrl}/metrics`)).text;
    for (const kind of ['known', 'unknown', 'rejected', 'degraded'])
      expect(text).toMatch(new RegExp(`rops_inbound_answers_total\\{kind="${kind}",replayed="false"\\} [1-9]`));
    expect(text).toMatch(/rops_inbound_answers_total\{kind="known",replayed="true"\} [1-9]/);
    expect(text).toMatch(/rops_inbound_degraded_total\{reason="timeout"\} [1-9]/);
  });

  describe('API: /api/v1/inbound-rules and /api/v1/inbound-calls', () => {
    let C: TestTenant;
    const a = () => bearerApi(apiBase, A.adminApiKey);
    beforeAll(async () => {
      C = await createTestTenant(prisma, env, 'inbound-c');
    });
    afterAll(async () => {
      await prisma.tenant.delete({ where: { id: C.tenantId } });
    });

    it('lists what was answered, newest first, with the kind and the candidate', async () => {
      const res = await a()('GET', '/api/v1/inbound-calls?limit=200');
      expect(res.status).toBe(200);
      const kinds = new Set(res.json.data.map((r: { kind: string }) => r.kind));
      expect(kinds).toEqual(new Set(['known', 'unknown', 'rejected', 'degraded']));
      expect(res.json.data).toContainEqual(expect.objectContaining({ kind: 'known', fromNumber: nums.ana, candidateId: ids.ana, agentId: 'agent_interviews' }));
      expect(res.json.data).toContainEqual(expect.objectContaining({ kind: 'rejected', fromNumber: nums.blocked, reason: `blocked by ${nums.blocked}` }));
      expect(res.json.data).toContainEqual(expect.objectContaining({ replayed: true }));
      expect(res.json.data).toContainEqual(expect.objectContaining({ channel: 'chat', fromNumber: nums.ana, candidateId: ids.ana, agentId: null }));
      expect(res.json.data).toContainEqual(expect.objectContaining({ channel: 'call', fromNumber: nums.ana }));
      const at = res.json.data.map((r: { at: number }) => r.at);
      expect(at).toEqual([...at].sort((x, y) => y - x));
      const other = await bearerApi(apiBase, B.adminApiKey)('GET', '/api/v1/inbound-calls');
      expect(other.json.data.every((r: { fromNumber: string }) => r.fromNumber === nums.bea)).toBe(true);
    });

    it('PUT replaces the rules, GET reads them, and the gateway answers with them', async () => {
      const c = bearerApi(apiBase, C.adminApiKey);
      expect((await c('GET', '/api/v1/inbound-rules')).json).toMatchObject({
        blockedNumbers: [],
        agentRules: [],
        updatedAt: null,
        inboundWebhookUrl: expect.stringMatching(new RegExp(`/webhooks/retell/inbound/${C.slug}$`)),
      });
      const rules = { blockedNumbers: ['+1900*'], agentRules: [{ caller: 'unknown', agentId: 'agent_front_desk' }] };
      const put = await c('PUT', '/api/v1/inbound-rules', rules);
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ ...rules, updatedAt: expect.any(String) });
      expect((await c('GET', '/api/v1/inbound-rules')).json).toMatchObject(rules);
      const answer = await ask(C, phone());
      expect(answer).toMatchObject({ override_agent_id: 'agent_front_desk', metadata: {} });
    });

    it.each<[string, unknown, string]>([
      ['a number that is not E.164', { blockedNumbers: ['555-0100'], agentRules: [] }, 'blockedNumbers'],
      ['an unknown caller kind', { blockedNumbers: [], agentRules: [{ caller: 'vip', agentId: 'a' }] }, 'caller'],
      [
        'a status rule for unknown callers',
        { blockedNumbers: [], agentRules: [{ caller: 'unknown', interviewBooked: true, agentId: 'a' }] },
        'known callers only',
      ],
      ['an unknown field', { blockedNumbers: [], agentRules: [], everyone: true }, 'everyone'],
    ])('PUT refuses %s with 400', async (_name, body, says) => {
      const res = await a()('PUT', '/api/v1/inbound-rules', body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.json)).toContain(says);
    });

    it('a viewer reads the rules but cannot change them', async () => {
      const viewerKey = newApiKeyToken();
      await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
      const v = bearerApi(apiBase, viewerKey);
      expect((await v('GET', '/api/v1/inbound-rules')).status).toBe(200);
      expect((await v('PUT', '/api/v1/inbound-rules', { blockedNumbers: [], agentRules: [] })).status).toBe(403);
    });

    it('is in the OpenAPI document', async () => {
      const doc = (await getJson(`${apiBase}/api/docs/openapi.json`)).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/inbound-rules', '/api/v1/inbound-calls']));
    });
  });
});

import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey, newApiKeyToken, SecretBox } from '@retell-ops/config';
import { createPrismaClient, PgPool, type PrismaClient } from '@retell-ops/db';
import type { LifecycleEvent } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { Calls } from '@retell-ops/call-records';
import { lifecycle } from '../support/payloads';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

// content-disposition (ESM-only, used by the docs' static files) is mapped to a CommonJS stand-in in jest.config.js.

/**
 * Admin API (apps/api) in-process against the real test database: bearer auth, tenant isolation,
 * the call resource, list filters and keyset pagination, query/body validation, secrets at rest
 * and in responses, agent registration, and the OpenAPI document.
 */

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  json: () => any;
}

/** What a list item / call detail looks like: exactly these fields, no tenant internals. */
const CALL_FIELDS = [
  'id',
  'callId',
  'dialRequestId',
  'attempt',
  'agentId',
  'agentVersion',
  'callType',
  'direction',
  'fromNumber',
  'toNumber',
  'status',
  'retellStatus',
  'disconnectionReason',
  'outcome',
  'startedAt',
  'endedAt',
  'durationMs',
  'transcript',
  'transcriptObject',
  'recordingUrl',
  'publicLogUrl',
  'summary',
  'sentiment',
  'successful',
  'inVoicemail',
  'customAnalysis',
  'costCents',
  'metadata',
  'dynamicVariables',
  'candidateId',
  'createdBy',
  'createdAt',
  'updatedAt',
].sort();

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HOUR = 3_600_000;
/**
 * Directly written rows live in their own window: noon UTC 30 days before the run, far from the
 * lifecycle calls (which start ~90 s ago), and inside one UTC day (hours −12 to +12).
 */
const T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 30 * 86_400_000 + 12 * HOUR;
const at = (hours: number) => new Date(T0 + hours * HOUR);
/** T0's calendar day (UTC) and the next, as bare ISO dates. */
const T0_DAY = new Date(T0).toISOString().slice(0, 10);
const T0_NEXT_DAY = new Date(T0 + 24 * HOUR).toISOString().slice(0, 10);
/** An instant written with a +01:00 offset, as a caller in Central Europe might send it. */
const plusOneHour = (d: Date) => `${new Date(d.getTime() + HOUR).toISOString().slice(0, 19)}+01:00`;

/** A row of the test's own model of a tenant's calls, to compute what a list should answer. */
interface ModelCall {
  id: string;
  callId: string;
  status: string;
  outcome: string | null;
  agentId: string | null;
  occurredAt: Date;
}

/** Newest first, ties by id (the documented keyset order: occurredAt desc, id desc). */
const newestFirst = (a: ModelCall, b: ModelCall) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The human-readable part of a Nest error body (a string, or the validator's list). */
const messageOf = (res: Answer): string => [res.json().message].flat().join('; ');

describe('admin API (apps/api)', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let pool: PgPool;
  let app: NestFastifyApplication;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  const tenantIds: string[] = [];

  /** Lifecycle calls recorded through the worker's own code, one per tenant. */
  let lifeA: ReturnType<typeof lifecycle>;
  let lifeB: ReturnType<typeof lifecycle>;
  /** The same Retell call id in both tenants (the unique key is per tenant), with different data. */
  const sharedCallId = `call_shared_${randomBytes(6).toString('hex')}`;
  const otherAgent = `agent_other_${randomBytes(6).toString('hex')}`;
  let modelA: ModelCall[];
  let modelB: ModelCall[];

  async function request(method: 'GET' | 'POST', path: string, opts: { key?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
  }
  const get = (path: string, key?: string, headers?: Record<string, string>) => request('GET', path, { key, headers });
  const post = (path: string, body: unknown, key?: string) => request('POST', path, { key, body });

  /** Runs the call worker's real use case, as if the gateway had queued these deliveries. */
  async function record(tenant: TestTenant, l: ReturnType<typeof lifecycle>, events: LifecycleEvent[]): Promise<void> {
    const recorder = new Calls(pool);
    for (const event of events) {
      await recorder.recordDeliveryAlone({ tenantId: tenant.tenantId, event, callId: l.callId, receivedAt: Date.now(), body: JSON.stringify(l[event]) });
    }
  }

  async function insertCall(
    tenant: TestTenant,
    c: { callId?: string; status: string; outcome: string | null; agentId: string | null; hours: number; started?: boolean },
  ) {
    const occurredAt = at(c.hours);
    const started = c.started ?? true;
    return prisma.call.create({
      data: {
        tenantId: tenant.tenantId,
        retellCallId: c.callId ?? `call_${randomBytes(10).toString('hex')}`,
        status: c.status as any,
        outcome: c.outcome,
        agentId: c.agentId,
        direction: 'outbound',
        retellStatus: started ? 'ended' : null,
        startedAt: started ? occurredAt : null,
        endedAt: started ? new Date(occurredAt.getTime() + 60_000) : null,
        occurredAt,
      },
    });
  }

  const loadModel = async (tenant: TestTenant): Promise<ModelCall[]> =>
    (
      await prisma.call.findMany({
        where: { tenantId: tenant.tenantId },
        select: { id: true, retellCallId: true, status: true, outcome: true, agentId: true, occurredAt: true },
      })
    ).map((r) => ({ id: r.id, callId: r.retellCallId!, status: r.status, outcome: r.outcome, agentId: r.agentId, occurredAt: r.occurredAt }));

  /** Every page of a list, following nextCursor; asserts the page contract on the way. */
  async function walk(key: string, query: Record<string, string>, limit: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
      const res = await get(`/api/v1/calls?${qs}`, key);
      expect(res.status).toBe(200);
      const page = res.json();
      expect(page.data.length).toBeLessThanOrEqual(limit);
      cursor = page.nextCursor;
      if (cursor !== null) {
        expect(typeof cursor).toBe('string');
        expect(page.data).toHaveLength(limit); // only a full page may have a next one
      }
      ids.push(...page.data.map((c: { callId: string }) => c.callId));
      pages++;
      if (pages > 50) throw new Error('pagination did not end');
    } while (cursor !== null);
    return { ids, pages };
  }

  beforeAll(async () => {
    // The app first: if it cannot start, no rows are left behind.
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
    A = await createTestTenant(prisma, env, 'api-a');
    tenantIds.push(A.tenantId);
    B = await createTestTenant(prisma, env, 'api-b');
    tenantIds.push(B.tenantId);

    lifeA = lifecycle(A.agentId);
    lifeB = lifecycle(B.agentId);
    await record(A, lifeA, ['call_ended', 'call_analyzed']);
    await record(B, lifeB, ['call_ended', 'call_analyzed']);

    // Tenant A: filter and pagination material (d3/d4 share an instant, so the id tie-break matters).
    await insertCall(A, { status: 'completed', outcome: 'connected', agentId: A.agentId, hours: 0 }); // d1
    await insertCall(A, { status: 'failed', outcome: 'no_answer', agentId: A.agentId, hours: 1 }); // d2
    await insertCall(A, { status: 'completed', outcome: 'voicemail', agentId: otherAgent, hours: 2 }); // d3
    await insertCall(A, { status: 'completed', outcome: 'connected', agentId: otherAgent, hours: 2 }); // d4
    await insertCall(A, { status: 'queued', outcome: null, agentId: A.agentId, hours: 3, started: false }); // d5: not started yet
    await insertCall(A, { status: 'in_progress', outcome: null, agentId: A.agentId, hours: 4 }); // d6
    await insertCall(A, { status: 'failed', outcome: 'busy', agentId: otherAgent, hours: 5 }); // d7
    await insertCall(A, { callId: sharedCallId, status: 'completed', outcome: 'connected', agentId: A.agentId, hours: 6 });

    // Tenant B: rows that would match A's filters if scoping were missing (same window, same agent string).
    await insertCall(B, { callId: sharedCallId, status: 'failed', outcome: 'no_answer', agentId: B.agentId, hours: 6 });
    await insertCall(B, { status: 'completed', outcome: 'connected', agentId: A.agentId, hours: 2 });
    await insertCall(B, { status: 'completed', outcome: 'voicemail', agentId: otherAgent, hours: 1 });

    modelA = await loadModel(A);
    modelB = await loadModel(B);
    expect(modelA).toHaveLength(9);
    expect(modelB).toHaveLength(4);
  });

  afterAll(async () => {
    await app?.close();
    // Everything else (keys, agents, calls, events) cascades from the tenants.
    if (tenantIds.length) await prisma.tenant.deleteMany({ where: { id: { in: tenantIds } } });
    await pool?.end();
    await prisma?.$disconnect();
  });

  // ───────────────────────────── 1. auth ─────────────────────────────
  describe('auth', () => {
    const PROTECTED: Array<['GET' | 'POST', string]> = [
      ['GET', '/api/v1/calls'],
      ['GET', '/api/v1/calls/call_anything'],
      ['GET', '/api/v1/tenant'],
      ['GET', '/api/v1/agents'],
      ['POST', '/api/v1/agents'],
    ];

    it.each(PROTECTED)('%s %s without Authorization → 401 with a reason', async (method, path) => {
      const res = await request(method, path, method === 'POST' ? { body: { retellAgentId: `agent_${randomBytes(4).toString('hex')}` } } : {});
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, message: expect.stringContaining('Authorization: Bearer') });
    });

    const BAD_HEADERS: Array<[string, () => string, RegExp]> = [
      ['Basic scheme', () => `Basic ${Buffer.from(`user:${A.adminApiKey}`).toString('base64')}`, /Authorization: Bearer/],
      ['Token scheme with a valid key', () => `Token ${A.adminApiKey}`, /Authorization: Bearer/],
      ['the bare key, no scheme', () => A.adminApiKey, /Authorization: Bearer/],
      ['Bearer with no key', () => 'Bearer', /Authorization: Bearer/],
      ['Bearer with blank key', () => 'Bearer    ', /Authorization: Bearer/],
      ['Bearer with two tokens', () => `Bearer ${A.adminApiKey} extra`, /Authorization: Bearer/],
      ['an unknown key', () => `Bearer ${newApiKeyToken()}`, /unknown or revoked/],
      ['a valid key with one character changed', () => `Bearer ${A.adminApiKey.slice(0, -1)}${A.adminApiKey.endsWith('a') ? 'b' : 'a'}`, /unknown or revoked/],
      ['the key hash instead of the key', () => `Bearer ${hashApiKey(A.adminApiKey)}`, /unknown or revoked/],
    ];

    it.each(BAD_HEADERS)('%s → 401', async (_name, header, reason) => {
      const res = await get('/api/v1/calls', undefined, { authorization: header() });
      expect(res.status).toBe(401);
      expect(messageOf(res)).toMatch(reason);
      expect(res.text).not.toContain('"data"');
    });

    it('accepts the scheme case-insensitively (RFC 9110 §11.1)', async () => {
      const res = await get('/api/v1/tenant', undefined, { authorization: `bearer ${A.adminApiKey}` });
      expect(res.status).toBe(200);
      expect(res.json().id).toBe(A.tenantId);
    });

    it('a revoked key → 401 (fresh key, so the guard has no cached lookup of it)', async () => {
      const token = newApiKeyToken();
      const key = await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'to revoke', keyHash: hashApiKey(token), role: 'admin' } });
      await prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
      const res = await get('/api/v1/calls', token);
      expect(res.status).toBe(401);
      expect(messageOf(res)).toMatch(/unknown or revoked/);
    });

    it('a second, unrevoked key of the same tenant works', async () => {
      const token = newApiKeyToken();
      await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'second', keyHash: hashApiKey(token), role: 'viewer' } });
      const res = await get('/api/v1/tenant', token);
      expect(res.status).toBe(200);
      expect(res.json().id).toBe(A.tenantId);
    });

    it.each([
      ['/health', { status: 'ok' }],
      ['/ready', { status: 'ready', postgres: 'up', redis: 'up' }],
    ])('%s needs no key', async (path, body) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual(body);
    });
  });

  // ───────────────────────── 2. tenant isolation ─────────────────────────
  describe('tenant isolation', () => {
    const pairs = () =>
      [
        ['A', A, lifeA, 'B', B, lifeB],
        ['B', B, lifeB, 'A', A, lifeA],
      ] as const;

    it.each([0, 1])('case %#: a key cannot read the other tenant’s call (404, nothing of it in the body)', async (i) => {
      const [, me, , , other, theirs] = pairs()[i];
      const res = await get(`/api/v1/calls/${theirs.callId}`, me.adminApiKey);
      expect(res.status).toBe(404);
      expect(messageOf(res)).toContain(theirs.callId);
      expect(res.text).not.toContain(other.agentId);
      expect(res.text).not.toContain('transcript');
      // ...while its own tenant reads it fine
      expect((await get(`/api/v1/calls/${theirs.callId}`, other.adminApiKey)).status).toBe(200);
    });

    it.each([0, 1])('case %#: a list holds exactly the caller’s calls, never the other tenant’s', async (i) => {
      const [, me, mine, , other, theirs] = pairs()[i];
      const model = me === A ? modelA : modelB;
      const res = await get('/api/v1/calls?limit=200', me.adminApiKey);
      expect(res.status).toBe(200);
      const ids: string[] = res.json().data.map((c: { callId: string }) => c.callId);
      expect(new Set(ids)).toEqual(new Set(model.map((m) => m.callId)));
      expect(ids).toContain(mine.callId);
      expect(ids).not.toContain(theirs.callId);
      expect(res.text).not.toContain(other.tenantId);
      expect(res.text).not.toContain(me.tenantId); // tenant internals stay out of call resources too
    });

    it('the same Retell call id in both tenants: each key sees its own row', async () => {
      const a = await get(`/api/v1/calls/${sharedCallId}`, A.adminApiKey);
      const b = await get(`/api/v1/calls/${sharedCallId}`, B.adminApiKey);
      expect(a.json()).toMatchObject({ callId: sharedCallId, status: 'completed', outcome: 'connected', agentId: A.agentId });
      expect(b.json()).toMatchObject({ callId: sharedCallId, status: 'failed', outcome: 'no_answer', agentId: B.agentId });
    });

    it('filters stay scoped: B’s row with A’s agent id never shows up for A, and vice versa', async () => {
      const forA = (await get(`/api/v1/calls?agentId=${A.agentId}&limit=200`, A.adminApiKey)).json().data;
      expect(forA.map((c: { callId: string }) => c.callId).sort()).toEqual(
        modelA
          .filter((m) => m.agentId === A.agentId)
          .map((m) => m.callId)
          .sort(),
      );
      const forB = (await get(`/api/v1/calls?agentId=${A.agentId}&limit=200`, B.adminApiKey)).json().data;
      expect(forB.map((c: { callId: string }) => c.callId)).toEqual(modelB.filter((m) => m.agentId === A.agentId).map((m) => m.callId));
    });

    it('a cursor issued to B, replayed by A, only pages through A’s calls', async () => {
      const pageB = (await get('/api/v1/calls?limit=1', B.adminApiKey)).json();
      expect(pageB.nextCursor).toEqual(expect.any(String));
      const res = await get(`/api/v1/calls?limit=200&cursor=${pageB.nextCursor}`, A.adminApiKey);
      expect(res.status).toBe(200);
      const bOnly = new Set(modelB.map((m) => m.callId).filter((id) => id !== sharedCallId));
      for (const c of res.json().data) expect(bOnly.has(c.callId)).toBe(false);
    });
  });

  // ─────────────────────── 3. the call resource ───────────────────────
  describe('GET /api/v1/calls/:callId', () => {
    it('returns the call the worker recorded from call_ended + call_analyzed, field by field', async () => {
      const res = await get(`/api/v1/calls/${lifeA.callId}`, A.adminApiKey);
      expect(res.status).toBe(200);
      const body = res.json();
      const ended = lifeA.call_ended.call;
      const analysis = lifeA.call_analyzed.call.call_analysis;
      expect(Object.keys(body).sort()).toEqual(CALL_FIELDS);
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        callId: lifeA.callId,
        dialRequestId: null, // not placed by the platform
        attempt: null,
        agentId: A.agentId,
        agentVersion: 3,
        callType: 'phone_call',
        direction: 'outbound',
        fromNumber: '+14155550100',
        toNumber: '+14155550123',
        status: 'completed',
        retellStatus: 'ended',
        disconnectionReason: 'user_hangup',
        outcome: 'successful',
        startedAt: new Date(ended.start_timestamp).toISOString(),
        endedAt: new Date(ended.end_timestamp).toISOString(),
        durationMs: 75_000,
        transcript: ended.transcript,
        transcriptObject: ended.transcript_object,
        recordingUrl: ended.recording_url,
        publicLogUrl: ended.public_log_url,
        summary: analysis.call_summary,
        sentiment: 'Positive',
        successful: true,
        inVoicemail: false,
        customAnalysis: { interest_level: 'High', qualified: true },
        costCents: 34.45,
        metadata: { candidate_ref: 'c-1' },
        dynamicVariables: { first_name: 'Ana' },
        candidateId: null,
        createdBy: null, // known only from webhooks
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(typeof body.costCents).toBe('number'); // a JSON number, not a Decimal string
      expect(body.transcript).toContain('¿qué tal?'); // UTF-8 round trip
    });

    it('the list shows the very same representation as the detail', async () => {
      const detail = (await get(`/api/v1/calls/${lifeA.callId}`, A.adminApiKey)).json();
      const listed = (await get('/api/v1/calls?limit=200', A.adminApiKey)).json().data.find((c: { callId: string }) => c.callId === lifeA.callId);
      expect(listed).toEqual(detail);
    });

    it("accepts the platform's own call id as well as Retell's", async () => {
      const id = modelA.find((m) => m.callId === lifeA.callId)!.id;
      const res = await get(`/api/v1/calls/${id}`, A.adminApiKey);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ id, callId: lifeA.callId });
    });

    it.each([
      ['an unknown id', 'call_does_not_exist'],
      ['an unknown uuid', '00000000-0000-4000-8000-000000000000'],
      ['an id with SQL in it', "call_x' OR '1'='1"],
    ])('%s → 404', async (_name, id) => {
      const res = await get(`/api/v1/calls/${encodeURIComponent(id)}`, A.adminApiKey);
      expect(res.status).toBe(404);
      expect(messageOf(res)).toContain(id);
    });
  });

  // ─────────────────────── 4. list filters and pagination ───────────────────────
  describe('GET /api/v1/calls filters', () => {
    // [name, query, predicate over the model]
    const CASES: Array<[string, () => Record<string, string>, (m: ModelCall) => boolean]> = [
      ['no filter', () => ({}), () => true],
      ['status=completed', () => ({ status: 'completed' }), (m) => m.status === 'completed'],
      ['status=failed', () => ({ status: 'failed' }), (m) => m.status === 'failed'],
      ['status=cancelled (none)', () => ({ status: 'cancelled' }), () => false],
      ['outcome=successful', () => ({ outcome: 'successful' }), (m) => m.outcome === 'successful'],
      ['outcome=connected', () => ({ outcome: 'connected' }), (m) => m.outcome === 'connected'],
      ['agentId=A’s agent', () => ({ agentId: A.agentId }), (m) => m.agentId === A.agentId],
      ['agentId=B’s agent (none for A)', () => ({ agentId: B.agentId }), () => false],
      ['from (inclusive) only', () => ({ from: at(5).toISOString() }), (m) => m.occurredAt >= at(5)],
      ['to (exclusive) only', () => ({ to: at(1).toISOString() }), (m) => m.occurredAt < at(1)],
      ['from/to window [1h, 4h)', () => ({ from: at(1).toISOString(), to: at(4).toISOString() }), (m) => m.occurredAt >= at(1) && m.occurredAt < at(4)],
      ['from/to with a UTC offset', () => ({ from: plusOneHour(at(1)), to: plusOneHour(at(3.5)) }), (m) => m.occurredAt >= at(1) && m.occurredAt < at(3.5)],
      ['from/to as bare dates', () => ({ from: T0_DAY, to: T0_NEXT_DAY }), (m) => m.occurredAt >= at(-12) && m.occurredAt < at(12)],
      [
        'status + agentId + window',
        () => ({ status: 'completed', agentId: otherAgent, from: at(0).toISOString(), to: at(3).toISOString() }),
        (m) => m.status === 'completed' && m.agentId === otherAgent && m.occurredAt >= at(0) && m.occurredAt < at(3),
      ],
      ['status + outcome', () => ({ status: 'completed', outcome: 'connected' }), (m) => m.status === 'completed' && m.outcome === 'connected'],
      [
        'from = now − 24 h: only the recent lifecycle call',
        () => ({ from: new Date(Date.now() - 86_400_000).toISOString() }),
        (m) => m.occurredAt.getTime() > Date.now() - 86_400_000,
      ],
    ];

    it.each(CASES)('%s', async (name, query, predicate) => {
      const res = await get(`/api/v1/calls?${new URLSearchParams({ ...query(), limit: '200' })}`, A.adminApiKey);
      expect(res.status).toBe(200);
      const expected = modelA
        .filter(predicate)
        .sort(newestFirst)
        .map((m) => m.callId);
      // A row may only expect nothing when it says so: an empty list equal to an empty list proves nothing.
      if (!name.includes('(none')) expect(expected).not.toEqual([]);
      expect(res.json().data.map((c: { callId: string }) => c.callId)).toEqual(expected);
      expect(res.json().nextCursor).toBeNull();
    });

    it('from = now − 24 h answers exactly the lifecycle call recorded in this run', async () => {
      const res = await get(`/api/v1/calls?from=${new Date(Date.now() - 86_400_000).toISOString()}`, A.adminApiKey);
      expect(res.json().data.map((c: { callId: string }) => c.callId)).toEqual([lifeA.callId]);
    });

    it('defaults to 50 per page and newest first', async () => {
      const body = (await get('/api/v1/calls', A.adminApiKey)).json();
      expect(body.data.map((c: { callId: string }) => c.callId)).toEqual([...modelA].sort(newestFirst).map((m) => m.callId));
      expect(body.data[0].callId).toBe(lifeA.callId); // the lifecycle call started ~90 s ago
    });
  });

  describe('GET /api/v1/calls pagination', () => {
    it.each([1, 2, 3, 4, 8, 9, 10, 200])('limit %i: every call exactly once, newest first, nextCursor null on the last page', async (limit) => {
      const expected = [...modelA].sort(newestFirst).map((m) => m.callId);
      expect(expected.length).toBeGreaterThanOrEqual(5);
      const { ids, pages } = await walk(A.adminApiKey, {}, limit);
      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
    });

    it('limit 2 with a filter (status=completed) pages through the filtered set only', async () => {
      const expected = modelA
        .filter((m) => m.status === 'completed')
        .sort(newestFirst)
        .map((m) => m.callId);
      expect(expected.length).toBeGreaterThanOrEqual(5);
      const { ids, pages } = await walk(A.adminApiKey, { status: 'completed' }, 2);
      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 2));
    });

    it('is stable when a newer call arrives mid-walk (keyset, not offset)', async () => {
      const first = (await get('/api/v1/calls?limit=2', A.adminApiKey)).json();
      // Newer than every call of the walk, the lifecycle call (~90 s ago) included.
      const late = await insertCall(A, { status: 'completed', outcome: 'connected', agentId: A.agentId, hours: (Date.now() - T0) / HOUR + 1 });
      try {
        const ids = first.data.map((c: { callId: string }) => c.callId);
        let cursor: string | null = first.nextCursor;
        while (cursor) {
          const page = (await get(`/api/v1/calls?limit=2&cursor=${cursor}`, A.adminApiKey)).json();
          ids.push(...page.data.map((c: { callId: string }) => c.callId));
          cursor = page.nextCursor;
        }
        expect(ids).toEqual([...modelA].sort(newestFirst).map((m) => m.callId));
        expect(ids).not.toContain(late.retellCallId);
      } finally {
        await prisma.call.delete({ where: { id: late.id } });
      }
    });
  });

  // ─────────────────────────── 5. validation ───────────────────────────
  describe('query validation → 400 with a message naming the problem', () => {
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
    const CASES: Array<[string, string, RegExp]> = [
      ['unknown parameter', 'foo=1', /property foo should not exist/],
      ['unknown parameter next to valid ones', 'status=completed&page=2', /property page should not exist/],
      ['status not in the enum', 'status=done', /status must be one of/],
      ['status in the wrong case', 'status=COMPLETED', /status must be one of/],
      ['status given twice', 'status=completed&status=failed', /status must be one of/],
      ['empty status', 'status=', /status must be one of/],
      ['outcome not in the enum', 'outcome=great', /outcome must be one of/],
      ['agentId too long', `agentId=${'a'.repeat(257)}`, /agentId must be shorter than or equal to 256/],
      ['limit 0', 'limit=0', /limit must not be less than 1/],
      ['limit -1', 'limit=-1', /limit must not be less than 1/],
      ['limit 201', 'limit=201', /limit must not be greater than 200/],
      ['limit abc', 'limit=abc', /limit must be an integer/],
      ['limit 1.5', 'limit=1.5', /limit must be an integer/],
      ['from not ISO 8601', 'from=yesterday', /from must be .*ISO 8601/],
      ['from an epoch number', 'from=1709294400000', /from must be .*ISO 8601/],
      ['from a US date', 'from=03/01/2024', /from must be .*ISO 8601/],
      ['to with hour 25', 'to=2024-03-01T25:00:00Z', /to must be .*ISO 8601/],
      // ISO 8601 forms new Date() cannot read: they once reached Prisma as Invalid Date (500), fixed in cc629d0
      ['from an ISO week date', 'from=2024-W10', /from must be .*ISO 8601/],
      ['from in ISO basic format', 'from=20240301', /from must be .*ISO 8601/],
      ['to as a basic format date-time', 'to=20240301T120000Z', /to must be .*ISO 8601/],
      ['to with a comma decimal fraction', 'to=2024-03-01T12:00:00,5Z', /to must be .*ISO 8601/],
      ['from after to', `from=${at(2).toISOString()}&to=${at(1).toISOString()}`, /from must be before to/],
      ['from equal to to', `from=${at(1).toISOString()}&to=${at(1).toISOString()}`, /from must be before to/],
      ['cursor garbage', 'cursor=not-a-cursor', /cursor is not one this API issued/],
      ['cursor: base64 of nonsense', `cursor=${b64('hello|world')}`, /cursor is not one this API issued/],
      ['cursor: a bare call id', `cursor=${encodeURIComponent(sharedCallId)}`, /cursor is not one this API issued/],
      ['cursor: right shape, bad date', `cursor=${b64('2024-13-01T00:00:00.000Z|3f2b8c1e-9a7d-4e6f-8b5a-1c2d3e4f5a6b')}`, /cursor is not one this API issued/],
      [
        'cursor: SQL after the uuid',
        `cursor=${b64("2024-03-01T00:00:00.000Z|3f2b8c1e-9a7d-4e6f-8b5a-1c2d3e4f5a6b' OR 1=1 --")}`,
        /cursor is not one this API issued/,
      ],
      ['cursor too long', `cursor=${'A'.repeat(201)}`, /cursor must be shorter than or equal to 200/],
      ['empty cursor', 'cursor=', /cursor is not one this API issued/],
    ];

    it.each(CASES)('%s', async (_name, qs, message) => {
      const res = await get(`/api/v1/calls?${qs}`, A.adminApiKey);
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400 });
      expect(messageOf(res)).toMatch(message);
    });

    // Date.parse() rolls an impossible calendar day over into the next month; these must be refused.
    const IMPOSSIBLE_DATES: Array<[string, string, RegExp]> = [
      ['to: 30 February', 'to=2024-02-30', /to must be .*ISO 8601/],
      ['from: 29 February of a common year', 'from=2023-02-29', /from must be .*ISO 8601/],
      ['from: 31 April, with a time', 'from=2024-04-31T10:00:00Z', /from must be .*ISO 8601/],
    ];
    it.each(IMPOSSIBLE_DATES)('%s → 400, not rolled over', async (_name, qs, message) => {
      const res = await get(`/api/v1/calls?${qs}`, A.adminApiKey);
      expect({ status: res.status, message: messageOf(res) }).toEqual({ status: 400, message: expect.stringMatching(message) });
    });
  });

  // ──────────────────────────── 6. secrets ────────────────────────────
  describe('secrets', () => {
    it('stores the tenant’s Retell API key sealed, and it decrypts to the plaintext', async () => {
      const t = await prisma.tenant.findUniqueOrThrow({ where: { id: A.tenantId } });
      expect(t.retellApiKeyEnc).not.toContain(A.retellApiKey);
      expect(t.retellApiKeyEnc).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(new SecretBox(env.ENCRYPTION_KEY).decrypt(t.retellApiKeyEnc)).toBe(A.retellApiKey);
      // the API key is stored as a hash only
      const keys = await prisma.apiKey.findMany({ where: { tenantId: A.tenantId } });
      expect(keys.some((k) => k.keyHash === hashApiKey(A.adminApiKey))).toBe(true);
      expect(JSON.stringify(keys)).not.toContain(A.adminApiKey);
    });

    it('no route ever returns the Retell key (plain or sealed) or the admin key', async () => {
      const sealed = (await prisma.tenant.findUniqueOrThrow({ where: { id: A.tenantId } })).retellApiKeyEnc;
      const answers: Array<[string, Answer]> = [
        ['GET /api/v1/tenant', await get('/api/v1/tenant', A.adminApiKey)],
        ['GET /api/v1/agents', await get('/api/v1/agents', A.adminApiKey)],
        ['POST /api/v1/agents (400)', await post('/api/v1/agents', { retellAgentId: 'x', retellApiKey: A.retellApiKey }, A.adminApiKey)],
        ['GET /api/v1/calls', await get('/api/v1/calls?limit=200', A.adminApiKey)],
        ['GET /api/v1/calls (400)', await get('/api/v1/calls?status=nope', A.adminApiKey)],
        ['GET /api/v1/calls/:id', await get(`/api/v1/calls/${lifeA.callId}`, A.adminApiKey)],
        ['GET /api/v1/calls/:id (404)', await get('/api/v1/calls/nope', A.adminApiKey)],
        ['GET /api/docs/openapi.json', await get('/api/docs/openapi.json')],
        ['GET /api/docs', await get('/api/docs')],
        ['GET /health', await get('/health')],
        ['GET /ready', await get('/ready')],
      ];
      for (const [route, res] of answers) {
        expect({ route, answered: res.status < 500 }).toEqual({ route, answered: true });
        for (const secret of [A.retellApiKey, sealed, A.adminApiKey, hashApiKey(A.adminApiKey)]) {
          if (res.text.includes(secret)) throw new Error(`${route} leaks a secret in its body`);
        }
      }
    });

    it('GET /api/v1/tenant says a key is stored, without it', async () => {
      const res = await get('/api/v1/tenant', A.adminApiKey);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({
        id: A.tenantId,
        name: expect.stringContaining('api-a'),
        slug: A.slug,
        defaultAgentId: A.agentId,
        defaultFromNumber: null,
        retellBaseUrl: null,
        hasRetellApiKey: true,
        // the key's last 4 characters only, as the operator's view shows them (the Settings page tells keys apart by them)
        retellApiKeyLast4: A.retellApiKey.slice(-4),
        previousRetellKeyUntil: null,
        timeZone: null,
        callingWindow: null,
        active: true,
        relay: { enabled: false, path: `/webhooks/relay/${A.slug}`, previousSecretUntil: null },
        tools: [
          { name: 'get_candidate', aliases: ['get_customer_info'], enabled: true },
          { name: 'check_interview_slots', aliases: ['check_availability'], enabled: true },
          { name: 'book_interview', aliases: ['book_appointment'], enabled: true },
        ],
      });
      expect(res.text).not.toContain(A.retellApiKey);
    });
  });

  // ──────────────────────────── 7. agents ────────────────────────────
  describe('agents', () => {
    // Connecting asks Retell first: connect, 409, 422 and 503 are in agents-api.test.ts (with the simulator).
    it.each([
      ['an unknown field', () => ({ retellAgentId: `agent_${randomBytes(4).toString('hex')}`, tenantId: B.tenantId }), /property tenantId should not exist/],
      ['no retellAgentId', () => ({ name: 'x' }), /retellAgentId/],
      ['an empty retellAgentId', () => ({ retellAgentId: '' }), /retellAgentId should not be empty/],
      ['a numeric retellAgentId', () => ({ retellAgentId: 42 }), /retellAgentId must be a string/],
      ['a retellAgentId over 256 chars', () => ({ retellAgentId: 'a'.repeat(257) }), /retellAgentId must be shorter than or equal to 256/],
      [
        'a name over 200 chars',
        () => ({ retellAgentId: `agent_${randomBytes(4).toString('hex')}`, name: 'n'.repeat(201) }),
        /name must be shorter than or equal to 200/,
      ],
    ])('a body with %s → 400, nothing stored', async (_name, body, message) => {
      const before = await prisma.agent.count({ where: { tenantId: A.tenantId } });
      const res = await post('/api/v1/agents', body(), A.adminApiKey);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toMatch(message);
      expect(await prisma.agent.count({ where: { tenantId: A.tenantId } })).toBe(before);
    });

    it('a viewer key cannot register agents (403)', async () => {
      const token = newApiKeyToken();
      await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(token), role: 'viewer' } });
      const id = `agent_view_${randomBytes(4).toString('hex')}`;
      const res = await post('/api/v1/agents', { retellAgentId: id }, token);
      expect(res.status).toBe(403);
      expect(messageOf(res)).toMatch(/viewer role may not/);
      expect(await prisma.agent.findUnique({ where: { retellAgentId: id } })).toBeNull();
      expect((await get('/api/v1/agents', token)).status).toBe(200); // but may read
    });
  });

  // ──────────────────────────── 8. OpenAPI ────────────────────────────
  describe('OpenAPI', () => {
    it('lists the call routes with bearer security and their query parameters', async () => {
      const res = await get('/api/docs/openapi.json');
      expect(res.status).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      for (const path of ['/api/v1/calls', '/api/v1/calls/{callId}', '/api/v1/tenant', '/api/v1/agents']) {
        expect(doc.paths[path]?.get?.security).toEqual([{ bearer: [] }]);
      }
      expect(doc.paths['/api/v1/agents'].post.security).toEqual([{ bearer: [] }]);
      expect(doc.paths['/api/v1/calls/{callId}'].get.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'callId', in: 'path' })]));
      const query = doc.paths['/api/v1/calls'].get.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
      expect(query.sort()).toEqual(['agentId', 'batchId', 'cursor', 'from', 'limit', 'outcome', 'phone', 'q', 'status', 'to']);
      expect(doc.paths['/health']).toBeUndefined();
      expect(doc.paths['/ready']).toBeUndefined();
    });

    it('GET /api/docs answers 200 HTML', async () => {
      const res = await get('/api/docs');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.text).toMatch(/<html/i);
    });
  });
});

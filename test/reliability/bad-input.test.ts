import { randomBytes } from 'node:crypto';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId, type LifecycleEvent } from '@retell-ops/queue';
import { getJson, postRaw, postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { rawRequest } from '../support/raw-http';
import { allJobs, closeQueues, lifecycleQueues } from '../support/reliability';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The catalogue of what a webhook endpoint on the internet receives besides clean deliveries.
 * Each row: a name, how the request is made, the status the gateway must answer, and its side
 * effect — none (no job in any lifecycle queue, no Call / CallEvent for that call id, no job at
 * all) unless the row says the delivery is legitimately accepted. A gateway and a call worker run
 * the whole time, so anything wrongly accepted would also reach PostgreSQL.
 */
const BODY_LIMIT = 128 * 1024;
const DEPTH = 10_000;

interface Answer {
  status: number;
  text: string;
}

interface Row {
  name: string;
  /** makes the request for a fresh call id */
  send: (callId: string) => Promise<Answer>;
  status: number;
  /** what the answer's JSON must contain, when it has one */
  body?: Record<string, unknown>;
  /** 'accepted': exactly one job and, once the worker ran, one Call and one CallEvent; default: nothing at all */
  effect?: 'none' | 'accepted';
  /** the call id the request names (default: the fresh one handed to `send`) */
  namedCallId?: (callId: string) => string;
  /** for an accepted row: what its Call row must hold once recorded */
  call?: Record<string, unknown>;
  /** a value the caller sent that the answer must not contain */
  notEchoed?: string;
}

describe('bad-input catalogue: status and no side effect', () => {
  // LOG_LEVEL fatal: the rows provoke warnings by design (and a stack overflow's 10,000-frame trace).
  const env = testEnv({ WEBHOOK_BODY_LIMIT_BYTES: String(BODY_LIMIT), LOG_LEVEL: 'fatal' });
  let prisma: PrismaClient;
  let pipeline: InProcessPipeline;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  const queues = lifecycleQueues(env.REDIS_URL, env.QUEUE_PREFIX);
  const acceptedCallIds: string[] = [];
  /** call ids of rows that did not get their expected status (reported by their own row) */
  const misbehaved = new Set<string>();

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'bad-a');
    B = await createTestTenant(prisma, env, 'bad-b');
    pipeline = await startPipeline(env);
    base = pipeline.gatewayUrl;
  });

  afterAll(async () => {
    await pipeline.stop();
    await closeQueues(queues);
    await prisma.$disconnect();
  });

  const slugUrl = () => `${base}/webhooks/retell/${A.slug}`;
  const agentUrl = () => `${base}/webhooks/retell`;
  /** A clean call_ended body of tenant A for `callId`, optionally with `call` fields changed. */
  const ended = (callId: string, call: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => {
    const e = lifecycle(A.agentId, callId).call_ended;
    return { ...e, ...top, call: { ...e.call, ...call } };
  };
  const json = (v: unknown) => JSON.stringify(v);
  const sign = (body: string | Buffer, key = A.retellApiKey, ts = Date.now()) =>
    symmetric.sign(typeof body === 'string' ? body : body.toString('utf8'), key, ts);
  const signedRaw = async (callId: string, headers: (sig: string) => Array<[string, string]>, opts: { method?: string; path?: string; body?: string } = {}) => {
    const body = opts.body ?? json(ended(callId));
    return rawRequest(slugUrl(), { method: opts.method ?? 'POST', path: opts.path, body, headers: headers(await sign(body)) });
  };
  /** A valid body with `call.<key>` replaced by `value`. */
  const wrongType = (key: string, value: unknown, status = 400): Row => ({
    name: `wrong type: call.${key} = ${json(value)}`,
    send: (id) => postSigned(slugUrl(), json(ended(id, { [key]: value })), A.retellApiKey),
    status,
    body: { error: 'bad_request', reason: expect.stringContaining(key) },
  });
  const nestedArrays = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
  const nestedObjects = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
  const BAD = { error: 'bad_request' };
  const UNAUTHORIZED = { error: 'unauthorized' };

  const rows: Row[] = [
    // Bodies that are not a call event at all (signed, so only the content is wrong).
    { name: 'empty body', send: () => postSigned(slugUrl(), '', A.retellApiKey), status: 400, body: { ...BAD, reason: 'body is empty' } },
    {
      name: 'not JSON',
      send: (id) => postSigned(slugUrl(), json(ended(id)).slice(0, -7), A.retellApiKey),
      status: 400,
      body: { ...BAD, reason: 'body is not valid JSON' },
    },
    { name: 'JSON array', send: (id) => postSigned(slugUrl(), json([ended(id)]), A.retellApiKey), status: 400, body: BAD },
    { name: 'JSON string', send: (id) => postSigned(slugUrl(), json(json(ended(id))), A.retellApiKey), status: 400, body: BAD },
    { name: 'JSON number', send: () => postSigned(slugUrl(), '42', A.retellApiKey), status: 400, body: BAD },
    { name: 'JSON null', send: () => postSigned(slugUrl(), 'null', A.retellApiKey), status: 400, body: BAD },
    { name: 'JSON true', send: () => postSigned(slugUrl(), 'true', A.retellApiKey), status: 400, body: BAD },
    // A byte-order mark is part of the bytes received: signed over it → verified but not JSON; prepended → not what was signed.
    {
      name: 'UTF-8 byte-order mark before the JSON, signed over the exact bytes',
      send: (id) => postSigned(slugUrl(), `\uFEFF${json(ended(id))}`, A.retellApiKey),
      status: 400,
      body: BAD,
    },
    {
      name: 'UTF-8 byte-order mark prepended to a body signed without it',
      send: async (id) => {
        const body = json(ended(id));
        return postRaw(slugUrl(), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]), { 'x-retell-signature': await sign(body) });
      },
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: `oversized (WEBHOOK_BODY_LIMIT_BYTES + 1 = ${BODY_LIMIT + 1} bytes)`,
      send: (id) => {
        const e = ended(id);
        const pad = BODY_LIMIT + 1 - Buffer.byteLength(json({ ...e, call: { ...e.call, transcript: '' } }));
        return postSigned(slugUrl(), json({ ...e, call: { ...e.call, transcript: 'x'.repeat(pad) } }), A.retellApiKey);
      },
      status: 413,
    },
    { name: `deeply nested arrays (${DEPTH} levels)`, send: () => postSigned(slugUrl(), nestedArrays, A.retellApiKey), status: 400, body: BAD },
    { name: `deeply nested objects (${DEPTH} levels)`, send: () => postSigned(slugUrl(), nestedObjects, A.retellApiKey), status: 400, body: BAD },
    // No agent_id names a tenant and several tenants exist: no key is tried, nothing is parsed twice.
    {
      name: `deeply nested arrays, agent route (${DEPTH} levels)`,
      send: () => postSigned(agentUrl(), nestedArrays, A.retellApiKey),
      status: 404,
      body: { error: 'not_found' },
    },
    // Nesting far beyond anything Retell sends is refused before any recursive reader sees it.
    {
      name: `deeply nested call.call_analysis (${DEPTH} levels) in an otherwise valid call_ended`,
      send: (id) => postSigned(slugUrl(), json(ended(id)).replace(/}$/, '').replace(/}$/, `,"call_analysis":${nestedObjects}}}`), A.retellApiKey),
      status: 400,
      body: BAD,
    },
    // Also where the envelope check does not look: accepting it would lose it (nothing downstream could store it).
    {
      name: `deeply nested call.metadata (${DEPTH} levels) in an otherwise valid call_ended`,
      send: (id) => postSigned(slugUrl(), json(ended(id)).replace(/}$/, '').replace(/}$/, `,"metadata":${nestedObjects}}}`), A.retellApiKey),
      status: 400,
      body: BAD,
    },
    // Each key field with the wrong type.
    {
      name: 'wrong type: event = 42',
      send: (id) => postSigned(slugUrl(), json(ended(id, {}, { event: 42 })), A.retellApiKey),
      status: 400,
      body: { ...BAD, reason: expect.stringContaining('event') },
    },
    {
      name: 'wrong type: call = "call_x" (a string)',
      send: (id) => postSigned(slugUrl(), json({ event: 'call_ended', call: id }), A.retellApiKey),
      status: 400,
      body: { ...BAD, reason: expect.stringContaining('call') },
    },
    {
      name: 'wrong type: call = [ … ] (an array)',
      send: (id) => postSigned(slugUrl(), json({ event: 'call_ended', call: [ended(id).call] }), A.retellApiKey),
      status: 400,
      body: BAD,
    },
    { name: 'wrong type: call = null', send: () => postSigned(slugUrl(), json({ event: 'call_ended', call: null }), A.retellApiKey), status: 400, body: BAD },
    {
      name: 'wrong type: call.call_id = 987654321 (a number)',
      send: (id) => postSigned(slugUrl(), json(ended(id, { call_id: Number(id.replace(/\D/g, '').slice(0, 12)) })), A.retellApiKey),
      namedCallId: (id) => id.replace(/\D/g, '').slice(0, 12).replace(/^0+/, ''),
      status: 400,
      body: { ...BAD, reason: expect.stringContaining('call_id') },
    },
    wrongType('agent_id', 42),
    wrongType('call_status', 3),
    wrongType('call_status', { value: 'ended' }),
    wrongType('call_status', 's'.repeat(65)),
    wrongType('start_timestamp', 'yesterday'),
    wrongType('start_timestamp', -5),
    wrongType('end_timestamp', '2026-03-10T14:01:15Z'),
    wrongType('end_timestamp', 1773151275000.5),
    wrongType('duration_ms', '75000'),
    wrongType('duration_ms', -1),
    wrongType('direction', 1),
    wrongType('direction', 'sideways'),
    wrongType('call_analysis', 'great call'),
    wrongType('call_analysis', ['great call']),
    wrongType('transcript', { text: 'hi' }),
    {
      name: 'wrong type: event_timestamp = "now"',
      send: (id) => postSigned(slugUrl(), json(ended(id, {}, { event_timestamp: 'now' })), A.retellApiKey),
      status: 400,
      body: BAD,
    },
    // Event names.
    {
      name: 'unknown event name (fixed reason, the name not echoed)',
      send: (id) => postSigned(slugUrl(), json(ended(id, {}, { event: 'call_exploded' })), A.retellApiKey),
      status: 400,
      body: { ...BAD, reason: expect.stringContaining('unknown event') },
      notEchoed: 'call_exploded',
    },
    {
      name: 'dot-style event name (call.ended)',
      send: (id) => postSigned(slugUrl(), json(ended(id, {}, { event: 'call.ended' })), A.retellApiKey),
      status: 400,
      body: BAD,
    },
    {
      name: 'event name in another case (CALL_ENDED)',
      send: (id) => postSigned(slugUrl(), json(ended(id, {}, { event: 'CALL_ENDED' })), A.retellApiKey),
      status: 400,
      body: BAD,
    },
    { name: 'event missing', send: (id) => postSigned(slugUrl(), json({ call: ended(id).call }), A.retellApiKey), status: 400, body: BAD },
    // call_id.
    {
      name: 'call_id missing',
      send: (id) => {
        const { call_id: _drop, ...call } = ended(id).call;
        return postSigned(slugUrl(), json({ event: 'call_ended', call }), A.retellApiKey);
      },
      status: 400,
      body: { ...BAD, reason: expect.stringContaining('call_id') },
    },
    {
      name: 'call_id empty',
      send: (id) => postSigned(slugUrl(), json(ended(id, { call_id: '' })), A.retellApiKey),
      namedCallId: () => '',
      status: 400,
      body: BAD,
    },
    {
      name: 'call_id of 257 characters',
      send: (id) => postSigned(slugUrl(), json(ended(id, { call_id: `${id}_${'x'.repeat(256 - id.length)}` })), A.retellApiKey),
      namedCallId: (id) => `${id}_${'x'.repeat(256 - id.length)}`,
      status: 400,
      body: BAD,
    },
    {
      name: 'invalid UTF-8 inside a string',
      send: (id) => {
        const [head, tail] = json(ended(id)).split('Hola');
        return postSigned(slugUrl(), Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`Hola${tail}`)]), A.retellApiKey);
      },
      status: 400,
      body: { ...BAD, reason: expect.stringMatching(/UTF-8/) },
    },
    // The signature header: names are case-insensitive, values are exact.
    {
      name: 'header name X-Retell-Signature (any case is the same header) → accepted',
      send: (id) =>
        signedRaw(id, (sig) => [
          ['Content-Type', 'application/json'],
          ['X-Retell-Signature', sig],
        ]),
      status: 204,
      effect: 'accepted',
    },
    {
      name: 'header name X-RETELL-SIGNATURE, extra spaces around the value → accepted (HTTP trims them)',
      send: (id) =>
        signedRaw(id, (sig) => [
          ['content-type', 'application/json'],
          ['X-RETELL-SIGNATURE', `   ${sig}  `],
        ]),
      status: 204,
      effect: 'accepted',
    },
    {
      name: 'signature value with a space after the comma',
      send: (id) => signedRaw(id, (sig) => [['x-retell-signature', sig.replace(',', ', ')]]),
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'signature value with spaces around =',
      send: (id) => signedRaw(id, (sig) => [['x-retell-signature', sig.replace('v=', 'v = ')]]),
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'signature with V= in upper case',
      send: (id) => signedRaw(id, (sig) => [['x-retell-signature', sig.replace('v=', 'V=')]]),
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'signature digest in upper-case hex',
      send: (id) => signedRaw(id, (sig) => [['x-retell-signature', sig.replace(/d=(\w+)/, (_m, d: string) => `d=${d.toUpperCase()}`)]]),
      status: 401,
      body: UNAUTHORIZED,
    },
    { name: 'signature as v=…; d=…', send: (id) => signedRaw(id, (sig) => [['x-retell-signature', sig.replace(',', '; ')]]), status: 401, body: UNAUTHORIZED },
    {
      name: 'signature with parts swapped (d=…,v=…)',
      send: (id) => signedRaw(id, (sig) => [['x-retell-signature', sig.split(',').reverse().join(',')]]),
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'two x-retell-signature headers (both valid)',
      send: (id) =>
        signedRaw(id, (sig) => [
          ['x-retell-signature', sig],
          ['X-Retell-Signature', sig],
        ]),
      status: 401,
      body: UNAUTHORIZED,
    },
    { name: 'no signature header', send: (id) => postRaw(slugUrl(), json(ended(id))), status: 401, body: UNAUTHORIZED },
    {
      name: 'timestamp in seconds',
      send: (id) => postSigned(slugUrl(), json(ended(id)), A.retellApiKey, { timestamp: Math.floor(Date.now() / 1000) }),
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'an old valid delivery replayed outside the ±5 min window',
      send: async (id) => {
        const body = json(ended(id));
        const captured = await sign(body, A.retellApiKey, Date.now() - 5 * 60_000 - 20_000); // as signed and sent 5 min 20 s ago
        return postRaw(slugUrl(), body, { 'x-retell-signature': captured });
      },
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: "signed with another tenant's key (slug route)",
      send: (id) => postSigned(slugUrl(), json(ended(id)), B.retellApiKey),
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: "signed with another tenant's key (agent route, A's agent)",
      send: (id) => postSigned(agentUrl(), json(ended(id)), B.retellApiKey),
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'signature over a different body',
      send: async (id) => {
        const sig = await sign(json(ended(id)));
        return postRaw(slugUrl(), json(ended(id, { disconnection_reason: 'agent_hangup' })), { 'x-retell-signature': sig });
      },
      status: 401,
      body: UNAUTHORIZED,
    },
    {
      name: 'signature over the same JSON re-serialised (different bytes)',
      send: async (id) => {
        const sig = await sign(json(ended(id)));
        return postRaw(slugUrl(), JSON.stringify(ended(id), null, 2), { 'x-retell-signature': sig });
      },
      status: 401,
      body: UNAUTHORIZED,
    },
    // Routing: fixed reasons, nothing the caller chose echoed.
    {
      name: 'unknown tenant slug',
      send: (id) => postSigned(`${base}/webhooks/retell/no-such-tenant-${id.slice(-6)}`, json(ended(id)), A.retellApiKey),
      status: 404,
      body: { error: 'not_found' },
      notEchoed: 'no-such-tenant',
    },
    {
      name: 'malformed tenant slug (dots, 200 characters)',
      send: (id) => postSigned(`${base}/webhooks/retell/${'x.'.repeat(100)}`, json(ended(id)), A.retellApiKey),
      status: 404,
      body: { error: 'not_found' },
      notEchoed: 'x.x.',
    },
    {
      name: 'agent route, agent no tenant owns, signed by no tenant',
      send: (id) => postSigned(agentUrl(), json({ ...ended(id), call: { ...ended(id).call, agent_id: 'agent_nobody_owns' } }), 'key_nobody_has_this'),
      status: 404,
      body: { error: 'not_found' },
      notEchoed: 'agent_nobody_owns',
    },
    {
      name: "agent route, agent no tenant owns, validly signed with A's key (two tenants: no fallback)",
      send: (id) => postSigned(agentUrl(), json({ ...ended(id), call: { ...ended(id).call, agent_id: 'agent_nobody_owns_either' } }), A.retellApiKey),
      status: 404,
      body: { error: 'not_found', reason: expect.stringContaining('register the agent') },
      notEchoed: 'agent_nobody_owns_either',
    },
    {
      name: 'agent route, agent_id of 4 KB (malformed: never looked up)',
      send: (id) => postSigned(agentUrl(), json({ ...ended(id), call: { ...ended(id).call, agent_id: `agent_${'z'.repeat(4096)}` } }), A.retellApiKey),
      status: 404,
      body: { error: 'not_found' },
      notEchoed: 'zzzz',
    },
    {
      name: 'agent route, agent_id with markup (malformed: never looked up)',
      send: (id) => postSigned(agentUrl(), json({ ...ended(id), call: { ...ended(id).call, agent_id: '<img src=x onerror=alert(1)>' } }), A.retellApiKey),
      status: 404,
      body: { error: 'not_found' },
      notEchoed: '<img',
    },
    // Refused before the body is read: a body over the limit gets 401, not 413.
    { name: 'no signature header, body over the limit', send: () => postRaw(slugUrl(), 'x'.repeat(BODY_LIMIT * 2)), status: 401, body: UNAUTHORIZED },
    // NUL: PostgreSQL cannot store it, so it is refused here instead of failing in the worker.
    {
      name: 'a NUL (\\u0000) in the transcript',
      send: (id) => postSigned(slugUrl(), json(ended(id, { transcript: 'Agent: hi\u0000there' })), A.retellApiKey),
      status: 400,
      body: { ...BAD, reason: expect.stringContaining('NUL') },
    },
    {
      name: 'a NUL (\\u0000) in a metadata key',
      send: (id) => postSigned(slugUrl(), json(ended(id, { metadata: { 'a\u0000b': 1 } })), A.retellApiKey),
      status: 400,
      body: { ...BAD, reason: expect.stringContaining('NUL') },
    },
    {
      name: 'an escaped backslash before u0000 (text, not a NUL) → accepted, kept as sent',
      send: (id) => postSigned(slugUrl(), json(ended(id, { transcript: 'C:\\u0000\\dir' })), A.retellApiKey),
      status: 204,
      effect: 'accepted',
      call: { transcript: 'C:\\u0000\\dir' },
    },
    // Values Retell adds later: accepted, kept raw, the status where the known values put it.
    {
      name: 'unknown call_status → accepted, kept raw, status not moved',
      send: (id) => postSigned(slugUrl(), json(ended(id, { call_status: 'a_status_added_later' })), A.retellApiKey),
      status: 204,
      effect: 'accepted',
      call: { retellStatus: 'a_status_added_later', disconnectionReason: 'user_hangup', status: 'queued', outcome: null },
    },
    {
      name: 'unknown disconnection_reason on an ended call → accepted, kept raw, completed',
      send: (id) => postSigned(slugUrl(), json(ended(id, { disconnection_reason: 'a_reason_added_later' })), A.retellApiKey),
      status: 204,
      effect: 'accepted',
      call: { retellStatus: 'ended', disconnectionReason: 'a_reason_added_later', status: 'completed', outcome: 'connected' },
    },
    {
      name: 'unknown disconnection_reason on a not_connected call → accepted, kept raw, failed',
      send: (id) => postSigned(slugUrl(), json(ended(id, { call_status: 'not_connected', disconnection_reason: 'a_reason_added_later' })), A.retellApiKey),
      status: 204,
      effect: 'accepted',
      call: { retellStatus: 'not_connected', disconnectionReason: 'a_reason_added_later', status: 'failed', outcome: 'dial_failed' },
    },
    // Methods other than POST on the webhook paths (Retell only POSTs).
    { name: 'GET /webhooks/retell (liveness for humans)', send: async () => getJson(agentUrl()), status: 200, body: { ok: true } },
    { name: 'GET /webhooks/retell/:slug', send: async () => getJson(slugUrl()), status: 404 },
    {
      name: 'PUT /webhooks/retell/:slug with a valid signed body',
      send: (id) =>
        signedRaw(
          id,
          (sig) => [
            ['content-type', 'application/json'],
            ['x-retell-signature', sig],
          ],
          { method: 'PUT' },
        ),
      status: 404,
    },
    {
      name: 'PUT /webhooks/retell with a valid signed body',
      send: (id) =>
        signedRaw(
          id,
          (sig) => [
            ['content-type', 'application/json'],
            ['x-retell-signature', sig],
          ],
          { method: 'PUT', path: '/webhooks/retell' },
        ),
      status: 404,
    },
    { name: 'DELETE /webhooks/retell/:slug', send: (id) => signedRaw(id, (sig) => [['x-retell-signature', sig]], { method: 'DELETE', body: '' }), status: 404 },
    // Content types. Every body is read as raw bytes whatever its type (the signature covers the
    // bytes, and Retell always sends application/json), so a valid signed JSON body is accepted as is.
    {
      name: 'content-type text/plain with a valid signed JSON body → accepted (bytes are what is verified)',
      send: (id) =>
        signedRaw(id, (sig) => [
          ['content-type', 'text/plain; charset=utf-8'],
          ['x-retell-signature', sig],
        ]),
      status: 204,
      effect: 'accepted',
    },
    {
      name: 'content-type application/x-www-form-urlencoded with a valid signed JSON body → accepted',
      send: (id) =>
        signedRaw(id, (sig) => [
          ['content-type', 'application/x-www-form-urlencoded'],
          ['x-retell-signature', sig],
        ]),
      status: 204,
      effect: 'accepted',
    },
    // Events Retell sends that the platform does not keep.
    {
      name: 'chat_started (ignored: 200, nothing kept)',
      send: (id) => postSigned(slugUrl(), json(ended(id, {}, { event: 'chat_started' })), A.retellApiKey),
      status: 200,
      body: { ignored: true },
    },
    // Kept only as the call's live transcript in Redis: no job, no Call, no CallEvent.
    {
      name: 'transcript_updated (204, no job, nothing in PostgreSQL)',
      send: (id) => postSigned(slugUrl(), json(ended(id, { call_status: 'ongoing' }, { event: 'transcript_updated' })), A.retellApiKey),
      status: 204,
    },
  ];

  const jobsNaming = async (callId: string) => (await allJobs(queues)).filter((j) => j.data.callId === callId);
  const totalJobs = async () => (await allJobs(queues)).length;

  it.each(rows.map((r, i) => [r.name, r, i] as const))('%s', async (_name, row) => {
    const callId = `call_bad_${randomBytes(10).toString('hex')}`;
    const named = row.namedCallId ? row.namedCallId(callId) : callId;
    const jobsBefore = await totalJobs();
    const res = await row.send(callId);
    if (res.status !== row.status) misbehaved.add(named);

    expect(res.status).toBe(row.status);
    if (row.body) expect(JSON.parse(res.text)).toMatchObject(row.body);
    if (row.notEchoed) expect(res.text).not.toContain(row.notEchoed);
    if (res.status === 204) expect(res.text).toBe('');

    if (row.effect === 'accepted') {
      acceptedCallIds.push(callId);
      const jobs = await jobsNaming(callId);
      expect(jobs.map((j) => j.id)).toEqual([callEventJobId(A.tenantId, callId, 'call_ended' as LifecycleEvent)]);
      await waitFor(async () => (await prisma.callEvent.count({ where: { call: { retellCallId: callId }, processedAt: { not: null } } })) === 1, {
        what: `${callId} to be recorded`,
      });
      expect(await prisma.call.count({ where: { retellCallId: callId } })).toBe(1);
      if (row.call) expect(await prisma.call.findFirst({ where: { retellCallId: callId } })).toMatchObject(row.call);
    } else {
      // Nothing queued, for this call id or at all; nothing in PostgreSQL for this call id.
      expect(await jobsNaming(named)).toEqual([]);
      expect(await totalJobs()).toBe(jobsBefore);
      if (named) {
        expect(await prisma.call.count({ where: { retellCallId: named } })).toBe(0);
        expect(await prisma.callEvent.count({ where: { call: { retellCallId: named } } })).toBe(0);
      }
    }
    // Whatever it was sent, the gateway is still up.
    expect((await getJson(`${base}/health`)).status).toBe(200);
  });

  it('leaves the gateway healthy and the tenants with only what was legitimately accepted', async () => {
    expect((await getJson(`${base}/health`)).json()).toEqual({ status: 'ok' });
    expect((await getJson(`${base}/ready`)).status).toBe(200);
    // A clean delivery still goes through after the whole catalogue.
    const l = lifecycle(A.agentId);
    expect((await postSigned(slugUrl(), json(l.call_started), A.retellApiKey)).status).toBe(204);
    acceptedCallIds.push(l.callId);
    await waitFor(async () => (await prisma.callEvent.count({ where: { tenantId: A.tenantId, processedAt: { not: null } } })) === acceptedCallIds.length, {
      what: 'accepted rows to be recorded',
    });
    // Once no job of a well-behaved row waits, runs or retries, nothing more can be recorded.
    await waitFor(async () => (await allJobs(queues, ['delayed', 'waiting', 'active', 'prioritized'])).every((j) => misbehaved.has(j.data.callId)), {
      what: 'the queues to settle',
    });
    // Rows that already failed on their status are reported there, not counted again here; what
    // became of them is printed for the bug report.
    for (const j of (await allJobs(queues)).filter((job) => misbehaved.has(job.data.callId))) {
      console.log(
        `misbehaving row's job ${j.id}: state ${await j.getState()}, attempts ${j.attemptsMade}/${j.opts.attempts}, last error: ${j.failedReason ?? '-'}`,
      );
    }
    const calls = (await prisma.call.findMany({ where: { tenantId: { in: [A.tenantId, B.tenantId] } }, select: { retellCallId: true } })).filter(
      (c) => !misbehaved.has(c.retellCallId!),
    );
    expect(calls.map((c) => c.retellCallId).sort()).toEqual([...acceptedCallIds].sort());
    expect(await prisma.callEvent.count({ where: { tenantId: { in: [A.tenantId, B.tenantId] }, call: { retellCallId: { notIn: [...misbehaved] } } } })).toBe(
      acceptedCallIds.length,
    );
    const failed = (await allJobs(queues, ['failed'])).filter((j) => !misbehaved.has(j.data.callId));
    expect(failed.map((j) => `${j.id}: ${j.failedReason}`)).toEqual([]);
    const stillRetrying = (await allJobs(queues, ['delayed', 'waiting', 'active'])).filter((j) => !misbehaved.has(j.data.callId));
    expect(stillRetrying.map((j) => `${j.id}: ${j.failedReason}`)).toEqual([]);
  });
});

import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashApiKey, newApiKeyToken } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { SEED_CALL } from '@retell-ops/domain';
import { QueueProducers, QUEUES, type ReminderJob } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { agoIso, FUTURE_YEAR as Y } from '../support/dates';
import { testEnv } from '../support/test-env';

/**
 * Recruiting API (apps/api: candidates, positions, interviews) in-process against the real test
 * database and Redis: the recruiting guide's manual save end to end, CRUD and filters, validation,
 * pipeline moves, tenant isolation, roles, interview reschedule / cancel / .ics with reminders,
 * and the OpenAPI document.
 */

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  json: () => any;
}
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const messageOf = (res: Answer): string => [res.json().message].flat().join('; ');
const hex = () => randomBytes(5).toString('hex');

/** The seed call: the manual-save request body of a screening that booked an interview. */
const SEED_BODY = SEED_CALL;

/** A variation of the seed call: another call id, candidate and analysis. */
function callFor(candidateRef: string | undefined, custom: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const callId = `call_${hex()}`;
  return {
    ...SEED_BODY,
    call_id: callId,
    call_analysis: { ...SEED_BODY.call_analysis, custom_analysis_data: custom },
    metadata: { ...(candidateRef ? { candidate_id: candidateRef } : {}), recruiter: 'Emma Johnson' },
    ...extra,
  };
}

describe('recruiting API (candidates, positions, interviews)', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let app: NestFastifyApplication;
  let producers: QueueProducers;
  let base: string;
  let A: TestTenant;
  let B: TestTenant;
  let viewerKey: string;
  const tenantIds: string[] = [];

  async function request(method: Method, path: string, key: string | undefined, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
  }
  const get = (path: string, key = A.adminApiKey) => request('GET', path, key);
  const post = (path: string, body: unknown, key = A.adminApiKey) => request('POST', path, key, body);
  const patch = (path: string, body: unknown, key = A.adminApiKey) => request('PATCH', path, key, body);
  const del = (path: string, key = A.adminApiKey) => request('DELETE', path, key);

  async function createCandidate(body: Record<string, unknown>, key = A.adminApiKey): Promise<any> {
    const res = await post('/api/v1/candidates', body, key);
    expect({ status: res.status, body: res.json() }).toMatchObject({ status: 201 });
    return res.json();
  }

  /** The reminder jobs waiting in Redis for one interview. */
  async function remindersOf(interviewId: string): Promise<ReminderJob[]> {
    const jobs = await producers.queue(QUEUES.interviewReminders).getDelayed();
    return jobs.filter((j) => j?.data.interviewId === interviewId).map((j) => j.data);
  }

  beforeAll(async () => {
    app = await createApi(env, { bootstrapDefaultTenant: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    producers = new QueueProducers(env);
    A = await createTestTenant(prisma, env, 'recruit-a');
    tenantIds.push(A.tenantId);
    B = await createTestTenant(prisma, env, 'recruit-b');
    tenantIds.push(B.tenantId);
    viewerKey = newApiKeyToken();
    await prisma.apiKey.create({ data: { tenantId: A.tenantId, name: 'viewer', keyHash: hashApiKey(viewerKey), role: 'viewer' } });
  });

  afterAll(async () => {
    await app?.close();
    await producers
      ?.queue(QUEUES.interviewReminders)
      .obliterate({ force: true })
      .catch(() => undefined);
    await producers?.onModuleDestroy();
    if (tenantIds.length) await prisma.tenant.deleteMany({ where: { id: { in: tenantIds } } });
    await prisma?.$disconnect();
  });

  // ─────────────────── 1. the recruiting guide's manual save ───────────────────
  describe("the guide's example: POST /api/v1/candidates/199/retell-call-data", () => {
    let john: any;
    let first: any;

    it('creates candidate 199 (John Doe)', async () => {
      john = await createCandidate({ externalId: '199', firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com' });
      expect(john).toMatchObject({
        id: expect.stringMatching(UUID),
        externalId: '199',
        firstName: 'John',
        lastName: 'Doe',
        email: 'john.doe@example.com',
        status: 'new',
        callAttempts: 0,
      });
    });

    it('applies the call exactly as the webhook path would: candidate interviewing, screening fields, an interview at 2025-10-08T19:00Z New York', async () => {
      const res = await post('/api/v1/candidates/199/retell-call-data', SEED_BODY);
      expect(res.status).toBe(200);
      first = res.json();
      expect(first).toMatchObject({ success: true, message: 'Retell call data saved successfully', applied: true });
      expect(first.candidate).toMatchObject({
        id: john.id,
        externalId: '199',
        firstName: 'John',
        lastName: 'Doe',
        email: 'john.doe@example.com',
        status: 'interviewing',
        statusChangedAt: expect.stringMatching(ISO),
        interviewScheduled: true,
        scheduledDate: '2025-10-08',
        scheduledTime: '3:00 PM',
        scheduledTimezone: 'Eastern Time (ET)',
        scheduledDatetimeIso: '2025-10-08T15:00:00-04:00',
        callSummary: SEED_BODY.call_analysis.call_summary,
        sentiment: 'Positive',
        qualified: true,
        interestLevel: 'High',
        yearsExperience: 5,
        salaryExpectation: 120000,
        skills: ['Python', 'Django', 'AWS', 'Docker'],
        questionsAsked: ['What is the team size?', 'Is remote work supported?'],
        screeningOutcome: 'Interview Scheduled',
        unavailableDates: 'October 15-17 (vacation)',
        spokenTimeZone: 'Eastern Time',
        screeningIssues: null,
        callAttempts: 0,
        lastScreeningCallId: 'call_abc123xyz789',
        lastScreenedAt: '2024-01-01T00:10:00.000Z',
      });
      // The interview as agreed, though the date is past: it is what was agreed (no reminders for it).
      expect(first.interview).toEqual({
        id: expect.stringMatching(UUID),
        candidateId: john.id,
        status: 'scheduled',
        scheduledAt: '2025-10-08T19:00:00.000Z',
        timeZone: 'America/New_York',
        localTime: '2025-10-08T15:00:00-04:00',
        durationMinutes: 60,
        interviewer: 'Emma Johnson',
        rawDate: '2025-10-08',
        rawTime: '3:00 PM',
        rawZone: 'Eastern Time (ET)',
        rawIso: '2025-10-08T15:00:00-04:00',
        resolvedFrom: 'iso',
        reviewReason: null,
        sequence: 0,
        sourceCallId: 'call_abc123xyz789',
        cancelledAt: null,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(first.callbackTask).toBeUndefined();
      expect(await remindersOf(first.interview.id)).toEqual([]);

      const rows = await prisma.interview.findMany({ where: { tenantId: A.tenantId, candidateId: john.id } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ scheduledAt: new Date('2025-10-08T19:00:00.000Z'), timeZone: 'America/New_York' });
    });

    it('kept the call as a call_analyzed delivery, linked to the candidate (GET /calls/:id)', async () => {
      const events = await prisma.callEvent.findMany({ where: { tenantId: A.tenantId, call: { retellCallId: 'call_abc123xyz789' } } });
      expect(events.map((e) => e.type)).toEqual(['call_analyzed']);
      expect(events[0].payload).toEqual({ event: 'call_analyzed', call: SEED_BODY });
      const call = await get('/api/v1/calls/call_abc123xyz789');
      expect(call.status).toBe(200);
      expect(call.json()).toMatchObject({
        callId: 'call_abc123xyz789',
        candidateId: john.id,
        status: 'completed',
        retellStatus: 'ended',
        callType: 'phone_call',
        startedAt: '2024-01-01T00:00:00.000Z',
        endedAt: '2024-01-01T00:10:00.000Z',
        durationMs: 600000,
        recordingUrl: SEED_BODY.recording_url,
        publicLogUrl: SEED_BODY.public_log_url,
        summary: SEED_BODY.call_analysis.call_summary,
        sentiment: 'Positive',
        successful: true,
        inVoicemail: false,
        metadata: SEED_BODY.metadata,
      });
    });

    it('GET /candidates/199 shows the candidate with its call and interview', async () => {
      const res = await get('/api/v1/candidates/199');
      expect(res.status).toBe(200);
      const detail = res.json();
      expect(detail).toMatchObject({ ...first.candidate, updatedAt: expect.any(String) });
      expect(detail.calls.map((c: any) => c.callId)).toEqual(['call_abc123xyz789']);
      expect(detail.calls[0]).toMatchObject({ summary: SEED_BODY.call_analysis.call_summary, candidateId: john.id });
      expect(detail.interviews).toEqual([first.interview]);
      expect(detail.callbackTasks).toEqual([]);
      // by our id as well
      expect((await get(`/api/v1/candidates/${john.id}`)).json().id).toBe(john.id);
    });

    it('posting the same call again changes nothing: same candidate, one Interview, one CandidateScreening', async () => {
      const res = await post('/api/v1/candidates/199/retell-call-data', SEED_BODY);
      expect(res.status).toBe(200);
      const again = res.json();
      expect(again).toMatchObject({ success: true, applied: false });
      expect(again.candidate).toEqual(first.candidate);
      expect(again.interview).toEqual(first.interview);
      expect(await prisma.interview.count({ where: { tenantId: A.tenantId, candidateId: john.id } })).toBe(1);
      expect(await prisma.candidateScreening.count({ where: { tenantId: A.tenantId, candidateId: john.id } })).toBe(1);
      expect(await prisma.callEvent.count({ where: { tenantId: A.tenantId, call: { retellCallId: 'call_abc123xyz789' } } })).toBe(1);
    });

    it('the same call for another candidate → 409 (recorded for another, or named by metadata)', async () => {
      const jane = await createCandidate({ externalId: `jane-${hex()}`, firstName: 'Jane' });
      const res = await post(`/api/v1/candidates/${jane.id}/retell-call-data`, SEED_BODY);
      expect(res.status).toBe(409);
      expect(messageOf(res)).toMatch(/another candidate/);

      // a call without candidate_id in its metadata, saved for Jane, then posted for John
      const call = callFor(undefined, { outcome: 'Voicemail Left' });
      expect((await post(`/api/v1/candidates/${jane.id}/retell-call-data`, call)).status).toBe(200);
      const clash = await post('/api/v1/candidates/199/retell-call-data', call);
      expect(clash.status).toBe(409);
      expect(messageOf(clash)).toMatch(/already recorded for another candidate/);

      // a new call whose metadata names John, posted for Jane
      const named = await post(`/api/v1/candidates/${jane.id}/retell-call-data`, callFor('199', { outcome: 'Voicemail Left' }));
      expect(named.status).toBe(409);
      expect(messageOf(named)).toMatch(/metadata\.candidate_id/);
      expect(await prisma.candidateScreening.count({ where: { tenantId: A.tenantId, candidateId: jane.id } })).toBe(1);
    });

    it('an unknown candidate → 404, nothing recorded', async () => {
      const body = callFor(undefined, { outcome: 'Voicemail Left' });
      const res = await post('/api/v1/candidates/no-such-candidate/retell-call-data', body);
      expect(res.status).toBe(404);
      expect(messageOf(res)).toContain('no-such-candidate');
      expect(await prisma.call.count({ where: { tenantId: A.tenantId, retellCallId: body.call_id } })).toBe(0);
    });

    it('accepts a full get-call object (every Retell field), stores no access_token, keeps the cost', async () => {
      const c = await createCandidate({ firstName: 'Web', lastName: 'Caller' });
      const body = callFor(
        undefined,
        { outcome: 'Voicemail Left' },
        {
          agent_id: A.agentId,
          agent_version: 3,
          agent_name: 'Screening agent',
          agent_tag: null,
          call_type: 'web_call',
          direction: 'outbound',
          from_number: '+14155550100',
          to_number: '+14155550123',
          retell_llm_dynamic_variables: { first_name: 'Web' },
          collected_dynamic_variables: { picked: 'yes', n: 2 },
          disconnection_reason: 'voicemail_reached',
          transcript_with_tool_calls: [{ role: 'agent', content: 'Hi', words: [] }],
          scrubbed_transcript_with_tool_calls: [{ role: 'agent', content: 'Hi', words: [] }],
          recording_multi_channel_url: 'https://example.com/multi.wav',
          scrubbed_recording_url: 'https://example.com/scrubbed.wav',
          scrubbed_recording_multi_channel_url: 'https://example.com/scrubbed-multi.wav',
          knowledge_base_retrieved_contents_url: 'https://example.com/kb',
          latency: { e2e: { p50: 800, values: [700, 900] } },
          llm_token_usage: { average: 100, num_requests: 2, values: [90, 110] },
          call_cost: {
            combined_cost: 12.5,
            product_costs: [{ product: 'elevenlabs_tts', cost: 12.5 }],
            total_duration_seconds: 60,
            total_duration_unit_price: 0.2,
          },
          data_storage_setting: 'everything',
          opt_in_signed_url: false,
          custom_sip_headers: { 'X-Campaign': 'fall' },
          telephony_identifier: { twilio_call_sid: 'CA123' },
          transfer_destination: null,
          transfer_end_timestamp: 1704067700000,
          batch_call_id: 'batch_1',
          access_token: 'web_call_token_never_stored',
          call_analysis: { ...SEED_BODY.call_analysis, in_voicemail: true, call_successful: false, custom_analysis_data: { outcome: 'Voicemail Left' } },
        },
      );
      const res = await post(`/api/v1/candidates/${c.id}/retell-call-data`, body);
      expect({ status: res.status, body: res.json() }).toMatchObject({
        status: 200,
        body: { applied: true, candidate: { callAttempts: 1, status: 'new', screeningOutcome: 'Voicemail Left' } },
      });
      const call = await prisma.call.findUniqueOrThrow({
        where: { tenantId_retellCallId: { tenantId: A.tenantId, retellCallId: body.call_id } },
        include: { events: true },
      });
      expect(call).toMatchObject({ candidateId: c.id, agentId: A.agentId, agentVersion: 3, callType: 'web_call', inVoicemail: true });
      expect(Number(call.costCents)).toBe(12.5);
      expect(JSON.stringify(call.events)).not.toContain('web_call_token_never_stored');
      expect(JSON.stringify(call.events)).toContain('X-Campaign');
    });

    it('Not Interested rejects with the reason; Callback Requested books a callback task', async () => {
      const no = await createCandidate({ firstName: 'Nora' });
      const rejected = await post(
        `/api/v1/candidates/${no.id}/retell-call-data`,
        callFor(undefined, { outcome: 'Not Interested', rejection_reason: 'Took another offer', candidate_interest_level: 'Not Interested' }),
      );
      expect(rejected.status).toBe(200);
      expect(rejected.json().candidate).toMatchObject({ status: 'rejected', rejectionReason: 'Took another offer', interestLevel: 'Not Interested' });
      expect(rejected.json().interview).toBeUndefined();

      const cb = await createCandidate({ firstName: 'Carl', timeZone: 'America/Chicago' });
      const res = await post(
        `/api/v1/candidates/${cb.id}/retell-call-data`,
        callFor(undefined, { outcome: 'Callback Requested', scheduled_date: `${Y}-02-01`, scheduled_time: '9:30 AM', availability_preference: 'mornings' }),
      );
      expect(res.status).toBe(200);
      expect(res.json().candidate).toMatchObject({ status: 'screening', availabilityPreference: 'mornings' });
      expect(res.json().callbackTask).toMatchObject({
        candidateId: cb.id,
        status: 'pending',
        dueAt: `${Y}-02-01T15:30:00.000Z`,
        timeZone: 'America/Chicago',
        localTime: `${Y}-02-01T09:30:00-06:00`,
      });
      const detail = (await get(`/api/v1/candidates/${cb.id}`)).json();
      expect(detail.callbackTasks).toEqual([res.json().callbackTask]);
    });

    it.each([
      ['no call_id', () => ({ ...SEED_BODY, call_id: undefined }), /call_id/],
      ['an empty call_id', () => ({ ...SEED_BODY, call_id: '' }), /call_id should not be empty/],
      ['an unknown field', () => ({ ...SEED_BODY, call_id: `call_${hex()}`, tenant_id: 'x' }), /property tenant_id should not exist/],
      ['call_status off the list', () => ({ ...SEED_BODY, call_id: `call_${hex()}`, call_status: 'done' }), /call_status must be one of/],
      ['a string duration', () => ({ ...SEED_BODY, call_id: `call_${hex()}`, duration_ms: '600000' }), /duration_ms must be an integer/],
      [
        'call_analysis.call_successful as text',
        () => ({ ...SEED_BODY, call_id: `call_${hex()}`, call_analysis: { ...SEED_BODY.call_analysis, call_successful: 'yes' } }),
        /call_analysis\.call_successful must be a boolean/,
      ],
      ['call_analysis as a list', () => ({ ...SEED_BODY, call_id: `call_${hex()}`, call_analysis: [] }), /call_analysis must be an object/],
      ['transcript_object of strings', () => ({ ...SEED_BODY, call_id: `call_${hex()}`, transcript_object: ['hello'] }), /transcript_object/],
      [
        'dynamic variables that are not text',
        () => ({ ...SEED_BODY, call_id: `call_${hex()}`, retell_llm_dynamic_variables: { n: 1 } }),
        /retell_llm_dynamic_variables\.n must be a string \(got number\)/,
      ],
    ])('a body with %s → 400, nothing recorded', async (_name, body, message) => {
      const b = body() as { call_id?: string };
      const res = await post('/api/v1/candidates/199/retell-call-data', b);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toMatch(message);
      if (b.call_id) expect(await prisma.call.count({ where: { tenantId: A.tenantId, retellCallId: b.call_id } })).toBe(0);
    });
  });

  // ─────────────────────────── 2. positions ───────────────────────────
  describe('positions', () => {
    it('create, list, get, patch, title clash → 409, delete leaves candidates unlinked', async () => {
      const title = `Backend Engineer ${hex()}`;
      const created = await post('/api/v1/positions', { title, department: 'Engineering', location: 'Remote' });
      expect(created.status).toBe(201);
      const pos = created.json();
      expect(pos).toEqual({
        id: expect.stringMatching(UUID),
        title,
        department: 'Engineering',
        location: 'Remote',
        description: null,
        isOpen: true,
        candidateCount: 0,
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      const clash = await post('/api/v1/positions', { title });
      expect(clash.status).toBe(409);
      expect(messageOf(clash)).toMatch(/already exists/);
      // the same title in another tenant is fine
      expect((await post('/api/v1/positions', { title }, B.adminApiKey)).status).toBe(201);

      const other = (await post('/api/v1/positions', { title: `Data Analyst ${hex()}`, isOpen: false })).json();
      const list = (await get('/api/v1/positions')).json();
      expect(list.data.map((p: any) => p.id)).toEqual(expect.arrayContaining([pos.id, other.id]));
      expect((await get('/api/v1/positions?isOpen=false')).json().data.map((p: any) => p.id)).toEqual([other.id]);
      expect((await get(`/api/v1/positions?q=${encodeURIComponent(title.toUpperCase())}`)).json().data.map((p: any) => p.id)).toEqual([pos.id]);
      expect((await get(`/api/v1/positions/${pos.id}`)).json()).toEqual(pos);

      const renamed = await patch(`/api/v1/positions/${pos.id}`, { description: 'Builds APIs', location: null });
      expect(renamed.status).toBe(200);
      expect(renamed.json()).toMatchObject({ title, description: 'Builds APIs', location: null });
      const renameClash = await patch(`/api/v1/positions/${other.id}`, { title });
      expect(renameClash.status).toBe(409);

      // candidates linked by id, and by title text
      const byId = await createCandidate({ firstName: 'Pat', positionId: pos.id });
      expect(byId).toMatchObject({ positionId: pos.id, positionApplied: title, position: { id: pos.id, title } });
      const byText = await createCandidate({ firstName: 'Sam', positionApplied: title.toLowerCase() });
      expect(byText).toMatchObject({ positionId: pos.id, positionApplied: title.toLowerCase() });
      expect((await get(`/api/v1/positions/${pos.id}`)).json().candidateCount).toBe(2);

      const gone = await del(`/api/v1/positions/${pos.id}`);
      expect(gone.status).toBe(204);
      expect((await get(`/api/v1/positions/${pos.id}`)).status).toBe(404);
      const after = (await get(`/api/v1/candidates/${byId.id}`)).json();
      expect(after).toMatchObject({ positionId: null, position: null, positionApplied: title });
      expect((await del(`/api/v1/positions/${pos.id}`)).status).toBe(404);
    });

    it.each([
      ['no title', {}, /title/],
      ['a blank title', { title: '   ' }, /title should not be empty/],
      ['an unknown field', { title: 'X', salary: 1 }, /property salary should not exist/],
      ['isOpen as text', { title: 'X', isOpen: 'yes' }, /isOpen must be a boolean/],
    ])('POST /positions with %s → 400', async (_name, body, message) => {
      const res = await post('/api/v1/positions', body);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toMatch(message);
    });

    it('a malformed id → 404', async () => {
      expect((await get('/api/v1/positions/not-a-uuid')).status).toBe(404);
    });
  });

  // ─────────────────────────── 3. candidates ───────────────────────────
  describe('candidates: CRUD and filters', () => {
    const tag = hex();
    let pos: any;
    let c1: any;
    let c2: any;
    let c3: any;

    beforeAll(async () => {
      pos = (await post('/api/v1/positions', { title: `Filter Role ${tag}` })).json();
      c1 = await createCandidate({
        firstName: 'Alice',
        lastName: `Zed${tag}`,
        email: `alice.${tag}@example.com`,
        phone: '+14155550001',
        externalId: `ext-a-${tag}`,
        positionId: pos.id,
        timeZone: 'Europe/Berlin',
      });
      c2 = await createCandidate({
        firstName: 'Bob',
        lastName: `Zed${tag}`,
        email: `bob.${tag}@example.com`,
        phone: '+14155550002',
        externalId: `ext-b-${tag}`,
        positionApplied: `Night Shift ${tag}`,
      });
      c3 = await createCandidate({ firstName: 'Carol', lastName: `Zed${tag}`, phone: '+442071234567', externalId: `ext-c-${tag}`, positionId: pos.id });
      // Screening data as analysis would leave it; distinct creation instants so "newest first" is c3, c2, c1.
      const t = Date.now();
      await prisma.candidate.update({
        where: { id: c1.id },
        data: { qualified: true, interestLevel: 'High', status: 'screening', createdAt: new Date(t - 3000) },
      });
      await prisma.candidate.update({ where: { id: c2.id }, data: { qualified: false, interestLevel: 'Low', createdAt: new Date(t - 2000) } });
      await prisma.candidate.update({ where: { id: c3.id }, data: { qualified: true, interestLevel: 'Medium', createdAt: new Date(t - 1000) } });
    });

    const ids = async (qs: string) => {
      const res = await get(`/api/v1/candidates?${qs}`);
      expect(res.status).toBe(200);
      return res.json().data.map((c: any) => c.id);
    };

    it('filters: status, positionId, position text, qualified, interest, q', async () => {
      const q = `q=Zed${tag}`;
      expect(await ids(q)).toEqual([c3.id, c2.id, c1.id]); // newest first
      expect(await ids(`${q}&status=screening`)).toEqual([c1.id]);
      expect(await ids(`${q}&status=new`)).toEqual([c3.id, c2.id]);
      expect(await ids(`positionId=${pos.id}`)).toEqual([c3.id, c1.id]);
      expect(await ids(`position=${encodeURIComponent(`filter role ${tag}`)}`)).toEqual([c3.id, c1.id]);
      expect(await ids(`position=${encodeURIComponent(`NIGHT SHIFT ${tag}`)}`)).toEqual([c2.id]);
      expect(await ids(`${q}&qualified=true`)).toEqual([c3.id, c1.id]);
      expect(await ids(`${q}&qualified=false`)).toEqual([c2.id]);
      expect(await ids(`${q}&interest=High`)).toEqual([c1.id]);
      expect(await ids(`${q}&interest=Low`)).toEqual([c2.id]);
      expect(await ids(`q=${encodeURIComponent(`ALICE.${tag}@EXAMPLE`)}`)).toEqual([c1.id]);
      expect(await ids(`q=${encodeURIComponent(`bob zed${tag}`)}`)).toEqual([c2.id]);
      expect(await ids(`q=${encodeURIComponent('+44207123')}`)).toEqual([c3.id]);
      expect(await ids(`q=EXT-C-${tag}`)).toEqual([c3.id]);
      expect(await ids(`q=nobody${tag}`)).toEqual([]);
    });

    it('keyset pagination: every candidate once, newest first', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`/api/v1/candidates?q=Zed${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        const page: { data: Array<{ id: string }>; nextCursor: string | null } = res.json();
        seen.push(...page.data.map((c) => c.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual([c3.id, c2.id, c1.id]);
      expect(pages).toBe(2);
    });

    it('PATCH changes fields, null clears, by externalId too', async () => {
      const res = await patch(`/api/v1/candidates/ext-b-${tag}`, { email: null, timeZone: 'Asia/Tokyo', lastName: 'Builder', positionId: pos.id });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ id: c2.id, email: null, timeZone: 'Asia/Tokyo', lastName: 'Builder', positionId: pos.id, positionApplied: pos.title });
      const unlinked = await patch(`/api/v1/candidates/${c2.id}`, { positionId: null });
      expect(unlinked.json()).toMatchObject({ positionId: null, position: null });
    });

    it('status moves follow the pipeline for people; refused moves → 409 with the reason', async () => {
      const c = await createCandidate({ firstName: 'Mover' });
      expect((await patch(`/api/v1/candidates/${c.id}`, { status: 'screening' })).json()).toMatchObject({
        status: 'screening',
        statusChangedAt: expect.stringMatching(ISO),
      });
      const hire = await patch(`/api/v1/candidates/${c.id}`, { status: 'hired' });
      expect(hire.status).toBe(409);
      expect(messageOf(hire)).toMatch(/from screening to hired: a candidate is hired only from offered/);
      const back = await patch(`/api/v1/candidates/${c.id}`, { status: 'new' });
      expect(back.status).toBe(409);
      expect(messageOf(back)).toMatch(/nobody returns to new/);
      expect((await patch(`/api/v1/candidates/${c.id}`, { status: 'offered' })).status).toBe(200);
      expect((await patch(`/api/v1/candidates/${c.id}`, { status: 'hired' })).json().status).toBe('hired');
      const leave = await patch(`/api/v1/candidates/${c.id}`, { status: 'withdrawn' });
      expect(leave.status).toBe(409);
      expect(messageOf(leave)).toMatch(/nobody leaves hired/);
      // not moving is no move: 200, unchanged
      expect((await patch(`/api/v1/candidates/${c.id}`, { status: 'hired' })).status).toBe(200);
      const closed = await createCandidate({ firstName: 'Closed' });
      expect((await patch(`/api/v1/candidates/${closed.id}`, { status: 'rejected' })).status).toBe(200);
      const reopenWrong = await patch(`/api/v1/candidates/${closed.id}`, { status: 'interviewing' });
      expect(reopenWrong.status).toBe(409);
      expect(messageOf(reopenWrong)).toMatch(/only be reopened to screening/);
      expect((await patch(`/api/v1/candidates/${closed.id}`, { status: 'screening' })).json().status).toBe('screening');
      expect((await prisma.candidate.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('hired');
    });

    it('externalId is unique per tenant → 409 (create and patch); other tenants may reuse it', async () => {
      const dup = await post('/api/v1/candidates', { firstName: 'Dup', externalId: `ext-a-${tag}` });
      expect(dup.status).toBe(409);
      expect(messageOf(dup)).toMatch(/externalId/);
      const dupPatch = await patch(`/api/v1/candidates/${c3.id}`, { externalId: `ext-a-${tag}` });
      expect(dupPatch.status).toBe(409);
      expect((await post('/api/v1/candidates', { firstName: 'Dup', externalId: `ext-a-${tag}` }, B.adminApiKey)).status).toBe(201);
    });

    it('DELETE removes the candidate with its interviews; its calls stay, unlinked', async () => {
      const c = await createCandidate({ firstName: 'Temp', timeZone: 'America/New_York' });
      const call = callFor(undefined, { outcome: 'Interview Scheduled', scheduled_datetime_iso: `${Y + 1}-05-05T10:00:00-04:00` });
      const saved = (await post(`/api/v1/candidates/${c.id}/retell-call-data`, call)).json();
      expect(saved.interview).toMatchObject({ status: 'scheduled', scheduledAt: `${Y + 1}-05-05T14:00:00.000Z` });
      expect((await remindersOf(saved.interview.id)).map((r) => r.offset).sort()).toEqual(['1h', '24h']);
      expect((await del(`/api/v1/candidates/${c.id}`)).status).toBe(204);
      expect((await get(`/api/v1/candidates/${c.id}`)).status).toBe(404);
      expect(await prisma.interview.count({ where: { candidateId: c.id } })).toBe(0);
      expect(await remindersOf(saved.interview.id)).toEqual([]);
      const kept = await get(`/api/v1/calls/${call.call_id}`);
      expect(kept.status).toBe(200);
      expect(kept.json().candidateId).toBeNull();
      expect((await del(`/api/v1/candidates/${c.id}`)).status).toBe(404);
    });

    it.each([
      ['no firstName', { lastName: 'X' }, /firstName/],
      ['a blank firstName', { firstName: '  ' }, /firstName should not be empty/],
      ['a phone without +', { firstName: 'X', phone: '4155550123' }, /phone must be an E\.164 phone number/],
      ['a phone with spaces', { firstName: 'X', phone: '+1 415 555 0123' }, /phone must be an E\.164/],
      ['a phone starting +0', { firstName: 'X', phone: '+04155550123' }, /phone must be an E\.164/],
      ['a phone too long', { firstName: 'X', phone: '+1234567890123456' }, /phone must be an E\.164/],
      ['a bad email', { firstName: 'X', email: 'john.doe@' }, /email must be an email/],
      ['a bad zone', { firstName: 'X', timeZone: 'Eastern Time' }, /timeZone must be an IANA time zone/],
      ['an unknown zone', { firstName: 'X', timeZone: 'Mars/Olympus_Mons' }, /timeZone must be an IANA time zone/],
      ['an unknown field', { firstName: 'X', status: 'hired' }, /property status should not exist/],
      ['a tenantId', { firstName: 'X', tenantId: '00000000-0000-0000-0000-000000000000' }, /property tenantId should not exist/],
      ['a malformed positionId', { firstName: 'X', positionId: 'abc' }, /positionId must be a UUID/],
      ['another tenant’s position', { firstName: 'X', positionId: '00000000-0000-4000-8000-000000000000' }, /not a position of this tenant/],
    ])('POST /candidates with %s → 400, nothing stored', async (_name, body, message) => {
      const before = await prisma.candidate.count({ where: { tenantId: A.tenantId } });
      const res = await post('/api/v1/candidates', body);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toMatch(message);
      expect(await prisma.candidate.count({ where: { tenantId: A.tenantId } })).toBe(before);
    });

    it.each([
      ['firstName null', { firstName: null }, /firstName/],
      ['a bad phone', { phone: '555-0123' }, /phone must be an E\.164/],
      ['a bad zone', { timeZone: 'EST-ish' }, /timeZone must be an IANA/],
      ['a status off the list', { status: 'archived' }, /status must be one of/],
      ['status null', { status: null }, /status must be one of/],
      ['an unknown field', { qualified: true }, /property qualified should not exist/],
    ])('PATCH /candidates/:id with %s → 400', async (_name, body, message) => {
      const res = await patch(`/api/v1/candidates/${c1.id}`, body);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toMatch(message);
    });

    it.each([
      ['status off the list', 'status=archived', /status must be one of/],
      ['qualified not a boolean', 'qualified=yes', /qualified must be a boolean/],
      ['interest off the list', 'interest=Very%20High', /interest must be one of/],
      ['positionId not a uuid', 'positionId=x', /positionId must be a UUID/],
      ['an unknown parameter', 'name=Bob', /property name should not exist/],
      ['a garbage cursor', 'cursor=abc', /cursor is not one this API issued/],
      ['limit 0', 'limit=0', /limit must not be less than 1/],
    ])('GET /candidates with %s → 400', async (_name, qs, message) => {
      const res = await get(`/api/v1/candidates?${qs}`);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toMatch(message);
    });
  });

  // ─────────────────────────── 4. interviews ───────────────────────────
  describe('interviews: list, reschedule, cancel, .ics', () => {
    const tag = hex();
    let john: any; // the guide's candidate: interview from the seed call (2025-10-08, Emma Johnson)
    let interview: any;
    let jane: any;
    let janeInterview: any;

    beforeAll(async () => {
      john = (await get('/api/v1/candidates/199')).json();
      interview = john.interviews[0];
      expect(interview).toBeDefined();
      const position = (await post('/api/v1/positions', { title: `Platform Engineer ${tag}` })).json();
      jane = await createCandidate({ firstName: 'Jane', lastName: 'Roe', externalId: `jane-${tag}`, positionId: position.id });
      const saved = await post(
        `/api/v1/candidates/${jane.id}/retell-call-data`,
        callFor(undefined, { outcome: 'Interview Scheduled', scheduled_datetime_iso: `${Y}-01-20T10:00:00-05:00`, candidate_timezone: 'Eastern' }),
      );
      expect(saved.status).toBe(200);
      janeInterview = saved.json().interview;
      expect(janeInterview).toMatchObject({ status: 'scheduled', scheduledAt: `${Y}-01-20T15:00:00.000Z`, interviewer: 'Emma Johnson' });
    });

    it('GET /interviews/:id and the list with its filters', async () => {
      expect((await get(`/api/v1/interviews/${interview.id}`)).json()).toEqual(interview);
      const all = (await get('/api/v1/interviews')).json();
      expect(all.data.map((i: any) => i.id)).toEqual(expect.arrayContaining([interview.id, janeInterview.id]));
      // soonest first
      const times = all.data.map((i: any) => i.scheduledAt).filter(Boolean);
      expect([...times].sort()).toEqual(times);
      expect((await get(`/api/v1/interviews?candidateId=${jane.id}`)).json().data.map((i: any) => i.id)).toEqual([janeInterview.id]);
      expect((await get(`/api/v1/interviews?candidateId=jane-${tag}`)).json().data.map((i: any) => i.id)).toEqual([janeInterview.id]);
      expect((await get('/api/v1/interviews?candidateId=nobody')).json().data).toEqual([]);
      const emma = (await get('/api/v1/interviews?interviewer=EMMA%20JOHNSON')).json().data.map((i: any) => i.id);
      expect(emma).toEqual(expect.arrayContaining([interview.id, janeInterview.id]));
      const window = (await get('/api/v1/interviews?from=2025-10-08T00:00:00Z&to=2025-10-09T00:00:00Z&status=scheduled')).json().data.map((i: any) => i.id);
      expect(window).toContain(interview.id);
      expect(window).not.toContain(janeInterview.id);
      const page = (await get('/api/v1/interviews?limit=1')).json();
      expect(page.data).toHaveLength(1);
      expect(page.nextCursor).toEqual(expect.any(String));
      const next = (await get(`/api/v1/interviews?limit=1&cursor=${page.nextCursor}`)).json();
      expect(next.data[0].id).not.toBe(page.data[0].id);
    });

    it('the past interview from the call renders as .ics', async () => {
      const res = await get(`/api/v1/interviews/${interview.id}/ics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      expect(res.text).toContain(`UID:${interview.id}@retell-ops\r\n`);
      expect(res.text).toContain('DTSTART:20251008T190000Z\r\n');
      expect(res.text).toContain('DTEND:20251008T200000Z\r\n');
      expect(res.text).toContain('SEQUENCE:0\r\n');
      expect(res.text).toContain('STATUS:CONFIRMED\r\n');
      expect(res.text).toContain('SUMMARY:Interview: John Doe\r\n');
    });

    it('reschedule moves it (SEQUENCE + 1, reminders at the new time) and the .ics follows', async () => {
      const res = await post(`/api/v1/interviews/${interview.id}/reschedule`, { scheduledAt: `${Y}-01-15T15:00:00-05:00` });
      expect(res.status).toBe(200);
      const moved = res.json();
      expect(moved).toMatchObject({
        id: interview.id,
        status: 'scheduled',
        scheduledAt: `${Y}-01-15T20:00:00.000Z`,
        timeZone: 'America/New_York',
        localTime: `${Y}-01-15T15:00:00-05:00`,
        resolvedFrom: 'manual',
        sequence: 1,
        interviewer: 'Emma Johnson',
        rawIso: '2025-10-08T15:00:00-04:00', // the words of the call are kept
      });
      const reminders = await remindersOf(interview.id);
      expect(reminders.map((r) => [r.offset, r.scheduledAt]).sort()).toEqual([
        ['1h', Date.parse(`${Y}-01-15T20:00:00.000Z`)],
        ['24h', Date.parse(`${Y}-01-15T20:00:00.000Z`)],
      ]);
      const ics = await get(`/api/v1/interviews/${interview.id}/ics`);
      expect(ics.text).toContain(`DTSTART:${Y}0115T200000Z\r\n`);
      expect(ics.text).toContain('SEQUENCE:1\r\n');

      // date + time + zone, a new length
      const again = await post(`/api/v1/interviews/${interview.id}/reschedule`, {
        date: `${Y}-01-16`,
        time: '10:00 AM',
        timeZone: 'America/Chicago',
        durationMinutes: 45,
      });
      expect(again.status).toBe(200);
      expect(again.json()).toMatchObject({
        scheduledAt: `${Y}-01-16T16:00:00.000Z`,
        timeZone: 'America/Chicago',
        localTime: `${Y}-01-16T10:00:00-06:00`,
        durationMinutes: 45,
        sequence: 2,
      });
      expect((await remindersOf(interview.id)).every((r) => r.scheduledAt === Date.parse(`${Y}-01-16T16:00:00.000Z`))).toBe(true);
      const ics2 = await get(`/api/v1/interviews/${interview.id}/ics`);
      expect(ics2.text).toContain(`DTSTART:${Y}0116T160000Z\r\n`);
      expect(ics2.text).toContain(`DTEND:${Y}0116T164500Z\r\n`);
      expect(ics2.text).toContain('SEQUENCE:2\r\n');
    });

    it('the .ics names the position', async () => {
      const ics = await get(`/api/v1/interviews/${janeInterview.id}/ics`);
      expect(ics.text).toContain(`SUMMARY:Interview: Jane Roe\\, Platform Engineer ${tag}`);
    });

    it('reschedule into another interview of the same interviewer → 409, nothing moves', async () => {
      const res = await post(`/api/v1/interviews/${interview.id}/reschedule`, { scheduledAt: `${Y}-01-20T15:30:00Z` });
      expect(res.status).toBe(409);
      expect(messageOf(res)).toMatch(new RegExp(`Emma Johnson has interview ${janeInterview.id}`));
      expect((await get(`/api/v1/interviews/${interview.id}`)).json()).toMatchObject({ scheduledAt: `${Y}-01-16T16:00:00.000Z`, sequence: 2 });
      // another interviewer at that time is fine
      const other = await post(`/api/v1/interviews/${interview.id}/reschedule`, { scheduledAt: `${Y}-01-20T15:30:00Z`, interviewer: 'Sam Lee' });
      expect(other.status).toBe(200);
      expect(other.json()).toMatchObject({ interviewer: 'Sam Lee', sequence: 3 });
    });

    it.each([
      ['a time in the past', { scheduledAt: agoIso(60_000) }, 400, /in the past/],
      ['a relative date', { date: 'next Tuesday', time: '3 PM', timeZone: 'ET' }, 400, /cannot resolve the new time: relative_date/],
      ['an unknown zone', { date: `${Y}-03-01`, time: '3:00 PM', timeZone: 'Atlantis' }, 400, /unknown_zone/],
      ['scheduledAt without an offset', { scheduledAt: `${Y}-03-01T15:00:00` }, 400, /scheduledAt must be a date-time with Z or an offset/],
      ['scheduledAt and date', { scheduledAt: `${Y}-03-01T15:00:00Z`, date: `${Y}-03-01`, time: '3 PM' }, 400, /either scheduledAt, or date and time/],
      ['no time at all', { durationMinutes: 30 }, 400, /give the new time/],
      ['a date without a time', { date: `${Y}-03-01` }, 400, /give the new time/],
      ['durationMinutes 10', { scheduledAt: `${Y}-03-01T15:00:00Z`, durationMinutes: 10 }, 400, /durationMinutes must not be less than 15/],
      ['durationMinutes 481', { scheduledAt: `${Y}-03-01T15:00:00Z`, durationMinutes: 481 }, 400, /durationMinutes must not be greater than 480/],
      ['an unknown field', { scheduledAt: `${Y}-03-01T15:00:00Z`, room: 'A' }, 400, /property room should not exist/],
    ])('reschedule with %s (%j) → %i', async (_name, body, status, message) => {
      const before = (await get(`/api/v1/interviews/${janeInterview.id}`)).json();
      const res = await post(`/api/v1/interviews/${janeInterview.id}/reschedule`, body);
      expect(res.status).toBe(status);
      expect(messageOf(res)).toMatch(message);
      expect((await get(`/api/v1/interviews/${janeInterview.id}`)).json()).toEqual(before);
    });

    it('cancel: status cancelled, SEQUENCE + 1, reminders gone, .ics CANCELLED; again changes nothing; reschedule → 409', async () => {
      const before = (await get(`/api/v1/interviews/${janeInterview.id}`)).json();
      expect(await remindersOf(janeInterview.id)).toHaveLength(2);
      const res = await post(`/api/v1/interviews/${janeInterview.id}/cancel`, undefined);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'cancelled',
        cancelledAt: expect.stringMatching(ISO),
        sequence: before.sequence + 1,
        scheduledAt: before.scheduledAt,
      });
      expect(await remindersOf(janeInterview.id)).toEqual([]);
      const ics = await get(`/api/v1/interviews/${janeInterview.id}/ics`);
      expect(ics.status).toBe(200);
      expect(ics.text).toContain('STATUS:CANCELLED\r\n');
      expect(ics.text).toContain('METHOD:CANCEL\r\n');
      expect(ics.text).toContain(`SEQUENCE:${before.sequence + 1}\r\n`);
      const again = await post(`/api/v1/interviews/${janeInterview.id}/cancel`, undefined);
      expect(again.json()).toMatchObject({ status: 'cancelled', sequence: before.sequence + 1 });
      const moved = await post(`/api/v1/interviews/${janeInterview.id}/reschedule`, { scheduledAt: `${Y}-04-01T15:00:00Z` });
      expect(moved.status).toBe(409);
      expect(messageOf(moved)).toMatch(/cancelled interview cannot be rescheduled/);
      expect((await get(`/api/v1/interviews?status=cancelled&candidateId=${jane.id}`)).json().data.map((i: any) => i.id)).toEqual([janeInterview.id]);
    });

    it('an interview whose time needs review: .ics → 409 with the reason, reschedule gives it a time', async () => {
      const c = await createCandidate({ firstName: 'Vague' });
      const saved = await post(
        `/api/v1/candidates/${c.id}/retell-call-data`,
        callFor(undefined, { outcome: 'Interview Scheduled', scheduled_date: 'next Tuesday', scheduled_time: 'afternoon' }),
      );
      expect(saved.status).toBe(200);
      const i = saved.json().interview;
      expect(i).toMatchObject({
        status: 'needs_review',
        scheduledAt: null,
        localTime: null,
        rawDate: 'next Tuesday',
        reviewReason: expect.stringContaining('relative_date'),
      });
      expect(saved.json().candidate.status).toBe('interviewing');
      const ics = await get(`/api/v1/interviews/${i.id}/ics`);
      expect(ics.status).toBe(409);
      expect(messageOf(ics)).toMatch(/has no time yet \(needs_review: time could not be resolved: relative_date\)/);
      const fixed = await post(`/api/v1/interviews/${i.id}/reschedule`, { date: `${Y}-06-04`, time: '14:00', timeZone: 'Europe/London' });
      expect(fixed.json()).toMatchObject({ status: 'scheduled', scheduledAt: `${Y}-06-04T13:00:00.000Z`, reviewReason: null, sequence: 1 });
      expect((await get(`/api/v1/interviews/${i.id}/ics`)).status).toBe(200);
    });

    it.each([
      ['status off the list', 'status=done', /status must be one of/],
      ['from not an instant', 'from=tomorrow', /from must be .*ISO 8601/],
      ['from after to', `from=${Y}-01-02T00:00:00Z&to=${Y}-01-01T00:00:00Z`, /from must be before to/],
      ['a garbage cursor', 'cursor=zzz', /cursor is not one this API issued/],
    ])('GET /interviews with %s → 400', async (_name, qs, message) => {
      const res = await get(`/api/v1/interviews?${qs}`);
      expect(res.status).toBe(400);
      expect(messageOf(res)).toMatch(message);
    });

    it('unknown or malformed ids → 404', async () => {
      for (const path of ['/api/v1/interviews/not-a-uuid', '/api/v1/interviews/00000000-0000-4000-8000-000000000000', '/api/v1/interviews/not-a-uuid/ics']) {
        expect({ path, status: (await get(path)).status }).toEqual({ path, status: 404 });
      }
      expect((await post('/api/v1/interviews/00000000-0000-4000-8000-000000000000/cancel', undefined)).status).toBe(404);
      expect((await post('/api/v1/interviews/00000000-0000-4000-8000-000000000000/reschedule', { scheduledAt: `${Y}-01-01T00:00:00Z` })).status).toBe(404);
    });
  });

  // ─────────────────────── 5. tenant isolation and roles ───────────────────────
  describe('tenant isolation', () => {
    it("another tenant's key → 404 for the candidate, its interview and a position; lists never show them", async () => {
      const john = (await get('/api/v1/candidates/199')).json();
      const interviewId = john.interviews[0].id;
      const position = (await post('/api/v1/positions', { title: `Isolated ${hex()}` })).json();
      const key = B.adminApiKey;
      const answers: Array<[string, Answer]> = [
        ['GET candidate by externalId', await get('/api/v1/candidates/199', key)],
        ['GET candidate by id', await get(`/api/v1/candidates/${john.id}`, key)],
        ['PATCH candidate', await patch(`/api/v1/candidates/${john.id}`, { firstName: 'Mallory' }, key)],
        ['DELETE candidate', await del(`/api/v1/candidates/199`, key)],
        ['save call data', await post('/api/v1/candidates/199/retell-call-data', { ...SEED_BODY, call_id: `call_${hex()}` }, key)],
        ['GET interview', await get(`/api/v1/interviews/${interviewId}`, key)],
        ['GET interview .ics', await get(`/api/v1/interviews/${interviewId}/ics`, key)],
        ['reschedule interview', await post(`/api/v1/interviews/${interviewId}/reschedule`, { scheduledAt: `${Y + 1}-01-01T15:00:00Z` }, key)],
        ['cancel interview', await post(`/api/v1/interviews/${interviewId}/cancel`, undefined, key)],
        ['GET position', await get(`/api/v1/positions/${position.id}`, key)],
        ['PATCH position', await patch(`/api/v1/positions/${position.id}`, { title: 'Taken over' }, key)],
        ['DELETE position', await del(`/api/v1/positions/${position.id}`, key)],
      ];
      for (const [what, res] of answers) {
        expect({ what, status: res.status }).toEqual({ what, status: 404 });
        expect(res.text).not.toContain('John');
      }
      const lists = [await get('/api/v1/candidates?limit=200', key), await get('/api/v1/interviews?limit=200', key), await get('/api/v1/positions', key)];
      for (const res of lists) {
        expect(res.status).toBe(200);
        expect(res.text).not.toContain(john.id);
        expect(res.text).not.toContain(interviewId);
        expect(res.text).not.toContain(position.id);
      }
      // untouched in A
      expect((await get('/api/v1/candidates/199')).json()).toMatchObject({ firstName: 'John' });
      expect((await get(`/api/v1/interviews/${interviewId}`)).json().status).toBe('scheduled');
      expect((await get(`/api/v1/positions/${position.id}`)).status).toBe(200);
    });

    it('tenant B has its own candidate 199, with the same call id', async () => {
      const theirs = await createCandidate({ externalId: '199', firstName: 'Other', lastName: 'Person' }, B.adminApiKey);
      const res = await post('/api/v1/candidates/199/retell-call-data', SEED_BODY, B.adminApiKey);
      expect(res.status).toBe(200);
      expect(res.json().candidate).toMatchObject({ id: theirs.id, firstName: 'Other', status: 'interviewing' });
      expect(res.json().interview).toMatchObject({ scheduledAt: '2025-10-08T19:00:00.000Z', timeZone: 'America/New_York' });
      expect((await get('/api/v1/candidates/199')).json().firstName).toBe('John');
    });
  });

  describe('roles', () => {
    it('a viewer key reads but cannot change anything (403)', async () => {
      const john = (await get('/api/v1/candidates/199')).json();
      const interviewId = john.interviews[0].id;
      expect((await get('/api/v1/candidates', viewerKey)).status).toBe(200);
      expect((await get('/api/v1/candidates/199', viewerKey)).status).toBe(200);
      expect((await get('/api/v1/positions', viewerKey)).status).toBe(200);
      expect((await get('/api/v1/interviews', viewerKey)).status).toBe(200);
      expect((await get(`/api/v1/interviews/${interviewId}/ics`, viewerKey)).status).toBe(200);
      const writes: Array<[string, Answer]> = [
        ['create candidate', await post('/api/v1/candidates', { firstName: 'V' }, viewerKey)],
        ['patch candidate', await patch('/api/v1/candidates/199', { firstName: 'V' }, viewerKey)],
        ['delete candidate', await del('/api/v1/candidates/199', viewerKey)],
        ['save call data', await post('/api/v1/candidates/199/retell-call-data', SEED_BODY, viewerKey)],
        ['create position', await post('/api/v1/positions', { title: `V ${hex()}` }, viewerKey)],
        ['reschedule', await post(`/api/v1/interviews/${interviewId}/reschedule`, { scheduledAt: `${Y + 1}-01-01T15:00:00Z` }, viewerKey)],
        ['cancel', await post(`/api/v1/interviews/${interviewId}/cancel`, undefined, viewerKey)],
      ];
      for (const [what, res] of writes) {
        expect({ what, status: res.status }).toEqual({ what, status: 403 });
        expect(messageOf(res)).toMatch(/the viewer role may not do this/);
      }
      expect((await get('/api/v1/candidates/199')).json()).toMatchObject({ firstName: 'John', status: 'interviewing' });
    });

    it('no key → 401 on the new routes', async () => {
      for (const path of ['/api/v1/candidates', '/api/v1/positions', '/api/v1/interviews']) {
        expect((await request('GET', path, undefined)).status).toBe(401);
      }
    });
  });

  // ──────────────────────────── 6. OpenAPI ────────────────────────────
  describe('OpenAPI', () => {
    it('lists the new routes with bearer security, parameters and bodies', async () => {
      const doc = (await request('GET', '/api/docs/openapi.json', undefined)).json();
      const routes: Array<[string, string[]]> = [
        ['/api/v1/candidates', ['get', 'post']],
        ['/api/v1/candidates/{id}', ['delete', 'get', 'patch']],
        ['/api/v1/candidates/{id}/retell-call-data', ['post']],
        ['/api/v1/positions', ['get', 'post']],
        ['/api/v1/positions/{id}', ['delete', 'get', 'patch']],
        ['/api/v1/interviews', ['get']],
        ['/api/v1/interviews/{id}', ['get']],
        ['/api/v1/interviews/{id}/reschedule', ['post']],
        ['/api/v1/interviews/{id}/cancel', ['post']],
        ['/api/v1/interviews/{id}/ics', ['get']],
      ];
      for (const [path, methods] of routes) {
        expect({ path, methods: Object.keys(doc.paths[path] ?? {}).sort() }).toEqual({ path, methods });
        for (const m of methods) expect({ path, m, security: doc.paths[path][m].security }).toEqual({ path, m, security: [{ bearer: [] }] });
      }
      const query = (path: string) =>
        doc.paths[path].get.parameters
          .filter((p: any) => p.in === 'query')
          .map((p: any) => p.name)
          .sort();
      expect(query('/api/v1/candidates')).toEqual(['cursor', 'interest', 'limit', 'position', 'positionId', 'q', 'qualified', 'status']);
      expect(query('/api/v1/interviews')).toEqual(['candidateId', 'cursor', 'from', 'interviewer', 'limit', 'status', 'to']);

      const schemas = doc.components.schemas;
      const body = schemas.RetellCallDataBody;
      expect(body.required).toEqual(['call_id']);
      for (const field of [
        'agent_id',
        'call_analysis',
        'transcript_object',
        'transcript_with_tool_calls',
        'call_cost',
        'latency',
        'llm_token_usage',
        'scrubbed_recording_url',
        'telephony_identifier',
        'access_token',
      ]) {
        expect(body.properties[field]).toBeDefined();
      }
      expect(doc.paths['/api/v1/candidates/{id}/retell-call-data'].post.requestBody.content['application/json'].examples.guide.value.call_id).toBe(
        'call_abc123xyz789',
      );
      for (const field of ['qualified', 'interestLevel', 'scheduledDatetimeIso', 'screeningIssues', 'callAttempts', 'lastScreenedAt', 'statusChangedAt']) {
        expect(schemas.CandidateResource.properties[field]).toBeDefined();
      }
      expect(schemas.InterviewResource.properties.localTime).toBeDefined();
      expect(schemas.CandidateDetail.properties.calls).toBeDefined();
    });
  });
});

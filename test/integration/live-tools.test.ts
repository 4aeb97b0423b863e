import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import IORedis from 'ioredis';
import { DateTime } from 'luxon';
import Retell from 'retell-sdk';
import { createPrismaClient, PgPool, type PrismaClient } from '@retell-ops/db';
import { seedCall } from '@retell-ops/domain';
import { liveStreamKey } from '@retell-ops/live-events';
import { argsHashOf } from '@retell-ops/recruiting';
import { QueueProducers, QUEUES } from '@retell-ops/queue';
import { createApi } from '../../apps/api/src/create-api';
import { bearerApi, postSigned, type Answer } from '../support/http';
import { interviewBookingOn } from '../support/interview-booking';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The agent's tools, end to end: requests signed with the official SDK's Retell.sign reach the
 * gateway's /webhooks/retell/tools/<slug>/<tool>, which looks the caller up, offers free slots
 * and books one through the same booking use case as the post-call path.
 */
describe('live tools: /webhooks/retell/tools/:tenantSlug/:toolName', () => {
  const env = testEnv();
  const ZONE = 'America/New_York';
  let prisma: PrismaClient;
  let pipeline: InProcessPipeline;
  let api: NestFastifyApplication;
  let apiUrl: string;
  let producers: QueueProducers;
  let A: TestTenant;
  let B: TestTenant;
  let C: TestTenant;
  let candidate: { id: string; externalId: string; phone: string };
  let interviewer: string;
  /** A weekday at least two days ahead, as a date in New York. */
  let day: DateTime;
  const hex = () => randomBytes(5).toString('hex');
  const at = (hour: number, d = day) => d.set({ hour, minute: 0, second: 0, millisecond: 0 });
  const isoAt = (hour: number, d = day) => at(hour, d).toISO({ suppressMilliseconds: true })!;

  const toolUrl = (t: TestTenant, tool: string, query = '') => `${pipeline.gatewayUrl}/webhooks/retell/tools/${t.slug}/${tool}${query}`;

  /** A tool request as Retell sends it by default: {name, call, args}, signed with the SDK. */
  async function callTool(t: TestTenant, tool: string, args: unknown, call: Record<string, unknown> = {}): Promise<Answer> {
    const body = JSON.stringify({ name: tool, call: { call_id: `call_${hex()}`, call_type: 'phone_call', direction: 'inbound', ...call }, args });
    return postRaw(toolUrl(t, tool), body, await Retell.sign(body, t.retellApiKey));
  }

  async function postRaw(url: string, body: string, signature: string): Promise<Answer> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-retell-signature': signature }, body });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  }

  const adminApi = (t: TestTenant) => bearerApi(() => apiUrl, t.adminApiKey);

  let redis: IORedis;
  /** The tenant's live events (the dashboard's history) as [type, data]. */
  const liveEvents = async (t: TestTenant) =>
    (await redis.xrange(liveStreamKey(env.QUEUE_PREFIX, t.tenantId), '-', '+')).map(([, fields]) => [fields[1], JSON.parse(fields[3])] as const);

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    A = await createTestTenant(prisma, env, 'tools-a');
    B = await createTestTenant(prisma, env, 'tools-b');
    C = await createTestTenant(prisma, env, 'tools-c');
    await prisma.tenant.update({ where: { id: A.tenantId }, data: { timeZone: 'America/Chicago' } });
    pipeline = await startPipeline(env, { recruiting: true });
    api = await createApi(env, { bootstrapDefaultTenant: false });
    await api.listen(0, '127.0.0.1');
    apiUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
    producers = new QueueProducers(env);
    redis = new IORedis(env.REDIS_URL);

    day = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 2 });
    while (day.weekday > 5) day = day.plus({ days: 1 });

    const position = await prisma.position.create({ data: { tenantId: A.tenantId, title: `Warehouse Associate ${hex()}` } });
    const phone = `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const c = await prisma.candidate.create({
      data: {
        tenantId: A.tenantId,
        firstName: 'Ana',
        lastName: 'Silva',
        externalId: `ext-${hex()}`,
        phone,
        timeZone: ZONE,
        positionId: position.id,
        status: 'screening',
      },
    });
    candidate = { id: c.id, externalId: c.externalId!, phone };
    interviewer = `Dana ${hex()}`;
    const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [[540, 1020]]]));
    const created = await adminApi(A)('POST', '/api/v1/interviewers', {
      name: interviewer,
      timeZone: ZONE,
      workingHours: weekdays,
      slotMinutes: 60,
      positionIds: [position.id],
    });
    expect(created.status).toBe(201);
    // The one existing interview: 10:00 on `day`.
    await prisma.interview.create({
      data: { tenantId: A.tenantId, candidateId: c.id, status: 'scheduled', scheduledAt: at(10).toJSDate(), timeZone: ZONE, durationMinutes: 60, interviewer },
    });
    // Tenant C: same set-up shape, booking turned off before its first tool call.
    const off = await adminApi(C)('PATCH', '/api/v1/tenant', { disabledTools: ['book_interview'] });
    expect(off.status).toBe(200);
    expect(off.json.tools).toEqual(expect.arrayContaining([{ name: 'book_interview', aliases: ['book_appointment'], enabled: false }]));
  }, 60_000);

  afterAll(async () => {
    await pipeline?.stop();
    await api?.close();
    await producers
      ?.queue(QUEUES.interviewReminders)
      .obliterate({ force: true })
      .catch(() => undefined);
    await producers?.onModuleDestroy();
    if (A && B && C) await redis?.del(...[A, B, C].map((t) => liveStreamKey(env.QUEUE_PREFIX, t.tenantId)));
    await redis?.quit();
    for (const t of [A, B, C]) if (t) await prisma.tenant.delete({ where: { id: t.tenantId } });
    await prisma?.$disconnect();
  });

  describe('get_candidate / get_customer_info', () => {
    const expected = () => ({
      ok: true,
      found: true,
      candidate: expect.objectContaining({
        id: candidate.id,
        name: 'Ana Silva',
        status: 'screening',
        position: expect.stringContaining('Warehouse'),
        time_zone: ZONE,
      }),
      next_interview: {
        start: isoAt(10),
        start_words: `${at(10).setLocale('en-US').toFormat('cccc, LLLL d')} at 10:00 AM Eastern Time`,
        interviewer,
        duration_minutes: 60,
      },
    });

    it.each<[string, string, unknown, Record<string, unknown>]>([
      ['an inbound caller by from_number', 'get_candidate', {}, { direction: 'inbound', from_number: '' }],
      ['an outbound callee by to_number (alias)', 'get_customer_info', {}, { direction: 'outbound', to_number: '', from_number: '+14155550000' }],
      ['metadata.candidate_id (external id)', 'get_candidate', {}, { metadata: { candidate_id: 'EXT' } }],
      ['args.candidate_id (our id)', 'get_candidate', { candidate_id: 'ID' }, {}],
    ])('finds %s', async (_what, tool, args, call) => {
      const fill = (v: unknown) => (v === '' ? candidate.phone : v);
      const c = Object.fromEntries(Object.entries(call).map(([k, v]) => [k, fill(v)]));
      if (c.metadata) c.metadata = { candidate_id: candidate.externalId };
      const a = (args as { candidate_id?: string }).candidate_id ? { candidate_id: candidate.id } : args;
      const res = await callTool(A, tool, a, c);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual(expected());
    });

    it("never finds another tenant's candidate", async () => {
      for (const res of [
        await callTool(B, 'get_candidate', { candidate_id: candidate.id }),
        await callTool(B, 'get_candidate', {}, { direction: 'inbound', from_number: candidate.phone }),
        await callTool(B, 'get_candidate', {}, { metadata: { candidate_id: candidate.externalId } }),
      ]) {
        expect(res.status).toBe(200);
        expect(res.json()).toEqual({ ok: true, found: false, message: 'No candidate matches this caller.' });
      }
    });
  });

  describe('check_interview_slots / check_availability', () => {
    it("offers the interviewer's free hours in the caller's zone, in words and ISO, around the existing interview", async () => {
      const res = await callTool(A, 'check_interview_slots', { date_from: day.toISODate() }, { from_number: candidate.phone });
      expect(res.status).toBe(200);
      const answer = res.json();
      expect(answer).toMatchObject({ ok: true, time_zone: ZONE });
      expect(answer.slots.map((s: { start: string }) => s.start)).toEqual([9, 11, 12, 13, 14, 15, 16].map((h) => isoAt(h)));
      expect(answer.slots[0]).toEqual({ start: isoAt(9), start_words: expect.stringMatching(/ at 9:00 AM Eastern Time$/), interviewer, duration_minutes: 60 });
      expect(res.text.length).toBeLessThan(15_000);
    });

    it('by position title (alias), as the GET shape and with args at the root', async () => {
      const position = (await prisma.position.findFirstOrThrow({ where: { tenantId: A.tenantId } })).title;
      const expectSlots = (res: Answer, start = isoAt(9)) => {
        expect(res.status).toBe(200);
        expect(res.json().slots[0]).toMatchObject({ start, interviewer });
      };
      // No caller known: the tenant's zone (Chicago), where the interviewer's 9:00 is 8:00
      const anonymous = await callTool(A, 'check_availability', { date_from: day.toISODate(), position });
      expectSlots(anonymous, at(9).setZone('America/Chicago').toISO({ suppressMilliseconds: true })!);
      expect(anonymous.json()).toMatchObject({ time_zone: 'America/Chicago' });
      expect(anonymous.json().slots[0].start_words).toMatch(/ at 8:00 AM Central Time$/);
      // GET: arguments in the query string, signed over the empty body
      const query = `?date_from=${day.toISODate()}&from_number=${encodeURIComponent(candidate.phone)}&call_id=call_${hex()}`;
      const get = await fetch(toolUrl(A, 'check_availability', query), { headers: { 'x-retell-signature': await Retell.sign('', A.retellApiKey) } });
      const text = await get.text();
      expectSlots({ status: get.status, text, json: () => JSON.parse(text) });
      // args_at_root: the body is the arguments; the call is named in the query string
      const body = JSON.stringify({ date_from: day.toISODate() });
      expectSlots(
        await postRaw(
          toolUrl(A, 'check_interview_slots', `?from_number=${encodeURIComponent(candidate.phone)}`),
          body,
          await Retell.sign(body, A.retellApiKey),
        ),
      );
    });

    it("reads a position that get_candidate named from the candidate's free text as the caller's own; another unknown title is refused", async () => {
      const applied = `Forklift Driver ${hex()}`;
      const walkIn = await prisma.candidate.create({
        data: {
          tenantId: A.tenantId,
          firstName: 'Rui',
          phone: `+1628${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
          timeZone: ZONE,
          positionApplied: applied,
        },
      });
      const caller = { from_number: walkIn.phone };
      expect((await callTool(A, 'get_candidate', {}, caller)).json().candidate).toMatchObject({ id: walkIn.id, position: applied });
      const slots = await callTool(A, 'check_interview_slots', { date_from: day.toISODate(), position: applied.toUpperCase() }, caller);
      expect(slots.json()).toMatchObject({ ok: true, slots: expect.arrayContaining([expect.objectContaining({ start: isoAt(9), interviewer })]) });
      const other = await callTool(A, 'check_interview_slots', { date_from: day.toISODate(), position: `Crane Operator ${hex()}` }, caller);
      expect(other.json()).toEqual({ ok: false, error: expect.stringMatching(/^I don't know a position called Crane Operator /) });
    });

    it('answers bad arguments with a sentence the agent can say', async () => {
      for (const args of [{ date_from: 'next Tuesday' }, {}, { date_from: 20210302 }]) {
        const res = await callTool(A, 'check_interview_slots', args);
        expect(res.status).toBe(200);
        expect(res.json()).toEqual({ ok: false, error: expect.stringMatching(/^I need the first day to look at as a date like \d{4}-\d{2}-\d{2}\.$/) });
      }
      const book = await callTool(A, 'book_interview', { start: '3 PM tomorrow' }, { from_number: candidate.phone });
      expect(book.json()).toEqual({ ok: false, error: expect.stringContaining('I need the time to book exactly as the free slots gave it') });
      const who = await callTool(A, 'check_interview_slots', { date_from: day.toISODate(), interviewer: 'Nobody Known' });
      expect(who.json()).toEqual({ ok: false, error: "I don't know an interviewer named Nobody Known." });
    });
  });

  describe('book_interview / book_appointment', () => {
    it('books once for the same request sent twice, linked to the call', async () => {
      const callId = `call_${hex()}`;
      const body = JSON.stringify({
        name: 'book_interview',
        call: { call_id: callId, direction: 'inbound', from_number: candidate.phone },
        args: { start: isoAt(11), interviewer },
      });
      const first = await postRaw(toolUrl(A, 'book_interview'), body, await Retell.sign(body, A.retellApiKey));
      const again = await postRaw(toolUrl(A, 'book_appointment'), body, await Retell.sign(body, A.retellApiKey));
      expect(first.status).toBe(200);
      expect(first.json()).toMatchObject({ ok: true, booked: true, interview: { start: isoAt(11), interviewer, duration_minutes: 60 } });
      expect(again.json()).toEqual(first.json());
      const rows = await prisma.interview.findMany({ where: { tenantId: A.tenantId, sourceCallId: callId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'scheduled', scheduledAt: at(11).toJSDate(), interviewer, candidateId: candidate.id });
      expect(await prisma.toolInvocation.count({ where: { tenantId: A.tenantId, retellCallId: callId } })).toBe(1);
      // The booking moved the caller from screening to interviewing, in the same transaction.
      expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({
        status: 'interviewing',
        statusChangedAt: expect.any(Date),
      });
      // The dashboard hears of both during the call (once: the repeated request booked nothing). The interview's event is published last.
      const events = await waitFor(async () => {
        const all = (await liveEvents(A)).filter(([, d]) => d.candidateId === candidate.id);
        return all.some(([type]) => type === 'interview.updated') ? all : undefined;
      });
      expect(events).toEqual([
        ['candidate.updated', { candidateId: candidate.id, status: 'interviewing', at: expect.any(String) }],
        [
          'interview.updated',
          { interviewId: rows[0].id, candidateId: candidate.id, status: 'scheduled', startsAt: at(11).toJSDate().toISOString(), at: expect.any(String) },
        ],
      ]);
    });

    it('moves the candidate only forward, as far as interviewing: an offered candidate stays offered', async () => {
      const phone = `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
      const offered = await prisma.candidate.create({ data: { tenantId: A.tenantId, firstName: 'Olu', phone, timeZone: ZONE, status: 'offered' } });
      const answer = await callTool(A, 'book_interview', { start: isoAt(15, day.plus({ days: 7 })), interviewer }, { from_number: phone });
      expect(answer.json()).toMatchObject({ ok: true, booked: true });
      expect(await prisma.candidate.findUniqueOrThrow({ where: { id: offered.id } })).toMatchObject({ status: 'offered', statusChangedAt: null });
      const events = await waitFor(async () => {
        const all = (await liveEvents(A)).filter(([, d]) => d.candidateId === offered.id);
        return all.length ? all : undefined;
      });
      // Its interview's event is published last: no candidate.updated came before it.
      expect(events.map(([type]) => type)).toEqual(['interview.updated']);
    });

    it('two calls racing for one slot: one books it, the other hears the nearest free times', async () => {
      const answers = await Promise.all(
        [1, 2].map(() => callTool(A, 'book_appointment', { start: isoAt(14), interviewer }, { direction: 'inbound', from_number: candidate.phone })),
      );
      const bodies = answers.map((a) => a.json());
      const won = bodies.filter((b) => b.booked === true);
      const lost = bodies.filter((b) => b.booked === false);
      expect({ won: won.length, lost: lost.length }).toEqual({ won: 1, lost: 1 });
      expect(lost[0]).toMatchObject({ ok: false, error: expect.stringContaining('That time is not available. The nearest free times are') });
      expect(lost[0].alternatives.map((s: { start: string }) => s.start)).toEqual([isoAt(13), isoAt(15), isoAt(12)]);
      const atTwo = await prisma.interview.count({ where: { tenantId: A.tenantId, interviewer, status: 'scheduled', scheduledAt: at(14).toJSDate() } });
      expect(atTwo).toBe(1);
    });

    it('a post-call analysis after a tool booking leaves exactly one interview', async () => {
      const callId = `call_${hex()}`;
      const booked = await callTool(A, 'book_interview', { start: isoAt(16), interviewer }, { call_id: callId, metadata: { candidate_id: candidate.id } });
      expect(booked.json()).toMatchObject({ ok: true, booked: true });
      const call = {
        ...seedCall({
          callId,
          agentId: A.agentId,
          endTimestamp: Date.now() - 60_000,
          customAnalysis: { interview_scheduled: true, outcome: 'Interview Scheduled', scheduled_datetime_iso: isoAt(16), is_qualified_candidate: true },
        }),
        metadata: { candidate_id: candidate.id, recruiter: interviewer },
      };
      expect(
        (await postSigned(`${pipeline.gatewayUrl}/webhooks/retell/${A.slug}`, JSON.stringify({ event: 'call_analyzed', call }), A.retellApiKey)).status,
      ).toBe(204);
      await waitFor(() => prisma.candidateScreening.findFirst({ where: { tenantId: A.tenantId, retellCallId: callId } }).then((s) => s ?? undefined), {
        what: 'the screening of the call',
      });
      // The scheduling worker runs fromScreening for this call; run it here too, so it has surely run at least once.
      const pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 1 });
      const booking = interviewBookingOn(prisma, pool, producers, env);
      const result = await booking.fromScreening({ kind: 'interview', tenantId: A.tenantId, candidateId: candidate.id, retellCallId: callId });
      await pool.end();
      expect(result).toMatchObject({ id: booked.json().interview.id });
      const scheduling = producers.queue(QUEUES.interviewScheduling);
      await waitFor(async () => (await scheduling.getJobCountByTypes('waiting', 'active', 'delayed')) === 0, { what: 'the scheduling queue to drain' });
      expect(await prisma.interview.count({ where: { tenantId: A.tenantId, sourceCallId: callId } })).toBe(1);
      expect(await prisma.interview.count({ where: { tenantId: A.tenantId, interviewer, scheduledAt: at(16).toJSDate() } })).toBe(1);

      // …and the call shows its tool call.
      const listed = await waitFor(async () => {
        const r = await adminApi(A)('GET', `/api/v1/calls/${callId}/tool-calls`);
        return r.status === 200 ? r : undefined;
      });
      expect(listed.json.data).toEqual([
        {
          id: expect.any(String),
          tool: 'book_interview',
          args: { start: isoAt(16), interviewer },
          result: booked.json(),
          ok: true,
          durationMs: expect.any(Number),
          createdAt: expect.any(String),
        },
      ]);
      expect((await adminApi(B)('GET', `/api/v1/calls/${callId}/tool-calls`)).status).toBe(404);
    });

    it('a tool the tenant turned off answers a sayable refusal (200); the others still answer', async () => {
      const off = await callTool(C, 'book_appointment', { start: isoAt(11) });
      expect(off.status).toBe(200);
      expect(off.json()).toEqual({ ok: false, disabled: true, error: expect.any(String) });
      const on = await callTool(C, 'get_candidate', {});
      expect(on.json()).toMatchObject({ ok: true, found: false });
    });
  });

  describe('a request whose first answer never came (its gateway died mid-call)', () => {
    it('takes the claim over once it is older than TOOL_CLAIM_STALE_MS, and answers', async () => {
      const callId = `call_${hex()}`;
      const left = await prisma.toolInvocation.create({
        data: {
          tenantId: A.tenantId,
          retellCallId: callId,
          tool: 'get_candidate',
          argsHash: argsHashOf({}),
          args: {},
          claimedAt: new Date(Date.now() - env.TOOL_CLAIM_STALE_MS - 1_000),
        },
      });
      const res = await callTool(A, 'get_candidate', {}, { call_id: callId, from_number: candidate.phone });
      expect(res.json()).toMatchObject({ ok: true, found: true, candidate: { id: candidate.id } });
      const row = await waitFor(() => prisma.toolInvocation.findUniqueOrThrow({ where: { id: left.id } }).then((r) => (r.ok === null ? undefined : r)), {
        what: 'the answer to be recorded',
      });
      expect(row).toMatchObject({ ok: true, result: res.json() });
      expect(row.claimedAt.getTime()).toBeGreaterThan(left.claimedAt.getTime());
    });
  });

  describe('refusals', () => {
    it('bad signature 401, unknown tenant 404, unknown tool 404 with a reason, bad JSON 400', async () => {
      const body = JSON.stringify({ name: 'get_candidate', call: { call_id: 'call_x' }, args: {} });
      expect((await postRaw(toolUrl(A, 'get_candidate'), body, await Retell.sign(body, B.retellApiKey))).status).toBe(401);
      expect((await postRaw(toolUrl(A, 'get_candidate'), body, 'v=1,d=abc')).status).toBe(401);
      const stale = await postSigned(toolUrl(A, 'get_candidate'), body, A.retellApiKey, { timestamp: Date.now() - 10 * 60_000 });
      expect(stale.status).toBe(401);
      const noTenant = await postRaw(
        `${pipeline.gatewayUrl}/webhooks/retell/tools/no-such-${hex()}/get_candidate`,
        body,
        await Retell.sign(body, A.retellApiKey),
      );
      expect(noTenant.status).toBe(404);
      const noTool = await postRaw(toolUrl(A, 'delete_everything'), body, await Retell.sign(body, A.retellApiKey));
      expect(noTool.status).toBe(404);
      expect(noTool.json()).toEqual({ error: 'unknown_tool', reason: expect.stringContaining('get_candidate') });
      expect(noTool.text).not.toContain('delete_everything');
      const notJson = '{"name":';
      expect((await postRaw(toolUrl(A, 'get_candidate'), notJson, await Retell.sign(notJson, A.retellApiKey))).status).toBe(400);
    });
  });
});

import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DateTime } from 'luxon';
import { Calls } from '@retell-ops/call-records';
import { createPrismaClient, PgPool, type Interview, type PrismaClient } from '@retell-ops/db';
import { QueueProducers, QUEUES, type SchedulingJob } from '@retell-ops/queue';
import { ApplyScreening, clashCondition, type InterviewBooking } from '@retell-ops/recruiting';
import { createApi } from '../../apps/api/src/create-api';
import { bearerApi, postSigned } from '../support/http';
import { interviewBookingOn } from '../support/interview-booking';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { seedCall } from '@retell-ops/domain';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The same interviewer is never double-booked: a screening call that books an interviewer who
 * already has an interview then becomes needs_review, a reschedule into one is 409, and the
 * per-interviewer lock holds when many bookings of one interviewer and instant arrive at once
 * from several connections (the use case directly, and the API from two instances).
 */
describe('interviewer clashes and the booking lock', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let tenant: TestTenant;
  let pipeline: InProcessPipeline;
  let producers: QueueProducers;
  const apis: NestFastifyApplication[] = [];
  const apiUrls: string[] = [];
  /** Separate clients (each its own pool of connections), as separate worker processes would be. */
  const bookers: Array<{ prisma: PrismaClient; pool: PgPool; booking: InterviewBooking; apply: ApplyScreening }> = [];
  let pool: PgPool;
  let calls: Calls;

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'clash');
    pipeline = await startPipeline(env, { recruiting: true });
    producers = new QueueProducers(env);
    for (let i = 0; i < 2; i++) {
      const app = await createApi(env, { bootstrapDefaultTenant: false });
      await app.listen(0, '127.0.0.1');
      apis.push(app);
      apiUrls.push((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    }
    for (let i = 0; i < 4; i++) {
      const client = createPrismaClient({ databaseUrl: env.DATABASE_URL, poolSize: 3 });
      const clientPool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 3 });
      bookers.push({
        prisma: client,
        pool: clientPool,
        booking: interviewBookingOn(client, clientPool, producers, env),
        apply: new ApplyScreening(client as never),
      });
    }
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
    calls = new Calls(pool);
  }, 60000);

  afterAll(async () => {
    await pipeline?.stop();
    for (const app of apis) await app.close();
    await producers
      ?.queue(QUEUES.interviewReminders)
      .obliterate({ force: true })
      .catch(() => undefined);
    await producers?.onModuleDestroy();
    for (const b of bookers) {
      await b.prisma.$disconnect();
      await b.pool.end();
    }
    await pool?.end();
    if (tenant) await prisma.tenant.delete({ where: { id: tenant.tenantId } });
    await prisma?.$disconnect();
  });

  const hex = () => randomBytes(5).toString('hex');
  const api = (i = 0) => bearerApi(apiUrls[i % apiUrls.length], tenant.adminApiKey);

  /** The top of an hour `days` ahead of now (so its 24h and 1h reminders are in the future). */
  const slot = (days: number) => new Date(Math.ceil((Date.now() + days * 86_400_000) / 3_600_000) * 3_600_000);
  const plus = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);
  const isoIn = (at: Date, zone = 'America/Chicago') => DateTime.fromJSDate(at, { zone }).toISO({ suppressMilliseconds: true })!;

  const newCandidate = () =>
    prisma.candidate.create({ data: { tenantId: tenant.tenantId, firstName: 'Ana', lastName: `Roe ${hex()}`, phone: '+14155550142' } });

  /** A screening call for `candidateId` that books `interviewer` at `at` (the recruiting guide's fields). */
  function screeningCall(candidateId: string, interviewer: string, at: Date) {
    const call = seedCall({
      callId: `call_${randomBytes(10).toString('hex')}`,
      agentId: tenant.agentId,
      endTimestamp: Date.now() - 60_000,
      customAnalysis: {
        interview_scheduled: true,
        outcome: 'Interview Scheduled',
        scheduled_datetime_iso: isoIn(at),
        scheduled_timezone: 'Central Time',
        is_qualified_candidate: true,
      },
    });
    return { ...call, metadata: { candidate_id: candidateId, recruiter: interviewer } };
  }

  /** Through the webhook path: gateway → call worker → candidate worker → scheduling worker. */
  async function bookByCall(interviewer: string, at: Date): Promise<Interview> {
    const candidate = await newCandidate();
    const call = screeningCall(candidate.id, interviewer, at);
    const res = await postSigned(
      `${pipeline.gatewayUrl}/webhooks/retell/${tenant.slug}`,
      JSON.stringify({ event: 'call_analyzed', call }),
      tenant.retellApiKey,
    );
    expect(res.status).toBe(204);
    return waitFor(() => prisma.interview.findFirst({ where: { candidateId: candidate.id } }).then((i) => i ?? undefined), {
      what: `the interview of ${candidate.id}`,
    });
  }

  const remindersOf = async (interviewId: string) =>
    (await producers.queue(QUEUES.interviewReminders).getDelayed())
      .filter((j) => j?.data.interviewId === interviewId)
      .map((j) => j.data.offset)
      .sort();
  /** Both reminders of a booked interview: the booking adds them one by one after its row commits, so wait for the second. */
  const bothRemindersOf = (interviewId: string) =>
    waitFor(
      async () => {
        const offsets = await remindersOf(interviewId);
        return offsets.length >= 2 ? offsets : undefined;
      },
      { what: `the reminders of interview ${interviewId}` },
    );

  /** Interviews of one interviewer (any spelling of the name) that are booked, overlapping [at, at + 60 min). */
  const scheduledOverlapping = (interviewer: string, at: Date) =>
    prisma.$queryRaw<Array<{ id: string }>>`
      SELECT "id" FROM "Interview" WHERE "tenantId" = ${tenant.tenantId}::uuid AND lower("interviewer") = lower(${interviewer}) AND "status" = 'scheduled'
        AND "scheduledAt" < ${new Date(at.getTime() + 3_600_000)} AND "scheduledAt" + make_interval(mins => "durationMinutes") > ${at}`;

  describe('a screening call that books an interviewer already booked → needs_review', () => {
    it.each<[string, number, (name: string) => string, 'scheduled' | 'needs_review']>([
      ['at the same instant', 0, (n) => n, 'needs_review'],
      ['starting half-way through the first', 30, (n) => n, 'needs_review'],
      ['ending half-way through the first', -30, (n) => n, 'needs_review'],
      ['the same name in other case and spacing', 0, (n) => `  ${n.toUpperCase()} `, 'needs_review'],
      ['starting as the first ends (back to back)', 60, (n) => n, 'scheduled'],
      ['ending as the first starts (back to back)', -60, (n) => n, 'scheduled'],
      ['another interviewer at the same instant', 0, (n) => `${n} Jr`, 'scheduled'],
    ])('%s', async (_name, minutes, nameOf, expected) => {
      const interviewer = `Emma ${hex()}`;
      const at = slot(3);
      const first = await bookByCall(interviewer, at);
      expect(first).toMatchObject({ status: 'scheduled', interviewer });
      expect(await bothRemindersOf(first.id)).toEqual(['1h', '24h']);

      const second = await bookByCall(nameOf(interviewer), plus(at, minutes));
      expect(second.status).toBe(expected);
      if (expected === 'needs_review') {
        // The time asked for is kept for the person who looks at it; no reminders for it.
        expect(second).toMatchObject({ scheduledAt: plus(at, minutes), reviewReason: `conflicts with interview ${first.id} of ${nameOf(interviewer).trim()}` });
        expect(await remindersOf(second.id)).toEqual([]);
        const candidate = await prisma.candidate.findUniqueOrThrow({ where: { id: second.candidateId } });
        expect(candidate.status).toBe('interviewing');
      } else {
        expect(await bothRemindersOf(second.id)).toEqual(['1h', '24h']);
      }
      expect(await prisma.interview.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: 'scheduled', scheduledAt: at, sequence: 0 });
    });

    it('a cancelled interview frees its slot', async () => {
      const interviewer = `Emma ${hex()}`;
      const at = slot(4);
      const first = await bookByCall(interviewer, at);
      expect((await api()('POST', `/api/v1/interviews/${first.id}/cancel`)).status).toBe(200);
      const second = await bookByCall(interviewer, at);
      expect(second).toMatchObject({ status: 'scheduled', reviewReason: null });
    });
  });

  describe('POST /api/v1/interviews/:id/reschedule into a clash → 409', () => {
    it('refuses a time the interviewer is booked, moves nothing; a free time, or its own slot, is fine', async () => {
      const interviewer = `Sam ${hex()}`;
      const at = slot(5);
      const a = await bookByCall(interviewer, at);
      const b = await bookByCall(interviewer, plus(at, 180));
      const other = await bookByCall(`Lee ${hex()}`, plus(at, 300));

      for (const [what, body] of [
        ['onto the same instant', { scheduledAt: at.toISOString() }],
        ['overlapping its end', { scheduledAt: plus(at, 59).toISOString() }],
        ['longer, reaching into it', { scheduledAt: plus(at, -60).toISOString(), durationMinutes: 61 }],
        ['with another interviewer, into theirs', { scheduledAt: plus(at, 300).toISOString(), interviewer: other.interviewer }],
      ] as const) {
        const res = await api()('POST', `/api/v1/interviews/${b.id}/reschedule`, body);
        expect({ what, status: res.status }).toEqual({ what, status: 409 });
        expect(res.json.message).toMatch(/has interview [0-9a-f-]{36} at that time/);
      }
      expect(await prisma.interview.findUniqueOrThrow({ where: { id: b.id } })).toMatchObject({
        status: 'scheduled',
        scheduledAt: plus(at, 180),
        sequence: 0,
        interviewer,
      });
      expect(await remindersOf(b.id)).toEqual(['1h', '24h']);

      const backToBack = await api()('POST', `/api/v1/interviews/${b.id}/reschedule`, { scheduledAt: plus(at, 60).toISOString() });
      expect(backToBack.status).toBe(200);
      expect(backToBack.json).toMatchObject({ scheduledAt: plus(at, 60).toISOString(), sequence: 1 });
      // An interview never clashes with itself: moving it by half an hour overlaps only its old slot.
      const ownSlot = await api()('POST', `/api/v1/interviews/${b.id}/reschedule`, { scheduledAt: plus(at, 90).toISOString() });
      expect(ownSlot.status).toBe(200);
      expect(await prisma.interview.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: 'scheduled', scheduledAt: at, sequence: 0 });
    });
  });

  describe('under concurrency: exactly one booking of an interviewer and instant wins', () => {
    /** Calls recorded and applied as the call and candidate workers would, ready for the scheduling worker. */
    async function appliedScreenings(names: string[], at: Date): Promise<SchedulingJob[]> {
      const jobs: SchedulingJob[] = [];
      for (const [i, name] of names.entries()) {
        const candidate = await newCandidate();
        const call = screeningCall(candidate.id, name, at);
        await calls.recordDeliveryAlone({
          tenantId: tenant.tenantId,
          event: 'call_analyzed',
          callId: call.call_id,
          receivedAt: Date.now(),
          body: JSON.stringify({ event: 'call_analyzed', call }),
        });
        const { followUps } = await bookers[i % bookers.length].apply.execute({
          tenantId: tenant.tenantId,
          candidateId: candidate.id,
          retellCallId: call.call_id,
        });
        expect(followUps.map((f) => f.kind)).toEqual(['interview']);
        jobs.push(...followUps);
      }
      return jobs;
    }

    /** Every connection of every client opened, so the bookings below start together rather than one per connect. */
    const warmUp = () => Promise.all(bookers.flatMap((b) => [1, 2, 3].map(() => b.prisma.$queryRaw`SELECT pg_sleep(0.05)::text AS slept`)));

    it.each([1, 2, 3])('the scheduling use case from 4 clients at once (round %i)', async () => {
      const name = `Kim ${hex()}`;
      const at = slot(6);
      const names = Array.from({ length: 8 }, (_, i) => [name, name.toUpperCase(), name.toLowerCase()][i % 3]);
      const jobs = await appliedScreenings(names, at);
      await warmUp();
      const booked = await Promise.all(jobs.map((job, i) => bookers[i % bookers.length].booking.fromScreening(job) as Promise<Interview>));

      const winners = booked.filter((b) => b.status === 'scheduled');
      expect(winners).toHaveLength(1);
      for (const loser of booked.filter((b) => b.status !== 'scheduled')) {
        expect(loser).toMatchObject({
          status: 'needs_review',
          reviewReason: expect.stringMatching(new RegExp(`^conflicts with interview ${winners[0].id} of `)),
        });
        expect(await remindersOf(loser.id)).toEqual([]);
      }
      expect((await scheduledOverlapping(name, at)).map((r) => r.id)).toEqual([winners[0].id]);
      expect(await remindersOf(winners[0].id)).toEqual(['1h', '24h']);
    });

    it("the API's manual save from two API instances at once", async () => {
      const name = `Ola ${hex()}`;
      const at = slot(7);
      const candidates = await Promise.all(Array.from({ length: 8 }, () => newCandidate()));
      const answers = await Promise.all(candidates.map((c, i) => api(i)('POST', `/api/v1/candidates/${c.id}/retell-call-data`, screeningCall(c.id, name, at))));
      expect(answers.map((a) => a.status)).toEqual(candidates.map(() => 200));
      const statuses = answers.map((a) => a.json.interview.status).sort();
      expect(statuses).toEqual(['needs_review', 'needs_review', 'needs_review', 'needs_review', 'needs_review', 'needs_review', 'needs_review', 'scheduled']);
      const winner = answers.find((a) => a.json.interview.status === 'scheduled')!.json.interview;
      expect((await scheduledOverlapping(name, at)).map((r) => r.id)).toEqual([winner.id]);
    });

    it('reschedules of 6 interviews onto one instant from two API instances at once: one 200, five 409', async () => {
      const name = `Ivo ${hex()}`;
      const target = slot(8);
      const before = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => bookByCall(name, plus(target, 120 * (i + 1)))));
      expect(before.every((i) => i.status === 'scheduled')).toBe(true);
      const answers = await Promise.all(before.map((i, n) => api(n)('POST', `/api/v1/interviews/${i.id}/reschedule`, { scheduledAt: target.toISOString() })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      const moved = before[answers.findIndex((a) => a.status === 200)];
      expect((await scheduledOverlapping(name, target)).map((r) => r.id)).toEqual([moved.id]);
      for (const [n, i] of before.entries()) {
        if (i.id === moved.id) continue;
        expect(answers[n].json.message).toMatch(new RegExp(`has interview ${moved.id} at that time`));
        expect(await prisma.interview.findUniqueOrThrow({ where: { id: i.id } })).toMatchObject({
          status: 'scheduled',
          scheduledAt: i.scheduledAt,
          sequence: 0,
        });
      }
    });

    it('a cancel racing a reschedule of the same interview: the cancel sticks, and its reminders stay gone', async () => {
      const base = slot(9);
      const interviews = await Promise.all(Array.from({ length: 10 }, (_, i) => bookByCall(`Uma ${hex()}`, plus(base, 120 * i))));
      const answers = await Promise.all(
        interviews.map((i, n) =>
          Promise.all([
            api(n)('POST', `/api/v1/interviews/${i.id}/cancel`),
            api(n + 1)('POST', `/api/v1/interviews/${i.id}/reschedule`, { scheduledAt: plus(base, 120 * n + 30).toISOString() }),
          ]),
        ),
      );
      for (const [n, [cancel, reschedule]] of answers.entries()) {
        expect(cancel.status).toBe(200);
        expect([200, 409]).toContain(reschedule.status);
        const row = await prisma.interview.findUniqueOrThrow({ where: { id: interviews[n].id } });
        expect({ n, status: row.status }).toEqual({ n, status: 'cancelled' });
        expect(await remindersOf(row.id)).toEqual([]);
      }
    });
  });

  it('the clash check reads only interviews near the slot: 3,000 older ones still marked scheduled are not scanned', async () => {
    const c = await newCandidate();
    const who = `Historian ${hex()}`;
    await pool.query(
      `INSERT INTO "Interview" ("id", "tenantId", "candidateId", "status", "scheduledAt", "durationMinutes", "interviewer", "updatedAt")
       SELECT gen_random_uuid(), $1::uuid, $2::uuid, 'scheduled', now() - make_interval(days => g), 60, $3, now() FROM generate_series(2, 3001) g`,
      [tenant.tenantId, c.id, who],
    );
    await pool.query(`ANALYZE "Interview"`);
    const at = slot(3);
    const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const sql = `SELECT "id" FROM "Interview" WHERE ${clashCondition({
      tenantId: `${lit(tenant.tenantId)}::uuid`,
      interviewer: lit(who),
      start: `${lit(at.toISOString())}::timestamptz`,
      end: `${lit(plus(at, 60).toISOString())}::timestamptz`,
    })} LIMIT 1`;
    const plan = (await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`)).rows[0]['QUERY PLAN'][0].Plan;
    /** Rows every scan node read: those it returned and those its filter removed. */
    const read = (node: Record<string, unknown>): number =>
      ((node['Node Type'] as string).includes('Scan') ? Number(node['Actual Rows'] ?? 0) + Number(node['Rows Removed by Filter'] ?? 0) : 0) +
      ((node.Plans as Array<Record<string, unknown>> | undefined) ?? []).reduce((n, p) => n + read(p), 0);
    expect(read(plan)).toBeLessThan(100);
    // and an interview that does overlap, from up to a day before, is still found
    await pool.query(
      `INSERT INTO "Interview" ("id", "tenantId", "candidateId", "status", "scheduledAt", "durationMinutes", "interviewer", "updatedAt")
       VALUES (gen_random_uuid(), $1::uuid, $2::uuid, 'scheduled', $3::timestamptz - interval '23 hours', 1440, $4, now())`,
      [tenant.tenantId, c.id, at, who.toUpperCase()],
    );
    expect((await pool.query(sql)).rows).toHaveLength(1);
    await expect(
      pool.query(
        `INSERT INTO "Interview" ("id", "tenantId", "candidateId", "status", "scheduledAt", "durationMinutes", "interviewer", "updatedAt")
         VALUES (gen_random_uuid(), $1::uuid, $2::uuid, 'scheduled', now(), 1441, $3, now())`,
        [tenant.tenantId, c.id, who],
      ),
    ).rejects.toThrow(/Interview_durationMinutes_bound/);
  });
});

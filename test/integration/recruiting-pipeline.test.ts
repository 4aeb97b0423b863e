import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { QUEUES } from '@retell-ops/queue';
import { postSigned } from '../support/http';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { seedCall } from '@retell-ops/domain';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { FUTURE_YEAR } from '../support/dates';
import { waitFor } from '../support/wait';

/**
 * The webhook path of the recruiting flow: a signed call_analyzed for a call linked to a
 * candidate → call worker → candidate worker → scheduling worker → PostgreSQL (and reminders
 * as delayed jobs in Redis).
 */
describe('recruiting: analysed calls move candidates and book interviews', () => {
  const env = testEnv({ INTERVIEW_REMINDERS: '3s,2s' });
  /** The scheduling worker's clock: the system's, until a test pins it to the instant it chose. */
  let pinnedNow: number | undefined;
  const reminderClock = { now: () => pinnedNow ?? Date.now() };
  let prisma: PrismaClient;
  let pipeline: InProcessPipeline;
  let tenant: TestTenant;
  const connection = { host: '127.0.0.1', port: 6379 };
  const reminders = new Queue(QUEUES.interviewReminders, { connection, prefix: env.QUEUE_PREFIX });
  /** Every queue a delivery passes through on its way to a candidate and an interview. */
  const flow = [QUEUES.callStarted, QUEUES.callEnded, QUEUES.callAnalyzed, QUEUES.candidateScreening, QUEUES.interviewScheduling].map(
    (name) => new Queue(name, { connection, prefix: env.QUEUE_PREFIX }),
  );
  /** Waits until no job of the flow waits, runs or retries: after that, nothing more can be written. */
  const pipelineSettled = () =>
    waitFor(
      async () => {
        const counts = await Promise.all(flow.map((q) => q.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused')));
        return counts.every((c) => Object.values(c).every((n) => n === 0));
      },
      { what: 'the pipeline queues to settle' },
    );

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'recruit');
    pipeline = await startPipeline(env, { recruiting: true, reminderClock });
  });

  afterAll(async () => {
    await pipeline.stop();
    await reminders.obliterate({ force: true });
    await reminders.close();
    await Promise.all(flow.map((q) => q.close()));
    await prisma.$disconnect();
  });

  const deliver = async (event: 'call_ended' | 'call_analyzed', call: object) => {
    const res = await postSigned(
      `${pipeline.gatewayUrl}/webhooks/retell/${tenant.slug}`,
      JSON.stringify({ event, call: { agent_id: tenant.agentId, ...call } }),
      tenant.retellApiKey,
    );
    expect(res.status).toBe(204);
  };
  const newCandidate = (data: { externalId?: string; timeZone?: string; status?: 'new' | 'offered' } = {}) =>
    prisma.candidate.create({
      data: { tenantId: tenant.tenantId, firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com', phone: '+14155550142', ...data },
    });
  const uniqueCallId = () => `call_${randomBytes(10).toString('hex')}`;

  it("books the seed's interview at 2025-10-08T19:00Z in America/New_York, once however often delivered", async () => {
    const candidate = await newCandidate({ externalId: '199' });
    const call = seedCall({ agentId: tenant.agentId });
    await deliver('call_ended', { ...call, call_analysis: undefined });
    for (let i = 0; i < 3; i++) await deliver('call_analyzed', call);

    const interview = await waitFor(() => prisma.interview.findFirst({ where: { candidateId: candidate.id } }).then((i) => i ?? undefined), {
      what: 'the interview',
    });
    expect(interview).toMatchObject({
      status: 'scheduled',
      timeZone: 'America/New_York',
      sourceCallId: call.call_id,
      interviewer: 'Emma Johnson',
      rawIso: '2025-10-08T15:00:00-04:00',
    });
    expect(interview.scheduledAt?.toISOString()).toBe('2025-10-08T19:00:00.000Z');

    const updated = await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } });
    expect(updated).toMatchObject({
      status: 'interviewing',
      scheduledDate: '2025-10-08',
      scheduledTime: '3:00 PM',
      scheduledTimezone: 'Eastern Time (ET)',
      callSummary: call.call_analysis.call_summary,
      sentiment: 'Positive',
      qualified: true,
      interestLevel: 'High',
      yearsExperience: 5,
      salaryExpectation: 120000,
      skills: ['Python', 'Django', 'AWS', 'Docker'],
      questionsAsked: ['What is the team size?', 'Is remote work supported?'],
      screeningOutcome: 'Interview Scheduled',
      unavailableDates: 'October 15-17 (vacation)',
      lastScreeningCallId: call.call_id,
    });
    const linked = await prisma.call.findUniqueOrThrow({ where: { tenantId_retellCallId: { tenantId: tenant.tenantId, retellCallId: call.call_id } } });
    expect(linked.candidateId).toBe(candidate.id);

    // Every copy has been through the whole pipeline once its queues hold nothing more to do.
    await pipelineSettled();
    expect(await prisma.interview.count({ where: { candidateId: candidate.id } })).toBe(1);
    expect(await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })).toBe(1);
  });

  it('never moves a candidate backward: a stale analysis does not undo an offer', async () => {
    const candidate = await newCandidate({ status: 'offered' });
    const call = seedCall({
      callId: uniqueCallId(),
      candidateId: candidate.id,
      agentId: tenant.agentId,
      customAnalysis: { outcome: 'Not Interested', rejection_reason: 'took another job' },
    });
    await deliver('call_analyzed', call);
    await waitFor(async () => (await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })) === 1, { what: 'the screening' });
    expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({ status: 'offered' });
    expect(await prisma.interview.count({ where: { candidateId: candidate.id } })).toBe(0);
  });

  it('an older call arriving late does not overwrite what a newer call set', async () => {
    const candidate = await newCandidate();
    const newerEnd = Date.now() - 3_600_000;
    const callbackIso = `${FUTURE_YEAR}-12-01T10:00:00-05:00`;
    const newer = seedCall({
      callId: uniqueCallId(),
      candidateId: candidate.id,
      endTimestamp: newerEnd,
      customAnalysis: { outcome: 'Callback Requested', candidate_interest_level: 'Medium', scheduled_datetime_iso: callbackIso },
    });
    const older = seedCall({
      callId: uniqueCallId(),
      candidateId: candidate.id,
      endTimestamp: newerEnd - 86_400_000,
      customAnalysis: { outcome: 'Voicemail Left', candidate_interest_level: 'Low' },
    });
    await deliver('call_analyzed', newer);
    await waitFor(async () => (await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })) === 1, { what: 'the newer screening' });
    await deliver('call_analyzed', older);
    await waitFor(async () => (await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })) === 2, { what: 'the older screening' });
    const c = await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } });
    expect(c).toMatchObject({
      status: 'screening',
      interestLevel: 'Medium',
      screeningOutcome: 'Callback Requested',
      lastScreeningCallId: newer.call_id,
      callAttempts: 1,
    });
    const task = await waitFor(() => prisma.callbackTask.findFirst({ where: { candidateId: candidate.id } }).then((t) => t ?? undefined), {
      what: 'the callback task',
    });
    expect(task).toMatchObject({ status: 'pending', timeZone: expect.any(String), sourceCallId: newer.call_id });
    expect(task.dueAt?.toISOString()).toBe(`${FUTURE_YEAR}-12-01T15:00:00.000Z`);
  });

  it('voicemail left: status unchanged, the attempt counted once per call', async () => {
    const candidate = await newCandidate();
    const call = seedCall({ callId: uniqueCallId(), candidateId: candidate.id, customAnalysis: { outcome: 'Voicemail Left' } });
    await deliver('call_analyzed', call);
    await deliver('call_analyzed', call);
    await waitFor(async () => (await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })) === 1, { what: 'the screening' });
    await pipelineSettled();
    expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({ status: 'new', callAttempts: 1 });
  });

  it('an unresolvable time becomes needs_review, never a guess; an off-enum value is kept raw and flagged', async () => {
    const candidate = await newCandidate();
    const call = seedCall({
      callId: uniqueCallId(),
      candidateId: candidate.id,
      customAnalysis: { outcome: 'Interview Scheduled', scheduled_date: 'Monday', scheduled_time: 'afternoon', candidate_interest_level: 'Very keen' },
    });
    await deliver('call_analyzed', call);
    const interview = await waitFor(() => prisma.interview.findFirst({ where: { candidateId: candidate.id } }).then((i) => i ?? undefined), {
      what: 'the interview',
    });
    expect(interview).toMatchObject({
      status: 'needs_review',
      scheduledAt: null,
      rawDate: 'Monday',
      rawTime: 'afternoon',
      reviewReason: expect.stringMatching(/time could not be resolved/),
    });
    const c = await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } });
    expect(c.status).toBe('interviewing');
    expect(c.interestLevel).toBe('Very keen');
    expect(c.screeningIssues).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/interest/), raw: 'Very keen' })]));
  });

  it('fires reminders at their instant, and a cancelled interview’s never fire', async () => {
    // The scheduling worker reads "now" as the instant the calls were analysed, however long the
    // pipeline takes to book them: both reminders (3 s and 2 s before) are always still ahead.
    const analysedAt = Math.floor(Date.now() / 1000) * 1000;
    pinnedNow = analysedAt;
    const interviewAt = analysedAt + 5000;
    const iso = new Date(interviewAt).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    // Nothing fires until the cancel below is done: the reminder queue is paused.
    await reminders.pause();
    let keptId: string;
    let droppedId: string;
    try {
      const kept = await newCandidate();
      const dropped = await newCandidate();
      // Different interviewers: the same one twice at one instant would be a clash (needs_review).
      const mk = (candidateId: string) => {
        const call = seedCall({
          callId: uniqueCallId(),
          candidateId,
          customAnalysis: { outcome: 'Interview Scheduled', scheduled_datetime_iso: iso, scheduled_timezone: 'UTC' },
        });
        return { ...call, metadata: { ...call.metadata, recruiter: `Recruiter ${candidateId}` } };
      };
      await deliver('call_analyzed', mk(kept.id));
      await deliver('call_analyzed', mk(dropped.id));
      const [a, b] = await waitFor(
        async () => {
          const rows = await Promise.all([kept.id, dropped.id].map((id) => prisma.interview.findFirst({ where: { candidateId: id, status: 'scheduled' } })));
          return rows.every(Boolean) ? (rows as NonNullable<(typeof rows)[number]>[]) : undefined;
        },
        { what: 'both interviews' },
      );
      expect(a.scheduledAt?.getTime()).toBe(interviewAt);
      [keptId, droppedId] = [a.id, b.id];
      const jobsOf = async (interviewId: string) =>
        (await reminders.getJobs(['delayed', 'waiting', 'paused', 'prioritized', 'active', 'completed', 'failed'])).filter(
          (j) => j?.data.interviewId === interviewId,
        );
      // Each reminder is due exactly at its instant (the job's timestamp + delay).
      const due = (job: { timestamp: number; delay: number }) => job.timestamp + job.delay;
      const planned = await waitFor(
        async () => {
          const jobs = await jobsOf(a.id);
          return jobs.length === 2 ? jobs : undefined;
        },
        { what: "the kept interview's two reminder jobs" },
      );
      expect(planned.map((j) => [j.data.offset, due(j)]).sort()).toEqual([
        ['2s', interviewAt - 2000],
        ['3s', interviewAt - 3000],
      ]);
      await waitFor(async () => (await jobsOf(b.id)).length === 2, { what: "the dropped interview's two reminder jobs" });

      // Cancel one the way the API does (the use case removes its reminder jobs).
      const { QueueProducers } = await import('@retell-ops/queue');
      const { PgPool } = await import('@retell-ops/db');
      const { interviewBookingOn } = await import('../support/interview-booking');
      const producers = new QueueProducers(env);
      const pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 1 });
      const booking = interviewBookingOn(prisma, pool, producers, env);
      await booking.cancel(tenant.tenantId, b.id);
      await producers.onModuleDestroy();
      await pool.end();
      expect(await jobsOf(b.id)).toEqual([]);
    } finally {
      pinnedNow = undefined;
      await reminders.resume();
    }

    const fired = await waitFor(
      async () => {
        const rows = await prisma.interviewReminder.findMany({ where: { interviewId: keptId } });
        return rows.length === 2 ? rows : undefined;
      },
      { what: 'both reminders to fire', timeoutMs: 30_000 },
    );
    for (const r of fired) {
      expect(r.firedAt.getTime()).toBeGreaterThanOrEqual(interviewAt - (r.offset === '3s' ? 3000 : 2000));
    }
    // The cancelled one's reminders were due at the same instants: with the queue empty, none can come.
    await waitFor(
      async () => {
        const c = await reminders.getJobCounts('delayed', 'wait', 'paused', 'prioritized', 'active');
        return Object.values(c).every((n) => n === 0);
      },
      { what: 'the reminder queue to drain' },
    );
    expect(await prisma.interviewReminder.count({ where: { interviewId: droppedId } })).toBe(0);
  });
});

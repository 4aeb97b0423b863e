import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { QUEUES, SCREENING_JOB, screeningJobId, type ReminderJob, type ScreeningJob } from '@retell-ops/queue';
import { postSigned } from '../support/http';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { seedCall } from '@retell-ops/domain';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The recruiting flow as `npm start` runs it, each app its own process: a signed call_analyzed
 * for a linked candidate → gateway → call worker → candidate worker → scheduling worker →
 * PostgreSQL (candidate, screening, interview) and Redis (its reminders, delayed jobs). Then the
 * candidate worker is killed inside its transaction, and stopped while a call arrives: when it
 * comes back the work is done, once.
 */
describe('recruiting end to end: the candidate and scheduling workers as processes', () => {
  // A short lock: a killed worker's job is taken up again about this long after the kill.
  const env = testEnv({ WORKER_LOCK_MS: '2000' });
  const connection = { host: '127.0.0.1', port: 6379 };
  const screening = new Queue<ScreeningJob>(QUEUES.candidateScreening, { connection, prefix: env.QUEUE_PREFIX });
  const scheduling = new Queue(QUEUES.interviewScheduling, { connection, prefix: env.QUEUE_PREFIX });
  const reminders = new Queue<ReminderJob>(QUEUES.interviewReminders, { connection, prefix: env.QUEUE_PREFIX });
  let vars: Record<string, string>;
  let prisma: PrismaClient;
  let tenant: TestTenant;
  let gatewayUrl: string;
  const apps: AppProcess[] = [];
  let candidateWorker: AppProcess;

  const startCandidateWorker = async () => {
    candidateWorker = await startApp('candidate-worker', vars, /consuming/);
    apps.push(candidateWorker);
  };

  beforeAll(async () => {
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    vars = envVars({ ...env, GATEWAY_PORT: port });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'recruit-e2e');
    apps.push(
      ...(await Promise.all([
        startApp('gateway', vars, /listening on/),
        startApp('call-worker', vars, /consuming/),
        startApp('scheduling-worker', vars, /consuming/),
      ])),
    );
    await startCandidateWorker();
  }, 90000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop('SIGKILL')));
    for (const q of [screening, scheduling, reminders]) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    if (tenant) await prisma.tenant.delete({ where: { id: tenant.tenantId } });
    await prisma?.$disconnect();
  });

  const hex = () => randomBytes(5).toString('hex');
  /** The top of an hour two days ahead, in New York: both reminders (24h, 1h before) are still to come. */
  const interviewTime = () => DateTime.fromMillis(Math.ceil((Date.now() + 2 * 86_400_000) / 3_600_000) * 3_600_000, { zone: 'America/New_York' });

  /** The recruiting guide's call (as in its seed) for candidate `ref`, booking an interview at `at` (New York). */
  function guideCall(ref: string, at: DateTime, custom: Record<string, unknown> = {}) {
    return seedCall({
      callId: `call_${hex()}${hex()}`,
      candidateId: ref,
      agentId: tenant.agentId,
      endTimestamp: Date.now() - 60_000,
      customAnalysis: {
        ...seedCall().call_analysis.custom_analysis_data,
        scheduled_date: at.toFormat('yyyy-MM-dd'),
        scheduled_time: at.toFormat('h:mm a'),
        scheduled_timezone: 'Eastern Time (ET)',
        scheduled_datetime_iso: at.toISO({ suppressMilliseconds: true }),
        ...custom,
      },
    });
  }

  const deliver = async (call: { call_id: string }) => {
    const res = await postSigned(`${gatewayUrl}/webhooks/retell/${tenant.slug}`, JSON.stringify({ event: 'call_analyzed', call }), tenant.retellApiKey);
    expect(res.status).toBe(204);
  };

  const newCandidate = (externalId: string) =>
    prisma.candidate.create({
      data: { tenantId: tenant.tenantId, externalId, firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com', phone: '+14155550142' },
    });

  const screeningJobOf = (retellCallId: string) => screeningJobId({ tenantId: tenant.tenantId, candidateId: '', retellCallId });
  const remindersOf = async (interviewId: string) => (await reminders.getDelayed()).filter((j) => j?.data.interviewId === interviewId);
  /** Nothing left to do in the candidate and scheduling queues (reminders wait in theirs, delayed). */
  const settled = async () => {
    const counts = await Promise.all([screening, scheduling].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')));
    return counts.every((c) => Object.values(c).every((n) => n === 0));
  };

  it("books the guide's candidate 199: status and screening, the interview, its reminders waiting in Redis", async () => {
    const candidate = await newCandidate('199');
    const at = interviewTime();
    const call = guideCall('199', at);
    await deliver(call);

    const interview = await waitFor(() => prisma.interview.findFirst({ where: { candidateId: candidate.id } }).then((i) => i ?? undefined), {
      what: 'the interview',
      timeoutMs: 30000,
    });
    expect(interview).toMatchObject({
      status: 'scheduled',
      scheduledAt: at.toJSDate(),
      timeZone: 'America/New_York',
      resolvedFrom: 'iso',
      interviewer: 'Emma Johnson',
      sourceCallId: call.call_id,
      rawIso: at.toISO({ suppressMilliseconds: true }),
      rawZone: 'Eastern Time (ET)',
    });
    expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({
      status: 'interviewing',
      screeningOutcome: 'Interview Scheduled',
      qualified: true,
      interestLevel: 'High',
      yearsExperience: 5,
      salaryExpectation: 120000,
      skills: ['Python', 'Django', 'AWS', 'Docker'],
      scheduledDatetimeIso: at.toISO({ suppressMilliseconds: true }),
      sentiment: 'Positive',
      lastScreeningCallId: call.call_id,
    });
    expect(await prisma.candidateScreening.findMany({ where: { candidateId: candidate.id }, select: { retellCallId: true, outcome: true } })).toEqual([
      { retellCallId: call.call_id, outcome: 'Interview Scheduled' },
    ]);
    expect(await prisma.call.findUniqueOrThrow({ where: { tenantId_retellCallId: { tenantId: tenant.tenantId, retellCallId: call.call_id } } })).toMatchObject({
      candidateId: candidate.id,
    });

    // One delayed job per reminder, due its offset before the interview.
    const jobs = await waitFor(
      async () => {
        const found = await remindersOf(interview.id);
        return found.length === 2 ? found : undefined;
      },
      { what: 'the two reminder jobs' },
    );
    const before = { '24h': 86_400_000, '1h': 3_600_000 } as Record<string, number>;
    for (const job of jobs) {
      expect(await job.getState()).toBe('delayed');
      expect(job.data).toMatchObject({ tenantId: tenant.tenantId, interviewId: interview.id, scheduledAt: at.toMillis() });
      // BullMQ stamps the job a moment after the delay is computed: a few ms apart, not more.
      expect(Math.abs(job.timestamp + job.delay - (at.toMillis() - before[job.data.offset]))).toBeLessThan(5000);
    }
    expect(jobs.map((j) => j.data.offset).sort()).toEqual(['1h', '24h']);
  });

  it('the candidate worker SIGKILLed inside its transaction: nothing half-applied, and done once when it comes back', async () => {
    const candidate = await newCandidate('200');
    const at = interviewTime().plus({ hours: 2 });
    const call = guideCall('200', at);
    const jobId = screeningJobOf(call.call_id);

    // The call's screening row inserted by an open transaction: the worker's transaction, begun, stops at
    // its own insert of that row until this one ends. (A lock on the candidate's row would also stop the
    // call worker, which links the call to the candidate through a foreign key before the screening.)
    const blocker = new Client({ connectionString: env.DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO "CandidateScreening" ("id", "tenantId", "candidateId", "retellCallId", "analysis") VALUES (gen_random_uuid(), $1, $2, $3, '{}'::jsonb)`,
        [tenant.tenantId, candidate.id, call.call_id],
      );
      const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

      await deliver(call);
      await waitFor(async () => (await screening.getJobState(jobId)) === 'active', { what: 'the candidate worker to take the job', timeoutMs: 30000 });
      // Proof it is mid-transaction: a backend, inside a transaction, waiting for the lock this test holds.
      const waiting = await waitFor(
        async () =>
          (
            await blocker.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND xact_start IS NOT NULL`, [
              blockerPid,
            ])
          ).rows[0]?.pid,
        { what: "the worker's transaction to wait for the screening row", timeoutMs: 30000 },
      );
      await candidateWorker.stop('SIGKILL');
      await blocker.query('ROLLBACK');
      // PostgreSQL rolls the dead client's transaction back when it notices the client is gone.
      await waitFor(async () => (await blocker.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [waiting])).rowCount === 0, {
        what: "the killed worker's backend to end",
      });
    } finally {
      await blocker.end();
    }

    expect(await screening.getJobState(jobId)).toBe('active'); // its lock in Redis outlives the process
    expect(await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })).toBe(0);
    expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({ status: 'new', lastScreeningCallId: null });
    expect(await prisma.interview.count({ where: { candidateId: candidate.id } })).toBe(0);

    await startCandidateWorker();
    await waitFor(async () => (await screening.getJobState(jobId)) === 'completed', {
      what: 'the stalled job to be taken up again and completed',
      timeoutMs: 30000,
    });
    expect((await screening.getJob(jobId))?.stalledCounter).toBe(1); // taken up again as stalled, not delivered anew
    const interview = await waitFor(() => prisma.interview.findFirst({ where: { candidateId: candidate.id } }).then((i) => i ?? undefined), {
      what: 'the interview',
      timeoutMs: 30000,
    });
    await waitFor(settled, { what: 'the candidate and scheduling queues to drain' });

    expect(interview).toMatchObject({ status: 'scheduled', scheduledAt: at.toJSDate(), sourceCallId: call.call_id });
    expect(await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })).toBe(1);
    expect(await prisma.interview.count({ where: { candidateId: candidate.id } })).toBe(1);
    expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({
      status: 'interviewing',
      lastScreeningCallId: call.call_id,
      callAttempts: 0,
    });
    expect((await remindersOf(interview.id)).map((j) => j.data.offset).sort()).toEqual(['1h', '24h']);
  });

  it('a call that arrives while the candidate worker is down waits for it, and is applied once, replays included', async () => {
    const candidate = await newCandidate('201');
    const call = guideCall('201', interviewTime(), {
      outcome: 'Voicemail Left',
      interview_scheduled: false,
      scheduled_datetime_iso: undefined,
      scheduled_date: undefined,
      scheduled_time: undefined,
    });
    const jobId = screeningJobOf(call.call_id);

    await candidateWorker.stop('SIGTERM');
    await deliver(call);
    await deliver(call); // Retell retrying: the same job
    await waitFor(async () => (await screening.getJobState(jobId)) === 'waiting', { what: 'the screening job to wait for a worker', timeoutMs: 30000 });
    expect(await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })).toBe(0);

    await startCandidateWorker();
    await waitFor(async () => (await screening.getJobState(jobId)) === 'completed', { what: 'the screening job to complete', timeoutMs: 30000 });
    expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({
      status: 'new',
      callAttempts: 1,
      screeningOutcome: 'Voicemail Left',
      lastScreeningCallId: call.call_id,
    });

    // The same job run again, as after a worker that committed but died before BullMQ heard: nothing changes.
    const job = (await screening.getJob(jobId))!;
    const replayId = `${jobId}.replay`;
    await screening.add(SCREENING_JOB, job.data, { jobId: replayId });
    await waitFor(async () => (await screening.getJobState(replayId)) === 'completed', { what: 'the replayed job to complete', timeoutMs: 30000 });
    await waitFor(settled, { what: 'the candidate and scheduling queues to drain' });
    expect(await prisma.candidate.findUniqueOrThrow({ where: { id: candidate.id } })).toMatchObject({ status: 'new', callAttempts: 1 });
    expect(await prisma.candidateScreening.count({ where: { candidateId: candidate.id } })).toBe(1);
    expect(await prisma.interview.count({ where: { candidateId: candidate.id } })).toBe(0);
  });
});

import { Queue } from 'bullmq';
import { Client } from 'pg';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { CALL_EVENT_JOB, callEventJobId, lifecycleJobOptions, QUEUES, type CallEventJob } from '@retell-ops/queue';
import { lifecycle } from '../support/payloads';
import { startApp, type AppProcess } from '../support/processes';
import { createTestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

describe('call worker killed mid-job', () => {
  const env = testEnv({ WORKER_LOCK_MS: '2000' });
  let prisma: PrismaClient;
  let queue: Queue<CallEventJob>;
  const workers: AppProcess[] = [];

  beforeAll(() => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    queue = new Queue<CallEventJob>(QUEUES.callEnded, { connection: { host: '127.0.0.1', port: 6379 }, prefix: env.QUEUE_PREFIX });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await queue.obliterate({ force: true });
    await queue.close();
    await prisma.$disconnect();
  });

  it('completes the job after a restart, once', async () => {
    const tenant = await createTestTenant(prisma, env, 'crash');
    const l = lifecycle(tenant.agentId);
    // The dialer's row for this call, held locked so the worker stops inside its transaction.
    const call = await prisma.call.create({ data: { tenantId: tenant.tenantId, retellCallId: l.callId, status: 'queued' } });
    const blocker = new Client({ connectionString: env.DATABASE_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM "Call" WHERE id = $1 FOR UPDATE', [call.id]);
    const blockerPid = (await blocker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

    const jobId = callEventJobId(tenant.tenantId, l.callId, 'call_ended');
    await queue.add(
      CALL_EVENT_JOB,
      { tenantId: tenant.tenantId, event: 'call_ended', callId: l.callId, receivedAt: Date.now(), body: JSON.stringify(l.call_ended) },
      {
        jobId,
        ...lifecycleJobOptions(env.JOB_ATTEMPTS, env.JOB_BACKOFF_MS),
      },
    );

    const first = await startApp('call-worker', envVars(env), /consuming/);
    workers.push(first);
    await waitFor(async () => (await queue.getJobState(jobId)) === 'active', { what: 'the worker to take the job' });
    // Proof that it is inside its transaction: PostgreSQL shows a backend with a transaction open,
    // waiting for a lock that only our blocker holds (nothing else touches this call's row).
    const observer = new Client({ connectionString: env.DATABASE_URL });
    await observer.connect();
    const stuck = await waitFor(
      async () => {
        const { rows } = await observer.query<{ pid: number; wait_event_type: string | null; xact_start: Date | null }>(
          'SELECT pid, wait_event_type, xact_start FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))',
          [blockerPid],
        );
        return rows.length ? rows : undefined;
      },
      { what: "the worker's transaction to wait on the Call row lock", timeoutMs: 30_000 },
    ).finally(() => observer.end());
    expect(stuck).toEqual([expect.objectContaining({ wait_event_type: 'Lock', xact_start: expect.any(Date) })]);
    await first.stop('SIGKILL');
    await blocker.query('ROLLBACK');
    await blocker.end();

    expect(await queue.getJobState(jobId)).toBe('active'); // its lock in Redis outlives the process
    expect(await prisma.callEvent.count({ where: { callId: call.id } })).toBe(0);

    const second = await startApp('call-worker', envVars(env), /consuming/);
    workers.push(second);
    await waitFor(async () => (await queue.getJobState(jobId)) === 'completed', { what: 'the stalled job to be retried and completed', timeoutMs: 30000 });
    await second.stop('SIGTERM');

    expect(await prisma.callEvent.count({ where: { callId: call.id } })).toBe(1);
    expect(await prisma.call.count({ where: { retellCallId: l.callId } })).toBe(1);
    expect(await prisma.call.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ status: 'completed', retellStatus: 'ended', durationMs: 75000 });
  });
});

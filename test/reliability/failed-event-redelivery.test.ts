import { randomBytes } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId } from '@retell-ops/queue';
import { postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { comparable, startPipeline, type InProcessPipeline } from '../support/pipeline';
import { closeQueues, lifecycleQueues } from '../support/reliability';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * A call-event job that failed for good (its event's own error, attempts used up), then Retell
 * delivers that event again: the gateway revives the job instead of answering 204 over a dead one,
 * and the event is recorded. A duplicate of an event already recorded changes nothing, whether
 * Redis still holds its completed job or retention has removed it.
 *
 * The event error is a trigger on "CallEvent" that refuses this test's one call, dropped before
 * the redelivery (as a fixed bug would be).
 */
const JOB_ATTEMPTS = 2;

describe('a failed call-event job, then Retell redelivers the event', () => {
  const env = testEnv({ JOB_ATTEMPTS: String(JOB_ATTEMPTS), JOB_BACKOFF_MS: '100' });
  const suffix = randomBytes(4).toString('hex');
  const triggerFn = `rops_test_refuse_${suffix}`;
  const trigger = `rops_test_refuse_${suffix}`;
  let prisma: PrismaClient;
  let pipeline: InProcessPipeline;
  let tenant: TestTenant;
  let queues: ReturnType<typeof lifecycleQueues>;
  const l = lifecycle('agent_placeholder');

  const deliver = async (body: object) => {
    const res = await postSigned(`${pipeline.gatewayUrl}/webhooks/retell/${tenant.slug}`, JSON.stringify(body), tenant.retellApiKey);
    expect({ status: res.status, text: res.text }).toEqual({ status: 204, text: '' });
  };
  const jobOf = (event: 'call_started' | 'call_ended') => queues[event].getJob(callEventJobId(tenant.tenantId, l.callId, event));
  /** The job once it is in `state` (read after its state, so its fields are those of that state). */
  const jobIn = (event: 'call_started' | 'call_ended', state: 'completed' | 'failed', what: string) =>
    waitFor(async () => ((await queues[event].getJobState(callEventJobId(tenant.tenantId, l.callId, event))) === state ? jobOf(event) : undefined), { what });
  const events = () => prisma.callEvent.findMany({ where: { tenantId: tenant.tenantId, call: { retellCallId: l.callId } }, orderBy: { type: 'asc' } });
  const callRow = () => prisma.call.findUniqueOrThrow({ where: { tenantId_retellCallId: { tenantId: tenant.tenantId, retellCallId: l.callId } } });
  const dropTrigger = () => prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${trigger} ON "CallEvent"; DROP FUNCTION IF EXISTS ${triggerFn}()`);

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
    tenant = await createTestTenant(prisma, env, 'redeliver');
    Object.assign(l, lifecycle(tenant.agentId));
    queues = lifecycleQueues(env.REDIS_URL, env.QUEUE_PREFIX);
    await prisma.$executeRawUnsafe(`
      CREATE FUNCTION ${triggerFn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.payload->'call'->>'call_id' = '${l.callId}' THEN RAISE EXCEPTION 'test refuses call_started of ${l.callId}'; END IF;
        RETURN NEW;
      END $$`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER ${trigger} BEFORE INSERT ON "CallEvent" FOR EACH ROW EXECUTE FUNCTION ${triggerFn}()`);
    pipeline = await startPipeline(env);
  });

  afterAll(async () => {
    await pipeline?.stop();
    if (queues) await closeQueues(queues);
    await dropTrigger().catch(() => undefined);
    await prisma?.$disconnect();
  });

  it('the event fails for good: its job is in the failed set, nothing is recorded', async () => {
    await deliver(l.call_started);
    const failed = (await jobIn('call_started', 'failed', 'the call_started job to fail for good'))!;
    expect(failed.attemptsMade).toBe(JOB_ATTEMPTS);
    expect(failed.failedReason).toContain(`test refuses call_started of ${l.callId}`);
    expect(await events()).toEqual([]);
  });

  it('its redelivery (after the cause is fixed) is answered 204, revives the job, and the event is recorded', async () => {
    await dropTrigger();
    // Retell may send a retry while another is in flight: both copies revive the one job.
    await Promise.all([deliver(l.call_started), deliver(l.call_started)]);
    // Acknowledged only once the job is live again, with its attempts reset.
    const revived = await jobOf('call_started');
    expect(revived && (await revived.getState())).not.toBe('failed');
    const done = (await jobIn('call_started', 'completed', 'the revived job to complete'))!;
    expect(done.attemptsMade).toBe(1);
    expect((await events()).map((e) => e.type)).toEqual(['call_started']);
    expect(await callRow()).toMatchObject({ retellStatus: 'ongoing', agentId: tenant.agentId });
  });

  it('a duplicate of a completed event changes nothing: its completed job is kept and not run again', async () => {
    await deliver(l.call_ended);
    await waitFor(async () => (await events()).length === 2, { what: 'call_ended to be recorded' });
    const job = (await jobIn('call_ended', 'completed', 'the call_ended job to complete'))!;
    const row = await callRow();
    const kept = await events();

    await deliver(l.call_ended);
    // The 204 came after Redis answered the add: had it queued anything, it would be waiting now.
    const after = await jobOf('call_ended');
    expect({ state: await after!.getState(), finishedOn: after!.finishedOn, attemptsMade: after!.attemptsMade }).toEqual({
      state: 'completed',
      finishedOn: job.finishedOn,
      attemptsMade: 1,
    });
    expect(await queues.call_ended.getJobCounts('waiting', 'active', 'delayed', 'failed')).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    expect(await callRow()).toEqual(row);
    expect(await events()).toEqual(kept);
  });

  it('a duplicate whose completed job retention removed runs again as a fresh job, and the unique key keeps it from changing anything', async () => {
    const before = await jobOf('call_ended');
    const row = await callRow();
    const kept = await events();
    await before!.remove();

    await deliver(l.call_ended);
    const fresh = (await jobIn('call_ended', 'completed', 'the fresh job to complete'))!;
    expect(fresh.timestamp).toBeGreaterThan(before!.timestamp);
    expect(comparable(await callRow())).toEqual(comparable(row));
    expect(await events()).toEqual(kept);
    expect((await callRow()).status).toBe('completed');
  });
});

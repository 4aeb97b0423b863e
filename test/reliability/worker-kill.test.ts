import { Client } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { callEventJobId } from '@retell-ops/queue';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { startApp, type AppProcess } from '../support/processes';
import {
  allJobs,
  closeQueues,
  ledger,
  ledgerProblems,
  ledgerSummary,
  lifecycleQueues,
  NO_PROBLEMS,
  planDeliveries,
  processedPairs,
  queueCounts,
  runSeed,
  sendDeliveries,
  statusHistogram,
} from '../support/reliability';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * A few hundred deliveries queued through the gateway, then the built call worker is SIGKILLed
 * while it is working through them (some recorded, some in flight, the rest waiting) and started
 * again. Its in-flight jobs are retried once their 2 s locks lapse; every job must complete once,
 * and PostgreSQL must hold each (call, event) exactly once.
 */
describe('call worker SIGKILLed mid-batch', () => {
  // 4 jobs per queue at a time, so the batch takes long enough to be interrupted in the middle.
  const env = testEnv({ WORKER_LOCK_MS: '2000', CALL_WORKER_CONCURRENCY: '4' });
  let prisma: PrismaClient;
  let gateway: NestFastifyApplication;
  let gatewayUrl: string;
  let tenant: TestTenant;
  const workers: AppProcess[] = [];
  const queues = lifecycleQueues(env.REDIS_URL, env.QUEUE_PREFIX);
  let blocker: Client | undefined;

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'kill');
    gateway = await createGateway(env);
    await gateway.listen(0, '127.0.0.1');
    gatewayUrl = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await blocker?.end().catch(() => undefined);
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await gateway.close();
    await closeQueues(queues);
    await prisma.$disconnect();
  });

  it('completes every job exactly once after a restart', async () => {
    const seed = runSeed();
    const plan = planDeliveries(tenant, { seed, minCalls: 120, maxCopies: 2 });
    const pairs = plan.calls.reduce((n, c) => n + c.clean.length, 0);
    console.log(`worker-kill seed=${seed}: ${plan.calls.length} calls, ${pairs} distinct events, ${plan.deliveries.length} deliveries`);

    const results = await sendDeliveries(gatewayUrl, tenant, plan.deliveries, 32);
    expect(statusHistogram(results)).toEqual({ 204: plan.deliveries.length });
    expect(await queueCounts(queues)).toMatchObject({ waiting: pairs, active: 0, completed: 0 });

    // Two answered calls among the first queued are held by a row lock (as a dialer updating the
    // call would), so their jobs are certainly in flight, inside their transactions, at the kill.
    const firstQueued = new Set((await queues.call_ended.getWaiting(0, 30)).map((j) => j.data.callId));
    const held = plan.calls.filter((c) => c.scenario === 'answered' && firstQueued.has(c.callId)).slice(0, 2);
    expect(held).toHaveLength(2);
    for (const c of held) await prisma.call.create({ data: { tenantId: tenant.tenantId, retellCallId: c.callId, status: 'queued' } });
    blocker = new Client({ connectionString: env.DATABASE_URL });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM "Call" WHERE "tenantId" = $1 AND "retellCallId" = ANY($2) FOR UPDATE', [tenant.tenantId, held.map((c) => c.callId)]);
    const heldJobIds = held.map((c) => ({ queue: queues.call_ended, id: callEventJobId(tenant.tenantId, c.callId, 'call_ended') }));

    const first = await startApp('call-worker', envVars(env), /consuming/);
    workers.push(first);
    await waitFor(
      async () => {
        const states = await Promise.all(heldJobIds.map((j) => j.queue.getJobState(j.id)));
        return states.every((s) => s === 'active') && (await processedPairs(prisma, tenant.tenantId)) >= Math.floor(pairs * 0.3);
      },
      { what: 'the worker to be part-way through the batch', timeoutMs: 30_000, intervalMs: 20 },
    );
    await first.stop('SIGKILL');
    const atKill = { processed: await processedPairs(prisma, tenant.tenantId), counts: await queueCounts(queues) };
    console.log(`worker-kill: SIGKILL with ${atKill.processed}/${pairs} recorded, queues ${JSON.stringify(atKill.counts)}`);
    await blocker.query('ROLLBACK');
    await blocker.end();
    blocker = undefined;

    expect(atKill.processed).toBeGreaterThan(0);
    expect(atKill.processed).toBeLessThan(pairs);
    expect(atKill.counts.active).toBeGreaterThanOrEqual(held.length); // still locked by the dead worker in Redis
    expect(atKill.counts.waiting).toBeGreaterThan(0);
    // The killed worker's open transactions were rolled back with its connections.
    expect(await prisma.callEvent.count({ where: { tenantId: tenant.tenantId, call: { retellCallId: { in: held.map((c) => c.callId) } } } })).toBe(0);

    const second = await startApp('call-worker', envVars(env), /consuming/);
    workers.push(second);
    await waitFor(
      async () => {
        const c = await queueCounts(queues);
        return c.completed === pairs && c.waiting + c.active + c.delayed === 0;
      },
      { what: `all ${pairs} jobs to complete after the restart`, timeoutMs: 45_000, intervalMs: 200 },
    );
    await second.stop('SIGTERM');

    const counts = await queueCounts(queues);
    const l = await ledger(prisma, tenant.tenantId, plan.calls);
    console.log(`worker-kill after restart: jobs ${JSON.stringify(counts)}; ${ledgerSummary(l)}`);
    expect(counts).toMatchObject({ completed: pairs, failed: 0, waiting: 0, active: 0, delayed: 0 });
    // The jobs the dead worker held were taken back as stalled (not failed) and completed.
    const stalled = (await allJobs(queues, ['completed'])).filter((j) => j.stalledCounter > 0);
    expect(stalled.length).toBeGreaterThanOrEqual(held.length);
    for (const j of heldJobIds) expect(await j.queue.getJobState(j.id)).toBe('completed');
    expect(ledgerProblems(l)).toEqual(NO_PROBLEMS);
    expect(await prisma.call.count({ where: { tenantId: tenant.tenantId } })).toBe(plan.calls.length);
    expect(await prisma.callEvent.count({ where: { tenantId: tenant.tenantId } })).toBe(pairs);
  }, 120_000);
});

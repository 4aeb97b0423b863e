import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { getJson } from '../support/http';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { freePort, startApp, type AppProcess } from '../support/processes';
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
  sleep,
  statusHistogram,
  type PlannedCall,
  type SendResult,
} from '../support/reliability';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrate } = require('../../tools/db') as { migrate: (url: string, opts: { log: (m: string) => void }) => Promise<number> };

/**
 * PostgreSQL (a private cluster of this test: initdb + pg_ctl on a free port) is stopped for 40 s
 * while Retell keeps delivering. The gateway needs PostgreSQL only to look tenants up, and those
 * lookups are cached (40 s outlasts the cache's 30 s, so the fallback to the last known entry is
 * exercised), so it must keep answering 204. The call worker's jobs cannot reach PostgreSQL: they
 * go back to wait without using an attempt and the worker pauses (1 s doubling to
 * DEPENDENCY_RETRY_MAX_MS) until it is back; then every (call, event) lands exactly once.
 *
 * Retry budget. The test shrinks it to JOB_ATTEMPTS = 3, JOB_BACKOFF_MS = 100: BullMQ's backoff
 * (jitter 0.5) waits less than 100 + 200 ms in all before failing a job for good, so an outage of
 * 40 s is more than 100 times the budget. If outage errors used attempts, every job that arrived
 * during it would be failed within a second.
 */
const OUTAGE_MS = 40_000;
const JOB_ATTEMPTS = 3;
const JOB_BACKOFF_MS = 100;
const RETRY_BUDGET_MS = JOB_BACKOFF_MS * (2 ** (JOB_ATTEMPTS - 1) - 1);
const DEPENDENCY_RETRY_MAX_MS = 2000;

describe('PostgreSQL stopped for 40 s, far longer than the retry budget', () => {
  let pg: PrivatePostgres;
  let prisma: PrismaClient;
  let tenant: TestTenant;
  let env: ReturnType<typeof testEnv>;
  let gatewayUrl: string;
  let gateway: AppProcess;
  let worker: AppProcess;
  let queues: ReturnType<typeof lifecycleQueues>;
  const seed = runSeed();

  const outageCalls: PlannedCall[] = [];
  const outageResults: Array<SendResult & { atMs: number }> = [];
  let warmCalls: PlannedCall[] = [];
  let outageStartedAt = 0;
  let restartedAt = 0;
  const observed = {
    maxAttemptsMade: 0,
    jobsSeen: 0,
    failedDuringOutage: 0,
    readyDuringOutage: undefined as undefined | { status: number; body: unknown },
    gatewayAlive: true,
    workerAlive: true,
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres('retell_ops_fault');
    await migrate(pg.url, { log: () => {} });
    const gatewayPort = await freePort();
    env = testEnv({
      DATABASE_URL: pg.url,
      GATEWAY_PORT: String(gatewayPort),
      JOB_ATTEMPTS: String(JOB_ATTEMPTS),
      JOB_BACKOFF_MS: String(JOB_BACKOFF_MS),
      DEPENDENCY_RETRY_MAX_MS: String(DEPENDENCY_RETRY_MAX_MS),
    });
    prisma = createPrismaClient({ databaseUrl: pg.url, poolSize: 2 });
    tenant = await createTestTenant(prisma, env, 'pg-down');
    gateway = await startApp('gateway', envVars(env), /listening on/);
    worker = await startApp('call-worker', envVars(env), /consuming/);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    queues = lifecycleQueues(env.REDIS_URL, env.QUEUE_PREFIX);

    // Warm the gateway's tenant cache on both routes (slug and agent) with a few real calls.
    const warm = planDeliveries(tenant, { seed, minCalls: 8 });
    warmCalls = warm.calls;
    expect(statusHistogram(await sendDeliveries(gatewayUrl, tenant, warm.deliveries, 8))).toEqual({ 204: warm.deliveries.length });
    const warmPairs = warm.calls.reduce((n, c) => n + c.clean.length, 0);
    await waitFor(async () => (await processedPairs(prisma, tenant.tenantId)) === warmPairs, { what: 'the warm-up calls to be recorded' });
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop('SIGTERM'), worker?.stop('SIGTERM')]);
    if (queues) await closeQueues(queues);
    await prisma?.$disconnect();
    await pg?.destroy();
  });

  it(
    'the gateway keeps answering 204 to every delivery while PostgreSQL is down',
    async () => {
      await prisma.$disconnect();
      await pg.stop();
      outageStartedAt = Date.now();
      try {
        // A wave of fresh calls every 2 s for 60 s, each event once or twice, both routes.
        let wave = 0;
        while (Date.now() - outageStartedAt < OUTAGE_MS - 2000) {
          const plan = planDeliveries(tenant, { seed: seed + 1 + wave++, minCalls: 2, maxCopies: 2 });
          outageCalls.push(...plan.calls);
          const results = await sendDeliveries(gatewayUrl, tenant, plan.deliveries, 8);
          const atMs = Date.now() - outageStartedAt;
          outageResults.push(...results.map((r) => ({ ...r, atMs })));
          if (wave === 5) {
            const ready = await getJson(`${gatewayUrl}/ready`);
            observed.readyDuringOutage = { status: ready.status, body: ready.json() };
          }
          const delayed = await allJobs(queues, ['delayed', 'waiting', 'active']);
          for (const j of delayed) observed.maxAttemptsMade = Math.max(observed.maxAttemptsMade, j.attemptsMade);
          observed.jobsSeen = Math.max(observed.jobsSeen, delayed.length);
          observed.failedDuringOutage = Math.max(observed.failedDuringOutage, (await queueCounts(queues)).failed);
          await sleep(Math.max(0, wave * 2000 - (Date.now() - outageStartedAt)));
        }
        await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStartedAt)));
        observed.gatewayAlive = gateway.child.exitCode === null && gateway.child.signalCode === null;
        observed.workerAlive = worker.child.exitCode === null && worker.child.signalCode === null;
      } finally {
        await pg.start();
        restartedAt = Date.now();
        prisma = createPrismaClient({ databaseUrl: pg.url, poolSize: 2 });
      }

      const refused = outageResults.filter((r) => r.status !== 204);
      const firstRefusal = refused[0];
      console.log(
        `postgres-outage seed=${seed}: ${outageResults.length} deliveries over ${outageCalls.length} calls during ${((restartedAt - outageStartedAt) / 1000).toFixed(1)} s down: ` +
          `${JSON.stringify(statusHistogram(outageResults))}` +
          (firstRefusal ? `; first non-204 at +${(firstRefusal.atMs / 1000).toFixed(1)} s: ${firstRefusal.status} ${firstRefusal.text}` : ''),
      );
      if (firstRefusal) {
        const lines = gateway.output().split('\n');
        const at = lines.findIndex((line) => /ERROR/.test(line));
        const why =
          at < 0
            ? '(nothing logged)'
            : lines
                .slice(at, at + 4)
                .map((l) => l.trim())
                .join(' | ')
                .slice(0, 600);
        console.log(`postgres-outage: the gateway's log on the first refusal: ${why}`);
      }

      expect(observed.gatewayAlive).toBe(true);
      expect(observed.readyDuringOutage).toEqual({ status: 503, body: { status: 'not_ready', postgres: 'down', redis: 'up' } });
      // Tenant lookups past the cache TTL fall back to the last known entry while PostgreSQL is down.
      expect({
        statuses: statusHistogram(outageResults),
        firstRefusal: firstRefusal && `+${Math.round(firstRefusal.atMs / 1000)} s: ${firstRefusal.status} ${firstRefusal.text}`,
      }).toEqual({
        statuses: { 204: outageResults.length },
        firstRefusal: undefined,
      });
    },
    OUTAGE_MS + 60_000,
  );

  it('meanwhile the worker keeps its jobs waiting without using attempts, and says so once', async () => {
    expect(OUTAGE_MS).toBeGreaterThanOrEqual(10 * RETRY_BUDGET_MS);
    expect(observed.workerAlive).toBe(true);
    expect(observed.jobsSeen).toBeGreaterThan(0);
    expect({ maxAttemptsMade: observed.maxAttemptsMade, failed: observed.failedDuringOutage }).toEqual({ maxAttemptsMade: 0, failed: 0 });
    const out = worker.output();
    expect(out.match(/a dependency is unavailable/g)).toHaveLength(1);
    expect(out).not.toMatch(/job \S+ attempt \d+\/\d+:/); // no job failed, not even once
  });

  it('once PostgreSQL is back every event lands exactly once (refused deliveries re-delivered, as Retell retries them)', async () => {
    // Whatever the gateway did not accept during the outage, Retell delivers again.
    const refused = outageResults.filter((r) => r.status !== 204).map((r) => r.delivery);
    if (refused.length) {
      const again = await waitFor(
        async () => {
          const res = await sendDeliveries(gatewayUrl, tenant, refused, 8);
          return res.every((r) => r.status === 204) ? res : undefined;
        },
        { what: 'refused deliveries to be accepted after the restart', timeoutMs: 30_000, intervalMs: 1000 },
      );
      expect(statusHistogram(again)).toEqual({ 204: refused.length });
    }

    const calls = [...warmCalls, ...outageCalls];
    const pairs = calls.reduce((n, c) => n + c.clean.length, 0);
    await waitFor(
      async () => {
        const [done, q] = await Promise.all([processedPairs(prisma, tenant.tenantId), queueCounts(queues)]);
        return done === pairs && q.waiting + q.active + q.delayed === 0;
      },
      { what: `all ${pairs} events to be recorded after PostgreSQL came back`, timeoutMs: 60_000, intervalMs: 500 },
    );
    const recoveredMs = Date.now() - restartedAt;
    const jobs = await allJobs(queues, ['completed']);
    const attempts = jobs.map((j) => j.attemptsMade);
    const started = jobs.map((j) => j.attemptsStarted);
    const l = await ledger(prisma, tenant.tenantId, calls);
    console.log(
      `postgres-outage: everything recorded ${(recoveredMs / 1000).toFixed(1)} s after the restart; ` +
        `attempts made per job max ${Math.max(...attempts)}, runs started per job max ${Math.max(...started)}, sent back to wait ${started.filter((a) => a > 1).length}/${jobs.length}; ${ledgerSummary(l)}`,
    );
    // Only the successful run counts as an attempt; the runs during the outage went back to wait.
    expect(Math.max(...attempts)).toBe(1);
    expect(Math.max(...started)).toBeGreaterThan(1);
    expect(worker.output().match(/dependencies are back after/g)).toHaveLength(1);
    console.log(
      `postgres-outage: the worker said: ${worker
        .output()
        .split('\n')
        .filter((line) => /a dependency is unavailable|dependencies are back/.test(line))
        .map((line) => line.replace(/^.*?(WARN|LOG)\s+/, '$1 ').trim())
        .join(' | ')}`,
    );
    expect(ledgerProblems(l)).toEqual(NO_PROBLEMS);
    expect((await queueCounts(queues)).failed).toBe(0);
    expect(await prisma.call.count({ where: { tenantId: tenant.tenantId } })).toBe(calls.length);
    expect(await prisma.callEvent.count({ where: { tenantId: tenant.tenantId } })).toBe(pairs);
  }, 120_000);
});

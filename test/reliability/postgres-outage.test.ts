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
 * PostgreSQL (a private cluster of this test: initdb + pg_ctl on a free port) is stopped for 60 s
 * while Retell keeps delivering. The gateway needs PostgreSQL only to look tenants up, and those
 * lookups are cached, so it must keep answering 204; the call worker's jobs fail and are retried
 * with backoff; once PostgreSQL is back every (call, event) lands exactly once.
 *
 * Retry budget. BullMQ's exponential backoff with the platform's jitter 0.5 waits, before retry n
 * (n = 1 … JOB_ATTEMPTS − 1), a uniformly random time in [0.5, 1) · JOB_BACKOFF_MS · 2^(n−1).
 *  - Survival: a job is failed for good only after JOB_ATTEMPTS − 1 retries, i.e. after at least
 *    0.5 · B · (2^(A−1) − 1) of waiting. With A = 20, B = 500 ms that is 0.5 · 500 · 524,287 ms
 *    ≈ 36 h ≫ 60 s. (The test env's default, A = 10, B = 200 ms, gives only 0.5 · 200 · 511 ms
 *    ≈ 51 s: jobs that arrived when the outage began would be failed for good before its end.)
 *  - Recovery: the retry pending when PostgreSQL returns (R after the job's first failure) was
 *    scheduled after some retry k−1 at E ≤ R with a wait d < B · 2^(k−1) ≤ 2E + B, so it fires
 *    less than 2R + B after the restart. With R ≈ 62 s (60 s outage + stop/start) the last job
 *    runs within ≈ 125 s of the restart, typically within ~R/2. The final wait allows 2R + B + 20 s.
 */
const OUTAGE_MS = 60_000;
const JOB_ATTEMPTS = 20;
const JOB_BACKOFF_MS = 500;

describe('PostgreSQL stopped for 60 s', () => {
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
  const observed = { maxAttemptsMade: 0, readyDuringOutage: undefined as undefined | { status: number; body: unknown }, gatewayAlive: true, workerAlive: true };

  beforeAll(async () => {
    pg = await startPrivatePostgres('retell_ops_fault');
    await migrate(pg.url, { log: () => {} });
    const gatewayPort = await freePort();
    env = testEnv({
      DATABASE_URL: pg.url,
      GATEWAY_PORT: String(gatewayPort),
      JOB_ATTEMPTS: String(JOB_ATTEMPTS),
      JOB_BACKOFF_MS: String(JOB_BACKOFF_MS),
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
        const why = at < 0 ? '(nothing logged)' : lines.slice(at, at + 4).map((l) => l.trim()).join(' | ').slice(0, 600);
        console.log(`postgres-outage: the gateway's log on the first refusal: ${why}`);
      }

      expect(observed.gatewayAlive).toBe(true);
      expect(observed.readyDuringOutage).toEqual({ status: 503, body: { status: 'not_ready', postgres: 'down', redis: 'up' } });
      // Tenant lookups past the cache TTL fall back to the last known entry while PostgreSQL is down.
      expect({ statuses: statusHistogram(outageResults), firstRefusal: firstRefusal && `+${Math.round(firstRefusal.atMs / 1000)} s: ${firstRefusal.status} ${firstRefusal.text}` }).toEqual({
        statuses: { 204: outageResults.length },
        firstRefusal: undefined,
      });
    },
    OUTAGE_MS + 60_000,
  );

  it('the worker fails and retries its jobs with backoff meanwhile, failing none for good', async () => {
    expect(observed.workerAlive).toBe(true);
    expect(observed.maxAttemptsMade).toBeGreaterThan(1);
    expect(worker.output()).toMatch(new RegExp(`attempt [2-9]/${JOB_ATTEMPTS}`));
    expect((await queueCounts(queues)).failed).toBe(0);
  });

  it(
    'once PostgreSQL is back every event lands exactly once (refused deliveries re-delivered, as Retell retries them)',
    async () => {
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
      const R = restartedAt - outageStartedAt;
      await waitFor(
        async () => {
          const [done, q] = await Promise.all([processedPairs(prisma, tenant.tenantId), queueCounts(queues)]);
          return done === pairs && q.waiting + q.active + q.delayed === 0;
        },
        { what: `all ${pairs} events to be recorded after PostgreSQL came back`, timeoutMs: 2 * R + JOB_BACKOFF_MS + 20_000, intervalMs: 500 },
      );
      const recoveredMs = Date.now() - restartedAt;
      const jobs = await allJobs(queues, ['completed']);
      const attempts = jobs.map((j) => j.attemptsMade);
      const l = await ledger(prisma, tenant.tenantId, calls);
      console.log(
        `postgres-outage: everything recorded ${(recoveredMs / 1000).toFixed(1)} s after the restart; ` +
          `attempts per job max ${Math.max(...attempts)}, retried ${attempts.filter((a) => a > 1).length}/${jobs.length}; ${ledgerSummary(l)}`,
      );
      expect(ledgerProblems(l)).toEqual(NO_PROBLEMS);
      expect((await queueCounts(queues)).failed).toBe(0);
      expect(await prisma.call.count({ where: { tenantId: tenant.tenantId } })).toBe(calls.length);
      expect(await prisma.callEvent.count({ where: { tenantId: tenant.tenantId } })).toBe(pairs);
    },
    2 * (OUTAGE_MS + 5_000) + JOB_BACKOFF_MS + 60_000,
  );
});

import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { freePort, startApp, type AppProcess } from '../support/processes';
import {
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
 * Soak: many realistic calls (every simulator scenario), each event delivered 1–3 times, all
 * deliveries shuffled with a seeded RNG and sent 32 at a time through a real gateway to a real
 * call worker on the real PostgreSQL and Redis. Afterwards nothing may be lost or duplicated and
 * every row must equal the fold of one clean delivery of each of its events.
 *
 * Both sizes run the gateway and the call worker as the built apps, each in its own process, as
 * `npm start` does. Default (`npm test`): ≥ 150 calls and ≥ 1,500 deliveries. `SOAK=full`
 * (`npm run test:soak`): ≥ 1,000 calls and ≥ 10,000 deliveries. SOAK_CALLS / SOAK_DELIVERIES /
 * SOAK_CONCURRENCY override the sizes; SOAK_SEED replays a run (the seed is printed).
 */
const FULL = process.env.SOAK === 'full';
const MIN_CALLS = Number(process.env.SOAK_CALLS ?? (FULL ? 1000 : 150));
const MIN_DELIVERIES = Number(process.env.SOAK_DELIVERIES ?? (FULL ? 10_000 : 1500));
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 32);

describe(`soak (${FULL ? 'full' : 'default'}): duplicated, reordered deliveries of many calls`, () => {
  const env = testEnv({ LOG_LEVEL: 'error' });
  let prisma: PrismaClient;
  let tenant: TestTenant;
  let gatewayUrl: string;
  const apps: AppProcess[] = [];
  const queues = lifecycleQueues(env.REDIS_URL, env.QUEUE_PREFIX);

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'soak');
    const port = await freePort();
    const vars = envVars({ ...env, GATEWAY_PORT: port } as typeof env);
    apps.push(...(await Promise.all([startApp('gateway', vars, /listening on/), startApp('call-worker', vars, /consuming/)])));
    gatewayUrl = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop('SIGTERM')));
    await closeQueues(queues);
    await prisma.$disconnect();
  });

  it(
    `records every call once, equal to one clean delivery each (≥ ${MIN_CALLS} calls, ≥ ${MIN_DELIVERIES} deliveries)`,
    async () => {
      const seed = runSeed();
      const plan = planDeliveries(tenant, { seed, minCalls: MIN_CALLS, minDeliveries: MIN_DELIVERIES, maxCopies: 3 });
      const pairs = plan.calls.reduce((n, c) => n + c.clean.length, 0);
      const mix: Record<string, number> = {};
      for (const c of plan.calls) mix[c.scenario] = (mix[c.scenario] ?? 0) + 1;
      console.log(
        `soak seed=${seed} (replay with SOAK_SEED=${seed}): ${plan.calls.length} calls ${JSON.stringify(mix)}, ${pairs} distinct events, ` +
          `${plan.deliveries.length} deliveries (${plan.deliveries.length - pairs} duplicates), ${CONCURRENCY} in flight, gateway and worker in their own processes`,
      );

      const t0 = Date.now();
      const results = await sendDeliveries(gatewayUrl, tenant, plan.deliveries, CONCURRENCY);
      const sendMs = Date.now() - t0;
      const notAccepted = results.filter((r) => r.status !== 204);
      expect({ statuses: statusHistogram(results), firstRefusals: notAccepted.slice(0, 5).map((r) => `${r.status} ${r.text}`) }).toEqual({
        statuses: { 204: plan.deliveries.length },
        firstRefusals: [],
      });

      await waitFor(
        async () => {
          const [done, q] = await Promise.all([processedPairs(prisma, tenant.tenantId), queueCounts(queues)]);
          return done >= pairs && q.waiting + q.active + q.delayed + q.prioritized === 0;
        },
        { what: `all ${pairs} events to be recorded`, timeoutMs: FULL ? 600_000 : 90_000, intervalMs: 250 },
      );
      const totalMs = Date.now() - t0;

      const counts = await queueCounts(queues);
      const l = await ledger(prisma, tenant.tenantId, plan.calls);
      console.log(
        `soak seed=${seed}: ${plan.deliveries.length} deliveries over ${plan.calls.length} calls sent in ${(sendMs / 1000).toFixed(1)} s ` +
          `(${Math.round(plan.deliveries.length / (sendMs / 1000))}/s), all recorded after ${(totalMs / 1000).toFixed(1)} s; ` +
          `jobs completed ${counts.completed}, failed ${counts.failed}; ${ledgerSummary(l)}`,
      );

      expect(counts.failed).toBe(0);
      // BullMQ keeps one job per (tenant, call, event) id: duplicates never became jobs of their own.
      expect(counts.completed).toBe(pairs);
      // Both processes lived through the whole run (none was restarted behind the test's back).
      expect(apps.map((a) => a.child.exitCode)).toEqual([null, null]);
      expect(ledgerProblems(l)).toEqual(NO_PROBLEMS);
      expect(await prisma.call.count({ where: { tenantId: tenant.tenantId } })).toBe(plan.calls.length);
      expect(await prisma.callEvent.count({ where: { tenantId: tenant.tenantId } })).toBe(pairs);
    },
    FULL ? 1_200_000 : 150_000,
  );
});

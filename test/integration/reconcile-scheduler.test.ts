import { Queue } from 'bullmq';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { QUEUES, reconcileSchedulerId } from '@retell-ops/queue';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { privateDatabase, type PrivateDatabase } from '../support/private-database';
import { createTestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * Two call workers, as two replicas: each upserts the tenant's reconciliation scheduler, Redis
 * holds one, and each interval's run is taken by exactly one of them.
 */
describe('reconciliation scheduler across two call worker processes', () => {
  let database: PrivateDatabase;
  let prisma: PrismaClient;
  const workers: AppProcess[] = [];
  let queue: Queue;

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await prisma?.$disconnect();
    await database?.drop();
  });

  it('one scheduler per tenant; every interval runs once, on one worker', async () => {
    database = await privateDatabase('reconsched'); // the workers schedule every tenant they find
    // Retell nowhere: each run fails at once (no retries), which is all this test needs of it
    const env = testEnv({
      DATABASE_URL: database.url,
      RETELL_BASE_URL: `http://127.0.0.1:${await freePort()}`,
      RECONCILE_INTERVAL_MS: '700',
      RECONCILE_RETRIES: '0',
      LOG_LEVEL: 'log',
    });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    const tenant = await createTestTenant(prisma, env, 'sched');
    const vars = envVars(env);
    workers.push(...(await Promise.all([startApp('call-worker', vars, /consuming/), startApp('call-worker', vars, /consuming/)])));
    for (const w of workers) expect(w.output()).toMatch(/consuming .*reconcile\.v1/);

    const runs = await waitFor(
      async () => {
        const rows = await prisma.reconcileRun.findMany({ where: { tenantId: tenant.tenantId, finishedAt: { not: null } } });
        return rows.length >= 6 ? rows : undefined;
      },
      { what: 'six scheduled runs', timeoutMs: 30000, intervalMs: 200 },
    );
    queue = new Queue(QUEUES.reconcile, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
    const schedulers = await queue.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key)).toEqual([reconcileSchedulerId(tenant.tenantId)]);
    expect(schedulers[0]).toMatchObject({ every: 700 });

    expect(runs.every((r) => r.trigger === 'schedule' && r.requestedBy?.startsWith(`scheduler:repeat:${reconcileSchedulerId(tenant.tenantId)}:`))).toBe(true);
    // each interval's job ran once: no two runs share a scheduler job
    expect(new Set(runs.map((r) => r.requestedBy)).size).toBe(runs.length);
    // and each run was executed by one worker only
    for (const r of runs) {
      const inOutputs = workers.filter((w) => w.output().includes(`run ${r.id} (schedule)`)).length;
      expect(inOutputs).toBe(1);
    }
  }, 90000);
});

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { getJson } from '../support/http';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { startApp, type AppProcess } from '../support/processes';
import {
  allJobs,
  boundedAll,
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
  type Plan,
} from '../support/reliability';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * Redis (a private redis-server of this test) is killed while Retell keeps delivering. The gateway
 * must refuse every delivery with 503 + Retry-After (it cannot keep them), say so on /ready, keep
 * nothing behind the scenes, and accept again once Redis is back; the call worker, pointed at the
 * same Redis, records what arrives after. Deliveries answered 503 are re-delivered, as Retell
 * retries them, and land exactly once.
 */
describe('Redis stopped', () => {
  let redis: PrivateRedis;
  let env: ReturnType<typeof testEnv>;
  let prisma: PrismaClient;
  let gateway: NestFastifyApplication;
  let gatewayUrl: string;
  let worker: AppProcess;
  let tenant: TestTenant;
  let queues: ReturnType<typeof lifecycleQueues>;

  const pairsOf = (p: Plan) => p.calls.reduce((n, c) => n + c.clean.length, 0);
  const ids = (p: Plan) => p.calls.map((c) => c.callId);

  beforeAll(async () => {
    redis = await startPrivateRedis();
    env = testEnv({ REDIS_URL: redis.url, LOG_LEVEL: 'fatal' });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'redis-down');
    gateway = await createGateway(env);
    await gateway.listen(0, '127.0.0.1');
    gatewayUrl = (await gateway.getUrl()).replace('[::1]', '127.0.0.1');
    worker = await startApp('call-worker', envVars(env), /consuming/);
    queues = lifecycleQueues(redis.url, env.QUEUE_PREFIX);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop('SIGTERM');
    await gateway?.close();
    if (queues) await closeQueues(queues, false);
    await redis?.stop();
    await prisma?.$disconnect();
  });

  it('answers 503 for every delivery while Redis is down, keeps none of them, and records them exactly once when re-delivered after', async () => {
    const seed = runSeed();
    console.log(`redis-outage seed=${seed}`);
    const before = planDeliveries(tenant, { seed, minCalls: 20 });
    const during = planDeliveries(tenant, { seed: seed + 1, minCalls: 40 });
    const after = planDeliveries(tenant, { seed: seed + 2, minCalls: 20 });

    // Up: accepted and recorded.
    expect(statusHistogram(await sendDeliveries(gatewayUrl, tenant, before.deliveries, 16))).toEqual({ 204: before.deliveries.length });
    await waitFor(async () => (await processedPairs(prisma, tenant.tenantId, ids(before))) === pairsOf(before), { what: 'the first calls to be recorded' });

    // Down: every delivery refused with 503 and Retry-After, nothing 2xx, /ready says why.
    await redis.stop();
    const t0 = Date.now();
    const refused = await sendDeliveries(gatewayUrl, tenant, during.deliveries, 16);
    const refusedMs = Date.now() - t0;
    console.log(
      `redis-outage: ${during.deliveries.length} deliveries while Redis was down answered ${JSON.stringify(statusHistogram(refused))} in ${refusedMs} ms`,
    );
    expect(statusHistogram(refused)).toEqual({ 503: during.deliveries.length });
    for (const r of refused) expect(JSON.parse(r.text)).toMatchObject({ error: 'unavailable' });
    const ready = await getJson(`${gatewayUrl}/ready`);
    expect({ status: ready.status, body: ready.json() }).toEqual({ status: 503, body: { status: 'not_ready', postgres: 'up', redis: 'down' } });
    expect((await getJson(`${gatewayUrl}/health`)).status).toBe(200);
    // Retry-After is sent with the 503 (checked on one more delivery, as fetch shows headers).
    const one = await fetch(`${gatewayUrl}/webhooks/retell/${tenant.slug}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-retell-signature': await (await import('retell-sdk/lib/webhook_auth')).symmetric.sign(during.deliveries[0].bytes, tenant.retellApiKey, Date.now()),
      },
      body: during.deliveries[0].bytes,
    });
    expect(one.status).toBe(503);
    expect(one.headers.get('retry-after')).toMatch(/^\d+$/);

    // Back up (empty: nothing survived the kill). The gateway and the worker reconnect by themselves.
    await redis.start();
    await waitFor(async () => (await getJson(`${gatewayUrl}/ready`)).status === 200, {
      what: '/ready to report Redis up again',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect(statusHistogram(await sendDeliveries(gatewayUrl, tenant, after.deliveries, 16))).toEqual({ 204: after.deliveries.length });
    await waitFor(async () => (await processedPairs(prisma, tenant.tenantId, ids(after))) === pairsOf(after), {
      what: 'the worker to record deliveries made after Redis came back',
      timeoutMs: 30_000,
    });

    // What was refused was not kept anywhere: not in PostgreSQL, not queued behind the scenes. The
    // worker has drained what Redis holds, so nothing more can reach PostgreSQL.
    await waitFor(
      async () => {
        const c = await queueCounts(queues);
        return c.waiting + c.active + c.delayed + c.prioritized === 0;
      },
      { what: 'the queues to drain' },
    );
    expect(await prisma.call.count({ where: { tenantId: tenant.tenantId, retellCallId: { in: ids(during) } } })).toBe(0);
    expect(await prisma.callEvent.count({ where: { tenantId: tenant.tenantId, call: { retellCallId: { in: ids(during) } } } })).toBe(0);
    const duringIds = new Set(ids(during));
    expect((await allJobs(queues)).filter((j) => duringIds.has(j.data.callId))).toEqual([]);

    // Retell retries what was refused: every refused delivery again (duplicates and all), now 204.
    const redelivered = await sendDeliveries(gatewayUrl, tenant, during.deliveries, 16);
    expect(statusHistogram(redelivered)).toEqual({ 204: during.deliveries.length });
    await waitFor(async () => (await processedPairs(prisma, tenant.tenantId, ids(during))) === pairsOf(during), {
      what: 'the re-delivered events to be recorded',
      timeoutMs: 30_000,
    });
    await waitFor(
      async () => {
        const c = await queueCounts(queues);
        return c.waiting + c.active + c.delayed === 0;
      },
      { what: 'the queues to drain' },
    );

    const all = [...before.calls, ...during.calls, ...after.calls];
    const l = await ledger(prisma, tenant.tenantId, all);
    console.log(`redis-outage: ${ledgerSummary(l)}`);
    expect(ledgerProblems(l)).toEqual(NO_PROBLEMS);
    expect((await queueCounts(queues)).failed).toBe(0);
    // The worker survived the outage (it reconnected rather than exiting).
    expect(worker.child.exitCode).toBeNull();
  }, 120_000);

  it('answers every delivery of a burst with 503 (none hangs) while Redis is down, and keeps none of them', async () => {
    await redis.stop();
    const burst = planDeliveries(tenant, { seed: runSeed(), minCalls: 30, maxCopies: 1 });
    // Every request must be answered: a hung one never resolves and the test times out (90 s, far
    // beyond the gateway's own 3 s enqueue bound, so a slow machine does not fail it). How fast the
    // answers come is a figure for the benchmark, not an assertion; it is printed for the record.
    const answers = await boundedAll(burst.deliveries, 32, async (d) => {
      const t = Date.now();
      const [r] = await sendDeliveries(gatewayUrl, tenant, [d], 1);
      return { ...r, ms: Date.now() - t };
    });
    console.log(
      `redis-outage: burst of ${answers.length} answered ${JSON.stringify(statusHistogram(answers))}, slowest ${Math.max(...answers.map((a) => a.ms))} ms`,
    );
    expect(statusHistogram(answers)).toEqual({ 503: burst.deliveries.length });
    await redis.start();
    await waitFor(async () => (await getJson(`${gatewayUrl}/ready`)).status === 200, {
      what: '/ready to report Redis up again',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    // Redis restarted empty and nothing of the burst was queued before the kill.
    expect((await allJobs(queues)).filter((j) => ids(burst).includes(j.data.callId))).toEqual([]);
    expect(await prisma.call.count({ where: { tenantId: tenant.tenantId, retellCallId: { in: ids(burst) } } })).toBe(0);
  }, 90_000);
});

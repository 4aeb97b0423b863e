import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { createRedis, queuePrefix, type AppEnv } from '@retell-ops/config';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import { QUEUES, reconcileSchedulerId } from '@retell-ops/queue';
import { bearerApi, postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { privateDatabase, type PrivateDatabase } from '../support/private-database';
import { startPrivateRedisCluster, type PrivateRedisCluster } from '../support/private-redis-cluster';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { openSse } from '../support/sse';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';
import type { SimCreate } from '../support/dialer-stack';

/**
 * More than one machine: every app on a 3-master Redis Cluster (REDIS_URL=redis+cluster://…), with
 * two replicas of the gateway, the call worker and the dialer worker, as `docker compose up --scale`
 * runs them. Deliveries through either gateway are kept once, a batch is dialled by two dialers
 * without passing the cap or dialling a target twice, the single-leader job (one reconcile
 * scheduler per tenant) stays single, live events cross the cluster, and the queues' keys share
 * one hash slot.
 */
describe('Redis Cluster and replicas', () => {
  const CAP = 8;
  let cluster: PrivateRedisCluster;
  let database: PrivateDatabase;
  let env: AppEnv;
  let prisma: PrismaClient;
  let apiUrl: string;
  let gateways: string[];
  let simUrl: string;
  let adminKey: string;
  let callWorkers: AppProcess[];
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster(3);
    database = await privateDatabase('cluster');
    const [apiPort, simPort, gw1, gw2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    apiUrl = `http://127.0.0.1:${apiPort}`;
    simUrl = `http://127.0.0.1:${simPort}`;
    gateways = [`http://127.0.0.1:${gw1}`, `http://127.0.0.1:${gw2}`];
    adminKey = `rops_cluster_${randomBytes(16).toString('hex')}`;
    env = testEnv({
      DATABASE_URL: database.url,
      REDIS_URL: cluster.url,
      API_PORT: String(apiPort),
      RETELL_SIM_PORT: String(simPort),
      GATEWAY_URL: gateways[0],
      RETELL_BASE_URL: simUrl,
      RETELL_API_KEY: `key_test_cluster_${randomBytes(16).toString('hex')}`,
      ADMIN_API_KEY: adminKey,
      DEFAULT_AGENT_ID: `agent_cluster_${randomBytes(6).toString('hex')}`,
      DEFAULT_TENANT_SLUG: `cluster-${randomBytes(4).toString('hex')}`,
      DIALER_TICK_MS: '250',
      CONCURRENCY_CACHE_MS: '1000',
      RECONCILE_INTERVAL_MS: '600000',
    });
    const vars = { ...envVars(env), RETELL_SIM_RING_MS: '150', RETELL_SIM_TALK_MS: '400', RETELL_SIM_ANALYSIS_MS: '100', RETELL_SIM_CONCURRENCY: String(CAP) };
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    apps.push(await startApp('api', vars, /listening on/, 120000));
    // Two waves, so nine Node processes do not all boot at once on a small machine.
    // Every process that did start is kept in `apps` before a failure is thrown, so afterAll stops it.
    const startAll = async (starts: Array<Promise<AppProcess>>): Promise<AppProcess[]> => {
      const settled = await Promise.allSettled(starts);
      const started = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      apps.push(...started);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return started;
    };
    await startAll([
      startApp('gateway', { ...vars, GATEWAY_PORT: String(gw1) }, /listening on/, 120000),
      startApp('gateway', { ...vars, GATEWAY_PORT: String(gw2) }, /listening on/, 120000),
      startApp('retell-sim', vars, /listening on/, 120000),
    ]);
    const workers = await startAll([
      startApp('call-worker', vars, /consuming/, 120000),
      startApp('call-worker', vars, /consuming/, 120000),
      startApp('dialer-worker', vars, /consuming/, 120000),
      startApp('dialer-worker', vars, /consuming/, 120000),
      startApp('candidate-worker', vars, /consuming/, 120000),
      startApp('scheduling-worker', vars, /consuming/, 120000),
    ]);
    callWorkers = workers.slice(0, 2);
  }, 360000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop().catch(() => undefined)));
    await prisma?.$disconnect();
    await database?.drop();
    await cluster?.stop();
  }, 60000);

  const api = () => bearerApi(apiUrl, adminKey);

  it('BullMQ keeps every key of its queues under the hash-tagged prefix, in one slot of one node', async () => {
    const prefix = queuePrefix(env);
    expect(prefix).toBe(`{${env.QUEUE_PREFIX}}`);
    const slot = (await cluster.cli(cluster.ports[0], 'cluster', 'keyslot', prefix)).trim();
    const holders: number[] = [];
    for (const port of cluster.ports) {
      const keys = (await cluster.cli(port, '--scan', '--pattern', `${prefix}:*`)).split('\n').filter(Boolean);
      if (keys.length) holders.push(port);
      for (const key of keys.slice(0, 20)) expect((await cluster.cli(port, 'cluster', 'keyslot', key)).trim()).toBe(slot);
    }
    expect(holders).toHaveLength(1);
  });

  it('deliveries through either gateway are kept once, by either call worker, and reach the live stream', async () => {
    const tenantId = (await api()('GET', '/api/v1/tenant')).json.id as string;
    const sse = await openSse(`${apiUrl}/api/v1/events`, { authorization: `Bearer ${adminKey}` });
    const calls = Array.from({ length: 12 }, () => lifecycle(env.DEFAULT_AGENT_ID!));
    let i = 0;
    for (const c of calls) {
      for (const event of ['call_started', 'call_ended', 'call_analyzed'] as const) {
        const body = JSON.stringify(c[event]);
        // Each delivery twice, once through each gateway, as Retell's retries may land on either replica.
        const answers = await Promise.all(gateways.map((g) => postSigned(`${g}/webhooks/retell`, body, env.RETELL_API_KEY!)));
        for (const a of answers) expect(a.status).toBe(204);
        i++;
      }
    }
    expect(i).toBe(36);
    const ids = calls.map((c) => c.callId);
    await waitFor(async () => (await prisma.callEvent.count({ where: { tenantId, call: { retellCallId: { in: ids } } } })) === 36, {
      what: '36 events kept',
      timeoutMs: 60000,
    });
    await waitFor(async () => (await prisma.call.count({ where: { tenantId, retellCallId: { in: ids }, status: 'completed' } })) === 12, {
      what: '12 completed calls',
      timeoutMs: 60000,
    });
    expect(await prisma.callEvent.count({ where: { tenantId, call: { retellCallId: { in: ids } } } })).toBe(36);
    await sse.take(1, (e) => e.event === 'call.updated' && ids.some((id) => e.data.includes(id)));
    sse.close();
  }, 120000);

  it('a live transcript is kept and served across the cluster (its script writes two keys of one tenant slot)', async () => {
    const tenantId = (await api()('GET', '/api/v1/tenant')).json.id as string;
    const call = lifecycle(env.DEFAULT_AGENT_ID!);
    expect((await postSigned(`${gateways[0]}/webhooks/retell`, JSON.stringify(call.call_started), env.RETELL_API_KEY!)).status).toBe(204);
    await waitFor(async () => (await prisma.call.findFirst({ where: { tenantId, retellCallId: call.callId } }))?.status === 'in_progress', {
      what: 'the call in progress',
      timeoutMs: 60000,
    });
    const turns = [
      { role: 'agent', content: 'Hi, this is the recruiting assistant.' },
      { role: 'user', content: 'Hello, yes.' },
    ];
    const update = { event: 'transcript_updated', call: { ...call.call_started.call, transcript_object: turns } };
    expect((await postSigned(`${gateways[1]}/webhooks/retell`, JSON.stringify(update), env.RETELL_API_KEY!)).status).toBe(204);
    const live = await api()('GET', `/api/v1/calls/${call.callId}/live-transcript`);
    expect(live.status).toBe(200);
    expect(live.json).toMatchObject({ source: 'live', count: 2, utterances: turns });
  }, 90000);

  it('with one call worker stopped, the other takes every delivery', async () => {
    const tenantId = (await api()('GET', '/api/v1/tenant')).json.id as string;
    await callWorkers[0].stop();
    const calls = Array.from({ length: 6 }, () => lifecycle(env.DEFAULT_AGENT_ID!));
    for (const c of calls)
      for (const event of ['call_started', 'call_ended'] as const)
        expect((await postSigned(`${gateways[1]}/webhooks/retell`, JSON.stringify(c[event]), env.RETELL_API_KEY!)).status).toBe(204);
    const ids = calls.map((c) => c.callId);
    await waitFor(async () => (await prisma.call.count({ where: { tenantId, retellCallId: { in: ids }, status: 'completed' } })) === 6, {
      what: '6 calls completed by the remaining worker',
      timeoutMs: 60000,
    });
  }, 90000);

  it('two dialer workers dial a batch: never above the cap, each target once', async () => {
    await fetch(`${simUrl}/sim/reset`, { method: 'POST' });
    const targets = Array.from({ length: 30 }, (_, n) => ({ toNumber: `+1415${String(700000 + n).padStart(6, '0')}0` }));
    const created = await api()('POST', '/api/v1/batches', { name: 'cluster batch', maxConcurrent: CAP, maxAttempts: 1, targets });
    expect(created.status).toBe(201);
    const batchId = created.json.id as string;
    const done = await waitFor(
      async () => {
        const b = (await api()('GET', `/api/v1/batches/${batchId}`)).json;
        return b.progress.completed + b.progress.failed === targets.length ? b : undefined;
      },
      { what: 'the batch to end', timeoutMs: 120000, intervalMs: 500 },
    );
    expect(done.progress).toMatchObject({ total: 30, queued: 0, live: 0, completed: 30 });
    const stats = (await (await fetch(`${simUrl}/sim/stats`)).json()) as { maxConcurrentObserved: number };
    expect(stats.maxConcurrentObserved).toBeLessThanOrEqual(CAP);
    const creates = (await (await fetch(`${simUrl}/sim/creates`)).json()) as SimCreate[];
    const dialled = creates.filter((c) => c.callId).map((c) => c.toNumber);
    expect(dialled).toHaveLength(30);
    expect(new Set(dialled).size).toBe(30);
  }, 150000);

  it('the single-leader job stays single: one reconcile scheduler per tenant, whatever the replicas', async () => {
    const tenantId = (await api()('GET', '/api/v1/tenant')).json.id as string;
    const connection = createRedis(env.REDIS_URL, 'worker');
    const queue = new Queue(QUEUES.reconcile, { connection, prefix: queuePrefix(env) });
    try {
      const schedulers = await waitFor(
        async () => {
          const all = await queue.getJobSchedulers(0, -1);
          return all.length ? all : undefined;
        },
        { what: 'the reconcile scheduler', timeoutMs: 30000 },
      );
      expect(schedulers.map((s) => s.key)).toEqual([reconcileSchedulerId(tenantId)]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});

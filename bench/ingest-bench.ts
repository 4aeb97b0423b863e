/**
 * Webhook ingest benchmark: bare verify (B0) vs the seeds' verify-and-INSERT design (S) vs the
 * real gateway (G), plus the gateway → BullMQ → call worker → PostgreSQL pipeline and the
 * gateway's ack with PostgreSQL stopped. See bench/README.md.
 *
 *   npm run bench                      full run (5 interleaved rounds)
 *   npm run bench -- --quick           smoke run (1 round of 3 s, short pipeline phases)
 *   npm run bench -- --rounds 7 --duration 10 --connections 32
 *   npm run bench -- --profile         CPU profiles of the gateway and worker under load instead
 *   npm run bench -- --drain [--workers 2]  only the call worker's capacity (backlog drain), 3 times
 *   npm run bench -- --live [--quick]       only the live-call endpoints (tools, inbound) at 200/s: bench/live-bench.ts
 *   npm run bench -- --campaign [--quick]  only campaigns: 100k-target batches accepted, dials/s with 1 and 3 dialer workers (bench/campaign-bench.ts)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { apiBench } from './api-bench';
import { cpus } from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { Queue } from 'bullmq';
import { SecretBox } from '@retell-ops/config';
import { createPrismaClient, upsertTenant } from '@retell-ops/db';
import { QUEUE_FOR_EVENT, LIFECYCLE_EVENTS } from '@retell-ops/queue';
import { buildPool, templateSizes, type RequestPool } from './payload-pool';
import { cannon, paced, type LoadResult } from './load';
import {
  backgroundCores,
  cpuSecondsOf,
  createPrivatePostgres,
  freePort,
  killAllSync,
  liveApps,
  memoryOf,
  removePrivateClustersSync,
  ROOT,
  sleep,
  spawnApp,
  startNode,
  type Child,
  type PrivatePostgres,
} from './processes';
import { comparePackages, formatSummary, summariseProfile } from './cpuprofile';
import { liveBench } from './live-bench';
import { campaignMode } from './campaign-bench';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require(path.join(ROOT, 'tools', 'db.js')) as {
  migrate: (url: string, opts?: { log?: (m: string) => void }) => Promise<number>;
  dropDatabase: (url: string) => Promise<void>;
};

// ---------------------------------------------------------------------------------------------
// options

interface Options {
  quick: boolean;
  rounds: number;
  satSec: number;
  rateSec: number;
  warmupSec: number;
  connections: number;
  preloadEvents: number;
  sustainSec: number;
  burstSec: number;
  drainTimeoutSec: number;
  pgDownRounds: number;
  pgDownSec: number;
  ttlCheck: boolean;
  skipPipeline: boolean;
  skipPgDown: boolean;
  profile: boolean;
  drain: boolean;
  gatewayNodeArgs: string[];
  /** call-worker processes in --drain */
  workers: number;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const has = (f: string) => argv.includes(f);
  const num = (f: string): number | undefined => {
    const i = argv.indexOf(f);
    if (i < 0) return undefined;
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${f} needs a positive number`);
    return v;
  };
  const quick = has('--quick');
  const rounds = Math.round(num('--rounds') ?? (quick ? 1 : 5));
  const dur = num('--duration');
  return {
    quick,
    rounds,
    satSec: dur ?? (quick ? 3 : 7),
    rateSec: dur ?? (quick ? 3 : 5),
    warmupSec: quick ? 1 : 2,
    connections: Math.round(num('--connections') ?? 32),
    preloadEvents: quick ? 1500 : 4500,
    sustainSec: quick ? 6 : 20,
    burstSec: quick ? 6 : 30,
    drainTimeoutSec: quick ? 120 : 300,
    pgDownRounds: rounds,
    pgDownSec: quick ? 3 : Math.min(dur ?? 5, 8),
    ttlCheck: !has('--no-ttl-check'),
    skipPipeline: has('--skip-pipeline'),
    skipPgDown: has('--skip-pgdown'),
    profile: has('--profile'),
    drain: has('--drain'),
    gatewayNodeArgs: argv.includes('--gateway-node-args') ? (argv[argv.indexOf('--gateway-node-args') + 1] ?? '').split(/\s+/).filter(Boolean) : [],
    workers: Math.round(num('--workers') ?? 1),
    out: path.join(ROOT, 'bench', 'results', 'latest.json'),
  };
}

// ---------------------------------------------------------------------------------------------
// shared state

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_BASE = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
/** BENCH_DB_NAME lets two benchmarks share one PostgreSQL server without dropping each other's database. */
const BENCH_DB = `${PG_BASE}/${process.env.BENCH_DB_NAME ?? 'retell_ops_bench'}`;
const SEED_TABLE = 'bench_seed_event';
const GATEWAY_MAIN = path.join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');
const WORKER_MAIN = path.join(ROOT, 'dist', 'apps', 'call-worker', 'src', 'main.js');
const BASELINE_MAIN = path.join(ROOT, 'dist', 'bench', 'baseline-server.js');

const secrets = {
  retell: `key_${randomBytes(16).toString('hex')}`,
  admin: `rops_${randomBytes(20).toString('hex')}`,
  enc: randomBytes(32).toString('hex'),
  agent: `agent_bench_${randomBytes(4).toString('hex')}`,
};

const prefixes = new Set<string>();
const databases = new Set<string>();
const log = (msg: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function appEnv(databaseUrl: string, prefix: string, port: number): Record<string, string> {
  prefixes.add(prefix);
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    GATEWAY_PORT: String(port),
    API_PORT: '0',
    RETELL_SIM_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'log',
    NODE_ENV: 'production',
    RETELL_API_KEY: secrets.retell,
    ADMIN_API_KEY: secrets.admin,
    ENCRYPTION_KEY: secrets.enc,
  };
}

async function prepareDatabase(url: string): Promise<string> {
  databases.add(url);
  await db.dropDatabase(url);
  await db.migrate(url, { log: () => undefined });
  const prisma = createPrismaClient({ databaseUrl: url, poolSize: 2 });
  try {
    const { tenantId } = await upsertTenant(prisma, new SecretBox(secrets.enc), {
      slug: 'bench',
      name: 'Benchmark tenant',
      retellApiKey: secrets.retell,
      adminApiKey: secrets.admin,
      defaultAgentId: secrets.agent,
    });
    return tenantId;
  } finally {
    await prisma.$disconnect();
  }
}

async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Removes every Redis key under a BullMQ prefix (no worker may be running on it). */
async function deleteQueueKeys(prefix: string): Promise<number> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 3 });
  let n = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return n;
}

/** Removes completed jobs while a worker runs (they are kept an hour by design, up to 10k per queue). */
async function cleanCompleted(prefix: string): Promise<void> {
  const connection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    for (const e of LIFECYCLE_EVENTS) {
      const q = new Queue(QUEUE_FOR_EVENT[e], { connection, prefix });
      for (;;) {
        const removed = await q.clean(0, 5000, 'completed');
        if (removed.length < 5000) break;
      }
      await q.close();
    }
  } finally {
    connection.disconnect();
  }
}

async function redisInfo(): Promise<{ usedMb: number; pid: number }> {
  const redis = new IORedis(REDIS_URL);
  try {
    const info = await redis.info();
    const get = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    return { usedMb: get('used_memory') / 2 ** 20, pid: get('process_id') };
  } finally {
    redis.disconnect();
  }
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : x);

// ---------------------------------------------------------------------------------------------
// the three servers

type VariantName = 'B0' | 'S' | 'G';
interface Variant {
  name: VariantName;
  label: string;
  url: string;
  proc: Child;
  /** best req/s seen so far, to size pools */
  estRate: number;
  after?: () => Promise<void>;
}

async function startBaseline(mode: 'bare' | 'seed'): Promise<{ proc: Child; url: string }> {
  const port = await freePort();
  const proc = await startNode(
    `baseline-${mode}`,
    BASELINE_MAIN,
    {
      BENCH_MODE: mode,
      BENCH_PORT: String(port),
      BENCH_RETELL_KEY: secrets.retell,
      BENCH_DATABASE_URL: BENCH_DB,
      BENCH_SEED_TABLE: SEED_TABLE,
    },
    /listening on/,
  );
  return { proc, url: `http://127.0.0.1:${port}/webhooks/retell` };
}

/** Extra node flags for every gateway the bench starts (`--gateway-node-args "…"`), to try V8 settings. */
let gatewayNodeArgs: string[] = [];

async function startGateway(
  databaseUrl: string,
  prefix: string,
  nodeArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<{ proc: Child; url: string; env: Record<string, string> }> {
  const port = await freePort();
  const env = { ...appEnv(databaseUrl, prefix, port), ...extraEnv };
  const proc = await startNode('gateway', GATEWAY_MAIN, env, /listening on http/, [...gatewayNodeArgs, ...nodeArgs]);
  return { proc, url: `http://127.0.0.1:${port}/webhooks/retell`, env };
}

async function startWorker(env: Record<string, string>, nodeArgs: string[] = []): Promise<Child> {
  return startNode('call-worker', WORKER_MAIN, env, /consuming /, nodeArgs, 60_000);
}

/** One signed delivery, checked to be answered 2xx (the server is set up right). */
async function smoke(v: { name: string; url: string }): Promise<void> {
  const pool = await buildPool(3, secrets.retell, secrets.agent);
  for (let i = 0; i < 3; i++) {
    const d = pool.take();
    const res = await fetch(v.url, { method: 'POST', body: d.body, headers: { 'content-type': 'application/json', 'x-retell-signature': d.signature } });
    if (res.status !== 204) throw new Error(`${v.name} answered ${res.status} to a valid delivery: ${await res.text()}`);
  }
}

async function pool(count: number): Promise<RequestPool> {
  return buildPool(Math.max(1, Math.ceil(count)), secrets.retell, secrets.agent);
}

interface RunRecord extends LoadResult {
  round: number;
  serverCpuUsPerReq?: number;
  redisCpuUsPerReq?: number;
  /** S: CPU of its PostgreSQL backends per request */
  dbCpuUsPerReq?: number;
  rssMb?: number;
  /** cores kept busy by other processes just before the run (after waiting for a quiet moment) */
  bgCoresBefore?: number;
  /** cores kept busy by other processes during the run */
  bgCoresDuring?: number;
}

let quietBudgetMs = 0;

/** Waits (within a total budget) until other processes leave the machine mostly idle. */
async function waitQuiet(ours: () => number[]): Promise<number> {
  let bg = NaN;
  for (let i = 0; i < 10; i++) {
    const t = Date.now();
    bg = (await backgroundCores(ours, () => sleep(600))).bgCores;
    quietBudgetMs -= Date.now() - t;
    if (bg < 0.35 || quietBudgetMs <= 0) break;
  }
  return bg;
}

async function backendPids(): Promise<number[]> {
  return withPg(BENCH_DB, async (c) =>
    (await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid),
  );
}

/** The processes an event passes through in the pipeline phase; PostgreSQL's are its backends on the bench database. */
interface PipelineProcesses {
  gateway: number;
  redis: number;
  worker: number;
  /** the bench's own sampling connection is left out */
  postgres: () => Promise<number[]>;
}
type PipelineProcess = 'gateway' | 'redis' | 'worker' | 'postgres';

/**
 * CPU seconds each pipeline process used while `work` ran. A backend that exits during `work`
 * loses what it used (none do: the pools stay open); PostgreSQL's background writers and the
 * WAL writer are not counted (shared by every database), nor Redis work for other users.
 */
async function pipelineCpu<T>(procs: PipelineProcesses, work: () => Promise<T>): Promise<{ result: T; cpuSec: Record<PipelineProcess, number> }> {
  const pgBefore = new Map((await procs.postgres()).map((pid) => [pid, cpuSecondsOf(pid)]));
  const before = { gateway: cpuSecondsOf(procs.gateway), redis: cpuSecondsOf(procs.redis), worker: cpuSecondsOf(procs.worker) };
  const result = await work();
  const cpuSec = {
    gateway: cpuSecondsOf(procs.gateway) - before.gateway,
    redis: cpuSecondsOf(procs.redis) - before.redis,
    worker: cpuSecondsOf(procs.worker) - before.worker,
    postgres: 0,
  };
  for (const pid of new Set([...pgBefore.keys(), ...(await procs.postgres())])) cpuSec.postgres += Math.max(0, cpuSecondsOf(pid) - (pgBefore.get(pid) ?? 0));
  return { result, cpuSec };
}

/** CPU µs per committed event, per process and summed. */
function cpuPerEvent(cpuSec: Record<PipelineProcess, number>, events: number) {
  const us = (sec: number) => (sec * 1e6) / Math.max(1, events);
  const byProcess = { gateway: us(cpuSec.gateway), redis: us(cpuSec.redis), worker: us(cpuSec.worker), postgres: us(cpuSec.postgres) };
  return { total: byProcess.gateway + byProcess.redis + byProcess.worker + byProcess.postgres, byProcess };
}

async function measure(v: Variant, redisPid: number, run: () => Promise<LoadResult>): Promise<Omit<RunRecord, 'round'>> {
  const extra = v.name === 'S' ? await backendPids() : v.name === 'G' && redisPid ? [redisPid] : [];
  const ours = () => [process.pid, v.proc.pid, ...extra];
  const bgCoresBefore = await waitQuiet(ours);
  const cpu0 = cpuSecondsOf(v.proc.pid);
  const rcpu0 = v.name === 'G' && redisPid ? cpuSecondsOf(redisPid) : 0;
  // S: CPU of its PostgreSQL backends (those of the bench database, before and after the run)
  const db0 = new Map(extra.map((pid) => [pid, cpuSecondsOf(pid)]));
  const { result: r, bgCores: bgCoresDuring } = await backgroundCores(ours, run);
  const requests = r.ok + r.non2xx;
  const out: Omit<RunRecord, 'round'> = {
    ...r,
    serverCpuUsPerReq: requests ? ((cpuSecondsOf(v.proc.pid) - cpu0) * 1e6) / requests : NaN,
    bgCoresBefore,
    bgCoresDuring,
  };
  if (v.name === 'S') {
    const after = await backendPids();
    const used = after.reduce((a, pid) => a + cpuSecondsOf(pid) - (db0.get(pid) ?? 0), 0);
    out.dbCpuUsPerReq = requests ? (used * 1e6) / requests : NaN;
  }
  out.rssMb = memoryOf(v.proc.pid).rssMb;
  if (v.name === 'G' && redisPid) out.redisCpuUsPerReq = requests ? ((cpuSecondsOf(redisPid) - rcpu0) * 1e6) / requests : NaN;
  await v.after?.();
  return out;
}

const fmt = (r: LoadResult & { bgCoresDuring?: number }) =>
  `${r.reqPerSec.toFixed(0)} req/s  p50 ${r.p50.toFixed(2)}  p99 ${r.p99.toFixed(2)}  p99.9 ${r.p999.toFixed(2)} ms` +
  (r.non2xx || r.errors ? `  non2xx ${r.non2xx} errors ${r.errors} ${JSON.stringify(r.statusCodes)}` : '') +
  (r.duplicates ? `  (${r.duplicates} duplicates)` : '') +
  (r.bgCoresDuring !== undefined ? `  [other processes ${r.bgCoresDuring.toFixed(2)} cores]` : '');

// ---------------------------------------------------------------------------------------------
// pipeline: gateway + call worker, commits counted in PostgreSQL

interface Sample {
  t: number;
  committed: number;
  accepted: number;
}

async function countCommitted(c: Client): Promise<number> {
  const { rows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM "CallEvent" WHERE "processedAt" IS NOT NULL');
  return Number(rows[0].n);
}

async function waitCommitted(c: Client, target: number, timeoutSec: number, samples: Sample[], accepted: number): Promise<{ drained: boolean; at: number }> {
  const deadline = Date.now() + timeoutSec * 1000;
  for (;;) {
    const n = await countCommitted(c);
    const t = Date.now();
    samples.push({ t, committed: n, accepted });
    if (n >= target) return { drained: true, at: t };
    if (t > deadline) return { drained: false, at: t };
    await sleep(200);
  }
}

/** Rate between the samples nearest to two times. */
function rateBetween(samples: Sample[], from: number, to: number): number {
  const a = samples.reduce((best, s) => (Math.abs(s.t - from) < Math.abs(best.t - from) ? s : best), samples[0]);
  const b = samples.reduce((best, s) => (Math.abs(s.t - to) < Math.abs(best.t - to) ? s : best), samples[0]);
  return b.t > a.t ? ((b.committed - a.committed) * 1000) / (b.t - a.t) : NaN;
}

async function resetPipelineTables(c: Client, prefix: string): Promise<void> {
  await cleanCompleted(prefix);
  await c.query('TRUNCATE "CallEvent", "Call"');
}

interface SustainedResult {
  rate: number;
  bgCores: number;
  load: LoadResult;
  committedPerSec: number;
  backlogGrowthPerSec: number;
  sustainable: boolean;
  p50ReceiveToCommitMs: number;
  p95ReceiveToCommitMs: number;
  p99ReceiveToCommitMs: number;
  drainAfterSec: number;
  /** CPU from the first delivery until every accepted one was committed, per accepted event */
  cpuUsPerEvent: number;
  cpuUsPerEventByProcess: Record<PipelineProcess, number>;
}

async function sustained(
  c: Client,
  url: string,
  rate: number,
  sec: number,
  connections: number,
  timeoutSec: number,
  ours: () => number[],
  procs: PipelineProcesses,
): Promise<SustainedResult> {
  const p = await pool(rate * sec * 1.1 + connections);
  const samples: Sample[] = [];
  let accepted = 0;
  let stop = false;
  const t0 = Date.now();
  const sampler = (async () => {
    while (!stop) {
      samples.push({ t: Date.now(), committed: await countCommitted(c), accepted });
      await sleep(500);
    }
  })();
  let t1 = 0;
  const { result, cpuSec } = await pipelineCpu(procs, async () => {
    const loaded = await backgroundCores(ours, () =>
      cannon({ url, pool: p, connections, durationSec: sec, rate, onResponse: (s) => void (s < 300 && accepted++) }),
    );
    t1 = Date.now();
    stop = true;
    await sampler;
    return { ...loaded, drained: await waitCommitted(c, loaded.result.ok, timeoutSec, samples, loaded.result.ok) };
  });
  const { result: load, bgCores, drained } = result;
  const cpu = cpuPerEvent(cpuSec, load.ok);
  const warm = t0 + (t1 - t0) * 0.3;
  const committedPerSec = rateBetween(samples, warm, t1);
  const at = (t: number) => samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), samples[0]);
  const s0 = at(warm);
  const s1 = at(t1);
  const backlogGrowthPerSec = ((s1.accepted - s1.committed - (s0.accepted - s0.committed)) * 1000) / Math.max(1, s1.t - s0.t);
  const { rows } = await c.query<{ p50: number; p95: number; p99: number }>(
    `SELECT percentile_cont(0.50) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
       FROM (SELECT EXTRACT(EPOCH FROM ("processedAt" - "receivedAt")) * 1000 AS ms FROM "CallEvent"
              WHERE "receivedAt" >= $1 AND "receivedAt" < $2 AND "processedAt" IS NOT NULL) x`,
    [new Date(warm), new Date(t1)],
  );
  return {
    rate,
    bgCores,
    load,
    committedPerSec,
    backlogGrowthPerSec,
    // the workers kept up: the backlog grew by less than 5% of the offered rate
    sustainable: backlogGrowthPerSec < 0.05 * rate,
    p50ReceiveToCommitMs: Number(rows[0].p50),
    p95ReceiveToCommitMs: Number(rows[0].p95),
    p99ReceiveToCommitMs: Number(rows[0].p99),
    drainAfterSec: drained.drained ? (drained.at - t1) / 1000 : NaN,
    cpuUsPerEvent: cpu.total,
    cpuUsPerEventByProcess: cpu.byProcess,
  };
}

function cpuLine(r: Pick<SustainedResult, 'cpuUsPerEvent' | 'cpuUsPerEventByProcess'>): string {
  const b = r.cpuUsPerEventByProcess;
  return `${r.cpuUsPerEvent.toFixed(0)} µs/event (gateway ${b.gateway.toFixed(0)}, Redis ${b.redis.toFixed(0)}, worker ${b.worker.toFixed(0)}, PostgreSQL ${b.postgres.toFixed(0)})`;
}

async function pipelinePhase(o: Options, g: { url: string; env: Record<string, string>; prefix: string; pid: number }, gatewaySat: number, redisPid: number) {
  log('pipeline: preloading the queues through the gateway (worker stopped)');
  const c = new Client({ connectionString: BENCH_DB });
  await c.connect();
  let worker: Child | undefined;
  try {
    await c.query('TRUNCATE "CallEvent", "Call"');
    const pre = await cannon({ url: g.url, pool: await pool(o.preloadEvents), connections: o.connections, amount: o.preloadEvents });
    log(`pipeline: ${pre.ok} events queued; starting the call worker`);
    worker = await startWorker(g.env);
    const w = worker;
    let pgPids: number[] = [];
    const ours = () => [process.pid, g.pid, w.pid, redisPid, ...pgPids];
    const capSamples: Sample[] = [];
    const w0 = Date.now();
    const capDrain = await waitCommitted(c, pre.ok, o.drainTimeoutSec, capSamples, pre.ok);
    const tOf = (frac: number) => capSamples.find((s) => s.committed >= frac * pre.ok)?.t ?? NaN;
    const capacity = rateBetween(capSamples, tOf(0.1), tOf(0.9));
    const workerCpu = cpuSecondsOf(worker.pid);
    pgPids = await backendPids(); // the worker's pool is open by now
    log(
      `pipeline: worker drained ${pre.ok} queued events in ${((capDrain.at - w0) / 1000).toFixed(1)} s: ${capacity.toFixed(0)} events/s with the gateway idle`,
    );

    let rate = Math.max(10, Math.min(0.85 * capacity, 0.8 * gatewaySat));
    let sus: SustainedResult | undefined;
    const attempts: SustainedResult[] = [];
    for (let attempt = 0; attempt < (o.quick ? 1 : 2); attempt++) {
      await resetPipelineTables(c, g.prefix);
      log(`pipeline: sustained load at ${rate.toFixed(0)} req/s for ${o.sustainSec} s`);
      sus = await sustained(c, g.url, rate, o.sustainSec, o.connections, o.drainTimeoutSec, ours, {
        gateway: g.pid,
        redis: redisPid,
        worker: w.pid,
        postgres: backendPids,
      });
      attempts.push(sus);
      log(
        `pipeline: committed ${sus.committedPerSec.toFixed(0)} events/s, backlog ${sus.backlogGrowthPerSec >= 0 ? '+' : ''}${sus.backlogGrowthPerSec.toFixed(0)}/s, ` +
          `receive→commit p50 ${sus.p50ReceiveToCommitMs.toFixed(0)} p95 ${sus.p95ReceiveToCommitMs.toFixed(0)} ms; gateway ${fmt(sus.load)}; ` +
          `CPU ${cpuLine(sus)}`,
      );
      if (sus.sustainable) break;
      rate = Math.max(10, 0.9 * sus.committedPerSec); // just under what the workers kept up with
    }

    await resetPipelineTables(c, g.prefix);
    const redisBefore = await redisInfo();
    const burstRate = 2 * sus!.rate;
    log(`pipeline: burst at ${burstRate.toFixed(0)} req/s (2× sustainable) for ${o.burstSec} s`);
    const burstSamples: Sample[] = [];
    let accepted = 0;
    const burstPool = await pool(burstRate * o.burstSec * 1.1 + o.connections);
    const { result: b, bgCores: burstBg } = await backgroundCores(ours, () =>
      cannon({
        url: g.url,
        pool: burstPool,
        connections: o.connections,
        durationSec: o.burstSec,
        rate: burstRate,
        onResponse: (s) => void (s < 300 && accepted++),
      }),
    );
    const tEnd = Date.now();
    const backlogAtEnd = b.ok - (await countCommitted(c));
    const drain = await waitCommitted(c, b.ok, o.drainTimeoutSec, burstSamples, b.ok);
    const committedAtTimeout = burstSamples[burstSamples.length - 1].committed;
    const drainRate = rateBetween(burstSamples, tEnd, drain.at);
    const redisAfter = await redisInfo();
    const burstDrainSec = drain.drained ? (drain.at - tEnd) / 1000 : NaN;
    log(
      drain.drained
        ? `pipeline: burst of ${b.ok} accepted events (backlog ${backlogAtEnd} at the end of delivery) drained ${burstDrainSec.toFixed(1)} s after delivery stopped`
        : `pipeline: burst NOT drained after ${o.drainTimeoutSec} s (${committedAtTimeout}/${b.ok} committed)`,
    );
    return {
      workerCapacityPerSec: capacity,
      workerCpuSecDuringCapacityProbe: workerCpu,
      sustainedRate: sus!.rate,
      committedPerSec: sus!.committedPerSec,
      // the most the workers committed while the gateway was loaded (an unsustainable attempt included)
      committedPerSecMaxUnderLoad: Math.max(...attempts.map((a) => a.committedPerSec)),
      sustainable: sus!.sustainable,
      backlogGrowthPerSec: sus!.backlogGrowthPerSec,
      p50ReceiveToCommitMs: sus!.p50ReceiveToCommitMs,
      p95ReceiveToCommitMs: sus!.p95ReceiveToCommitMs,
      p99ReceiveToCommitMs: sus!.p99ReceiveToCommitMs,
      cpuUsPerEvent: sus!.cpuUsPerEvent,
      cpuUsPerEventByProcess: sus!.cpuUsPerEventByProcess,
      gatewayAtSustainedRate: { p50: sus!.load.p50, p99: sus!.load.p99, reqPerSec: sus!.load.reqPerSec, non2xx: sus!.load.non2xx },
      attempts: attempts.map((a) => ({
        rate: a.rate,
        committedPerSec: a.committedPerSec,
        backlogGrowthPerSec: a.backlogGrowthPerSec,
        sustainable: a.sustainable,
        cpuUsPerEvent: a.cpuUsPerEvent,
        cpuUsPerEventByProcess: a.cpuUsPerEventByProcess,
      })),
      burst: {
        rate: burstRate,
        seconds: o.burstSec,
        accepted: b.ok,
        non2xx: b.non2xx,
        errors: b.errors,
        backlogAtEnd,
        drained: drain.drained,
        drainSec: burstDrainSec,
        committedAtTimeout: drain.drained ? undefined : committedAtTimeout,
        drainRatePerSec: drainRate,
        gatewayP99Ms: b.p99,
        bgCores: burstBg,
      },
      bgCoresSustained: sus!.bgCores,
      burstDrainSec: drain.drained ? burstDrainSec : o.drainTimeoutSec,
      burstDrainTimedOut: !drain.drained,
      redisMbPer1kCompletedJobs: ((redisAfter.usedMb - redisBefore.usedMb) / Math.max(1, b.ok)) * 1000,
    };
  } finally {
    await worker?.stop();
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// gateway ack with PostgreSQL stopped (private cluster)

async function warm(url: string): Promise<void> {
  const p = await pool(6);
  for (let i = 0; i < 6; i++) {
    const d = p.take();
    const res = await fetch(url, { method: 'POST', body: d.body, headers: { 'content-type': 'application/json', 'x-retell-signature': d.signature } });
    if (res.status !== 204) throw new Error(`warm-up delivery answered ${res.status}: ${await res.text()}`);
  }
}

async function pgDownPhase(o: Options, rate: number, redisPid: number) {
  log('postgres-down: creating a private PostgreSQL cluster');
  const pg: PrivatePostgres = await createPrivatePostgres();
  const url = pg.url('retell_ops_bench_private');
  const prefix = `benchpg${randomBytes(4).toString('hex')}`;
  const up: LoadResult[] = [];
  const down: LoadResult[] = [];
  const notes: string[] = [];
  let afterTtl: { statuses: Record<string, number>; p50: number; sentAfterSec: number } | undefined;
  try {
    await prepareDatabase(url);
    for (let r = 0; r < o.pgDownRounds; r++) {
      if (!pg.isUp()) pg.start();
      const gw = await startGateway(url, prefix);
      try {
        const warmedAt = Date.now();
        await warm(gw.url); // loads the tenant into the gateway's cache (30 s TTL from now)
        await cannon({ url: gw.url, pool: await pool(rate * 2), connections: o.connections, durationSec: 2, rate }); // JIT warm-up
        await deleteQueueKeys(prefix);
        const order = r % 2 === 0 ? (['up', 'down'] as const) : (['down', 'up'] as const);
        for (const state of order) {
          if (state === 'down' && pg.isUp()) pg.stopImmediate();
          if (state === 'up' && !pg.isUp()) pg.start();
          const p = await pool(rate * o.pgDownSec * 1.1 + 50);
          const { result: res, bgCores } = await backgroundCores(
            () => [process.pid, gw.proc.pid, redisPid],
            () => paced({ url: gw.url, pool: p, rate, durationSec: o.pgDownSec }),
          );
          Object.assign(res, { bgCoresDuring: bgCores });
          const since = (Date.now() - warmedAt) / 1000;
          if (since > 29) notes.push(`round ${r + 1} ${state}: ended ${since.toFixed(0)} s after the tenant cache was warmed (TTL 30 s)`);
          (state === 'up' ? up : down).push(res);
          log(`postgres-down round ${r + 1}/${o.pgDownRounds} postgres ${state.padEnd(4)} ${fmt(res)}`);
        }
        if (gw.proc.child.exitCode !== null) notes.push(`gateway exited during round ${r + 1}: ${gw.proc.output().slice(-500)}`);
      } finally {
        await gw.proc.stop();
        await deleteQueueKeys(prefix);
      }
    }
    if (o.ttlCheck) {
      // Beyond the tenant cache's 30 s TTL the gateway has to ask PostgreSQL again.
      if (!pg.isUp()) pg.start();
      const gw = await startGateway(url, prefix);
      try {
        const warmedAt = Date.now();
        await warm(gw.url);
        pg.stopImmediate();
        log('postgres-down: PostgreSQL stopped; waiting out the 30 s tenant cache TTL');
        await sleep(Math.max(0, warmedAt + 31_000 - Date.now()));
        const p = await pool(10);
        const statuses: Record<string, number> = {};
        const lat: number[] = [];
        for (let i = 0; i < 10; i++) {
          const d = p.take();
          const t = performance.now();
          const res = await fetch(gw.url, {
            method: 'POST',
            body: d.body,
            headers: { 'content-type': 'application/json', 'x-retell-signature': d.signature },
          }).catch(() => undefined);
          lat.push(performance.now() - t);
          const code = String(res?.status ?? 'error');
          statuses[code] = (statuses[code] ?? 0) + 1;
        }
        afterTtl = { statuses, p50: round(median(lat)), sentAfterSec: round((Date.now() - warmedAt) / 1000, 1) };
        log(
          `postgres-down: ${afterTtl.sentAfterSec.toFixed(0)} s after warm-up, 10 deliveries answered ${JSON.stringify(statuses)} (median ${afterTtl.p50.toFixed(1)} ms)`,
        );
      } finally {
        await gw.proc.stop();
        await deleteQueueKeys(prefix);
      }
    }
  } finally {
    pg.remove();
    databases.delete(url);
  }
  const agg = (xs: LoadResult[]) => ({
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    p999: median(xs.map((x) => x.p999)),
    reqPerSec: median(xs.map((x) => x.reqPerSec)),
    non2xx: xs.reduce((a, x) => a + x.non2xx + x.errors, 0),
  });
  return { rate, up: agg(up), down: agg(down), rounds: { up, down }, afterCacheTtl: afterTtl, notes };
}

/**
 * How fast the gateway refuses deliveries while Redis is gone: each must be a 503 (nothing kept,
 * so Retell retries), and soon, well inside Retell's 10 s webhook timeout. A private redis-server
 * is SIGKILLed under a warmed gateway, then the gateway is offered the half rate.
 */
async function redisDownPhase(o: Options, rate: number) {
  const port = await freePort();
  log(`redis-down: a private redis-server on ${port}`);
  const server = await spawnApp({
    name: 'redis-server',
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    ready: /Ready to accept connections/,
  });
  const prefix = `benchrd${randomBytes(4).toString('hex')}`;
  try {
    const gw = await startGateway(BENCH_DB, prefix, [], { REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      await warm(gw.url);
      await server.stop('SIGKILL');
      const res = await paced({ url: gw.url, pool: await pool(rate * o.pgDownSec * 1.1 + 50), rate, durationSec: o.pgDownSec, latencyOfEveryAnswer: true });
      log(
        `redis-down: ${JSON.stringify(res.statusCodes)}, errors ${res.errors}, p50 ${res.p50.toFixed(2)} ms, p99 ${res.p99.toFixed(2)} ms, max ${res.max.toFixed(1)} ms`,
      );
      const answered = Object.values(res.statusCodes).reduce((a, n) => a + n, 0);
      return {
        rate,
        p50: res.p50,
        p99: res.p99,
        max: res.max,
        statusCodes: res.statusCodes,
        all503: (res.statusCodes['503'] ?? 0) === answered && res.errors === 0 && answered > 0,
      };
    } finally {
      await gw.proc.stop();
    }
  } finally {
    await server.stop('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// profile mode

async function profileMode(o: Options): Promise<void> {
  const dir = path.join(ROOT, 'bench', 'results', 'profiles');
  mkdirSync(dir, { recursive: true });
  await prepareDatabase(BENCH_DB);
  const prefix = `benchprof${randomBytes(4).toString('hex')}`;
  const prof = (name: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`];
  try {
    // B0 and G under the same saturation load, interleaved, each with --cpu-prof.
    const port = await freePort();
    const b0 = await startNode(
      'baseline-bare',
      BASELINE_MAIN,
      { BENCH_MODE: 'bare', BENCH_PORT: String(port), BENCH_RETELL_KEY: secrets.retell },
      /listening on/,
      prof('baseline'),
    );
    const g = await startGateway(BENCH_DB, prefix, prof('gateway'));
    const targets = [
      { name: 'B0', url: `http://127.0.0.1:${port}/webhooks/retell`, ok: 0 },
      { name: 'G', url: g.url, ok: 0 },
    ];
    for (const t of targets) await smoke(t);
    const sec = o.quick ? 4 : 8;
    for (let r = 0; r < (o.quick ? 1 : 2); r++) {
      for (const t of targets) {
        const res = await cannon({ url: t.url, pool: await pool(5000 * sec), connections: o.connections, durationSec: sec });
        t.ok += res.ok + 3;
        log(`profile: ${t.name} ${fmt(res)} (profiling slows it)`);
        if (t.name === 'G') await deleteQueueKeys(prefix);
      }
    }
    await b0.stop();
    await g.proc.stop();
    // Worker: drain a queued backlog with the gateway idle.
    const g2 = await startGateway(BENCH_DB, prefix);
    const n = o.quick ? 1500 : 4500;
    await cannon({ url: g2.url, pool: await pool(n), connections: o.connections, amount: n });
    const worker = await startWorker(g2.env, prof('call-worker'));
    const c = new Client({ connectionString: BENCH_DB });
    await c.connect();
    const t0 = Date.now();
    const res = await waitCommitted(c, n, 600, [], n);
    await c.end();
    log(`profile: worker committed ${n} events in ${((res.at - t0) / 1000).toFixed(1)} s`);
    await worker.stop();
    await g2.proc.stop();

    const files = {
      baseline: path.join(dir, 'baseline.cpuprofile'),
      gateway: path.join(dir, 'gateway.cpuprofile'),
      worker: path.join(dir, 'call-worker.cpuprofile'),
    };
    for (const [k, f] of Object.entries(files)) if (!existsSync(f)) throw new Error(`no ${k} profile written`);
    const sb = summariseProfile(files.baseline, 15);
    const sg = summariseProfile(files.gateway, 30);
    const sw = summariseProfile(files.worker, 30);
    console.log(`\n${comparePackages({ name: 'B0', s: sb, count: targets[0].ok }, { name: 'G', s: sg, count: targets[1].ok }, 25)}`);
    console.log(`\n${formatSummary('gateway (G)', sg, { count: targets[1].ok, unit: 'request' })}`);
    console.log(`\n${formatSummary('baseline (B0)', sb, { count: targets[0].ok, unit: 'request' })}`);
    console.log(`\n${formatSummary('call-worker', sw, { count: n, unit: 'event' })}`);
    console.log(`\nprofiles in ${path.relative(ROOT, dir)}/ (open in Chrome DevTools or summarise with node dist/bench/cpuprofile.js <file>)`);
  } finally {
    await deleteQueueKeys(prefix);
  }
}

/**
 * The call worker alone: a backlog queued through the gateway with the worker stopped, then the
 * worker started and timed until every event is committed. Repeated on emptied tables, so a
 * change to the worker can be judged in a minute.
 */
async function drainMode(o: Options): Promise<void> {
  await prepareDatabase(BENCH_DB);
  const prefix = `benchdrain${randomBytes(4).toString('hex')}`;
  const n = o.preloadEvents;
  const c = new Client({ connectionString: BENCH_DB });
  await c.connect();
  const rates: number[] = [];
  try {
    const g = await startGateway(BENCH_DB, prefix);
    for (let r = 0; r < (o.quick ? 1 : 3); r++) {
      await resetPipelineTables(c, prefix);
      await cannon({ url: g.url, pool: await pool(n), connections: o.connections, amount: n });
      const workers = await Promise.all(Array.from({ length: o.workers }, () => startWorker(g.env)));
      // Timed from the first commit, so the worker's boot is not counted.
      const first = await waitCommitted(c, 1, 60, [], n);
      const c0 = await countCommitted(c);
      const res = await waitCommitted(c, n, o.drainTimeoutSec, [], n);
      await Promise.all(workers.map((w) => w.stop()));
      const rate = ((n - c0) / (res.at - first.at)) * 1000;
      rates.push(rate);
      log(
        `drain ${r + 1}: ${n - c0} events committed in ${((res.at - first.at) / 1000).toFixed(1)} s = ${rate.toFixed(0)} events/s${res.drained ? '' : ' TIMED OUT'}`,
      );
    }
    await g.proc.stop();
    log(`worker capacity, median: ${median(rates).toFixed(0)} events/s`);
  } finally {
    await c.end();
    await deleteQueueKeys(prefix);
  }
}

// ---------------------------------------------------------------------------------------------
// report

interface Target {
  key: string;
  label: string;
  value: number;
  target: string;
  pass: boolean;
}

function printTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r, ri) =>
        r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ') +
        (ri === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : ''),
    )
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// main

async function main(): Promise<void> {
  if (process.argv.includes('--live')) return liveBench(process.argv.slice(2));
  if (process.argv.includes('--campaign')) return campaignMode(process.argv.slice(2));
  if (process.argv.includes('--api')) return apiBench(process.argv.slice(2)); // bench/api-bench.ts
  const o = parseArgs(process.argv.slice(2));
  for (const f of [GATEWAY_MAIN, WORKER_MAIN, BASELINE_MAIN])
    if (!existsSync(f)) throw new Error(`${path.relative(ROOT, f)} is missing: run npm run build first`);
  gatewayNodeArgs = o.gatewayNodeArgs;
  if (o.profile) return profileMode(o);
  if (o.drain) return drainMode(o);

  const started = Date.now();
  quietBudgetMs = o.quick ? 10_000 : 90_000;
  log(
    `${o.quick ? 'quick' : 'full'} run: ${o.rounds} round(s), ${o.satSec} s per saturation run, ${o.rateSec} s per fixed-rate run, ${o.connections} connections`,
  );
  const sizes = templateSizes(secrets.agent);
  log(`payloads: call_started ${sizes.call_started} B, call_ended ${sizes.call_ended} B, call_analyzed ${sizes.call_analyzed} B`);

  await prepareDatabase(BENCH_DB);
  await withPg(BENCH_DB, (c) =>
    c.query(
      `CREATE TABLE ${SEED_TABLE} (id bigserial PRIMARY KEY, call_id text NOT NULL, event text NOT NULL, received_at timestamptz NOT NULL, payload jsonb NOT NULL)`,
    ),
  );
  const redis = await redisInfo();
  const gPrefix = `bench${randomBytes(4).toString('hex')}`;

  const b0 = await startBaseline('bare');
  const s = await startBaseline('seed');
  const g = await startGateway(BENCH_DB, gPrefix);
  const variants: Variant[] = [
    { name: 'B0', label: 'B0 bare verify', url: b0.url, proc: b0.proc, estRate: 3000 },
    {
      name: 'S',
      label: 'S verify+INSERT',
      url: s.url,
      proc: s.proc,
      estRate: 1000,
      // Empty the table and flush what S wrote, so PostgreSQL's background writes do not land in the next run.
      after: () => withPg(BENCH_DB, async (c) => void (await c.query(`TRUNCATE ${SEED_TABLE}`), await c.query('CHECKPOINT'))),
    },
    { name: 'G', label: 'G gateway', url: g.url, proc: g.proc, estRate: 3000, after: () => deleteQueueKeys(gPrefix).then(() => undefined) },
  ];
  for (const v of variants) await smoke(v);
  log(`servers up: B0 pid ${b0.proc.pid}, S pid ${s.proc.pid}, G pid ${g.proc.pid} (queue prefix ${gPrefix})`);

  for (const v of variants) {
    const r = await cannon({ url: v.url, pool: await pool(v.estRate * o.warmupSec), connections: o.connections, durationSec: o.warmupSec });
    v.estRate = Math.max(200, r.reqPerSec * 1.5);
    await v.after?.();
    log(`warm-up ${v.name}: ${fmt(r)}`);
  }

  // The six orders in turn: each variant runs first, second and third equally often and after each
  // of the others (a plain rotation would always run G right after S).
  const ORDERS = [
    [0, 1, 2],
    [2, 1, 0],
    [1, 2, 0],
    [0, 2, 1],
    [2, 0, 1],
    [1, 0, 2],
  ];
  const order = (r: number) => ORDERS[r % ORDERS.length].map((i) => variants[i]);
  const sat: Record<VariantName, RunRecord[]> = { B0: [], S: [], G: [] };
  const rss: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    for (const v of order(r)) {
      const p = await pool(v.estRate * o.satSec * 1.25 + o.connections * 2);
      const res = await measure(v, redis.pid, () => cannon({ url: v.url, pool: p, connections: o.connections, durationSec: o.satSec }));
      v.estRate = Math.max(r === 0 ? 0 : v.estRate, res.reqPerSec * 1.3);
      if (res.duplicates && v.name !== 'B0') log(`  note: ${v.name} outlasted its pool: ${res.duplicates} deliveries sent twice`);
      if (v.name === 'G') rss.push(res.rssMb!);
      sat[v.name].push({ round: r + 1, ...res });
      log(`saturation round ${r + 1}/${o.rounds} ${v.name.padEnd(2)} ${fmt(res)}  server CPU ${res.serverCpuUsPerReq!.toFixed(0)} µs/req`);
      await sleep(500);
    }
  }
  const gSat = median(sat.G.map((x) => x.reqPerSec));
  const halfRate = Math.round(gSat / 2);

  const acRate: Record<VariantName, RunRecord[]> = { B0: [], S: [], G: [] };
  const pacedRate: Record<VariantName, RunRecord[]> = { B0: [], S: [], G: [] };
  log(`fixed rate: ${halfRate} req/s (50% of G's median saturation ${gSat.toFixed(0)} req/s)`);
  for (let r = 0; r < o.rounds; r++) {
    for (const v of order(r)) {
      const p1 = await pool(halfRate * o.rateSec * 1.1 + o.connections * 2);
      const a = await measure(v, redis.pid, () => cannon({ url: v.url, pool: p1, connections: o.connections, durationSec: o.rateSec, rate: halfRate }));
      if (v.name === 'G') rss.push(a.rssMb!);
      acRate[v.name].push({ round: r + 1, ...a });
      log(`50% rate round ${r + 1}/${o.rounds} ${v.name.padEnd(2)} autocannon overallRate ${fmt(a)}  (autocannon's own p99 ${a.autocannon!.p99} ms)`);
      const p2 = await pool(halfRate * o.rateSec * 1.1 + 10);
      const b = await measure(v, redis.pid, () => paced({ url: v.url, pool: p2, rate: halfRate, durationSec: o.rateSec }));
      if (v.name === 'G') rss.push(b.rssMb!);
      pacedRate[v.name].push({ round: r + 1, ...b });
      log(`50% rate round ${r + 1}/${o.rounds} ${v.name.padEnd(2)} paced open-loop      ${fmt(b)}`);
      await sleep(300);
    }
  }
  const gMem = memoryOf(g.proc.pid);
  await b0.proc.stop();
  await s.proc.stop();

  let pipeline: Awaited<ReturnType<typeof pipelinePhase>> | undefined;
  if (!o.skipPipeline) pipeline = await pipelinePhase(o, { url: g.url, env: appEnv(BENCH_DB, gPrefix, 0), prefix: gPrefix, pid: g.proc.pid }, gSat, redis.pid);
  await g.proc.stop();
  await deleteQueueKeys(gPrefix);

  let pgDown: Awaited<ReturnType<typeof pgDownPhase>> | undefined;
  if (!o.skipPgDown) pgDown = await pgDownPhase(o, halfRate, redis.pid);
  let redisDown: Awaited<ReturnType<typeof redisDownPhase>> | undefined;
  if (!o.skipPgDown) redisDown = await redisDownPhase(o, halfRate);

  // ------------------------------------------------------------------ figures
  const agg = (rs: RunRecord[]) => ({
    reqPerSec: median(rs.map((x) => x.reqPerSec)),
    p50Ms: median(rs.map((x) => x.p50)),
    p99Ms: median(rs.map((x) => x.p99)),
    p999Ms: median(rs.map((x) => x.p999)),
    serverCpuUsPerReq: median(rs.map((x) => x.serverCpuUsPerReq ?? NaN)),
    redisCpuUsPerReq: median(rs.map((x) => x.redisCpuUsPerReq ?? NaN)),
    dbCpuUsPerReq: median(rs.map((x) => x.dbCpuUsPerReq ?? NaN)),
    non2xx: rs.reduce((a, x) => a + x.non2xx + x.errors, 0),
    duplicates: rs.reduce((a, x) => a + x.duplicates, 0),
    autocannonP99Ms: median(rs.map((x) => x.autocannon?.p99 ?? NaN)),
    otherProcessesCores: median(rs.map((x) => x.bgCoresDuring ?? NaN)),
    rssMbMax: Math.max(...rs.map((x) => x.rssMb ?? NaN)),
  });
  const allRuns = [...Object.values(sat), ...Object.values(acRate), ...Object.values(pacedRate)].flat();
  const bgAll = allRuns.map((x) => x.bgCoresDuring ?? NaN).filter(Number.isFinite);
  const satAgg = { B0: agg(sat.B0), S: agg(sat.S), G: agg(sat.G) };
  const acAgg = { B0: agg(acRate.B0), S: agg(acRate.S), G: agg(acRate.G) };
  const pacedAgg = { B0: agg(pacedRate.B0), S: agg(pacedRate.S), G: agg(pacedRate.G) };
  const paired = (a: RunRecord[], b: RunRecord[]) => median(a.map((x, i) => x.reqPerSec / (b[i]?.reqPerSec ?? NaN)));
  const ratios = {
    gatewayVsBaseline: satAgg.G.reqPerSec / satAgg.B0.reqPerSec,
    gatewayVsSeedDesign: satAgg.G.reqPerSec / satAgg.S.reqPerSec,
    gatewayVsBaselinePairedMedian: paired(sat.G, sat.B0),
    gatewayVsSeedDesignPairedMedian: paired(sat.G, sat.S),
    // less sensitive to other processes: CPU per request, server (+ Redis for G, + PostgreSQL backends for S)
    cpuPerRequestBaselineVsGateway: satAgg.B0.serverCpuUsPerReq / (satAgg.G.serverCpuUsPerReq + (satAgg.G.redisCpuUsPerReq || 0)),
    cpuPerRequestSeedDesignVsGateway:
      (satAgg.S.serverCpuUsPerReq + (satAgg.S.dbCpuUsPerReq || 0)) / (satAgg.G.serverCpuUsPerReq + (satAgg.G.redisCpuUsPerReq || 0)),
  };
  const rssMb = Math.max(...rss, gMem.rssMb);
  // "unchanged": p50 within ±10% (or 0.25 ms), p99 no more than 10% (or 0.25 ms) worse, nothing refused
  const within = (down: number, up: number) => Math.abs(down - up) <= Math.max(0.1 * up, 0.25);
  const notWorse = (down: number, up: number) => down - up <= Math.max(0.1 * up, 0.25);

  const targets: Target[] = [
    { key: 'ratios.gatewayVsBaseline', label: 'G/B0 req/s', value: ratios.gatewayVsBaseline, target: '≥ 0.5', pass: ratios.gatewayVsBaseline >= 0.5 },
    { key: 'ratios.gatewayVsSeedDesign', label: 'G/S req/s', value: ratios.gatewayVsSeedDesign, target: '≥ 5', pass: ratios.gatewayVsSeedDesign >= 5 },
    { key: 'gateway.p99MsAtHalfRate', label: 'G p99 @50% (autocannon overallRate), ms', value: acAgg.G.p99Ms, target: '≤ 20', pass: acAgg.G.p99Ms <= 20 },
    { key: 'gateway.p99MsAtHalfRatePaced', label: 'G p99 @50% (paced open-loop), ms', value: pacedAgg.G.p99Ms, target: '≤ 20', pass: pacedAgg.G.p99Ms <= 20 },
    { key: 'gateway.rssMb', label: 'G RSS after load, MB', value: rssMb, target: '≤ 250', pass: rssMb <= 250 },
  ];
  if (pipeline) {
    targets.push(
      {
        key: 'pipeline.committedPerSec',
        label: 'events/s committed (sustained)',
        value: pipeline.committedPerSec,
        target: '≥ 1500',
        pass: pipeline.committedPerSec >= 1500,
      },
      {
        key: 'pipeline.burstDrainSec',
        label: '30 s burst @2× drained in, s',
        value: pipeline.burstDrainSec,
        target: '≤ 60',
        pass: !pipeline.burstDrainTimedOut && pipeline.burstDrainSec <= 60,
      },
      {
        key: 'pipeline.cpuUsPerEvent',
        label: 'CPU per event, gateway + Redis + worker + PostgreSQL, µs',
        value: pipeline.cpuUsPerEvent,
        target: '≤ 1300',
        pass: pipeline.cpuUsPerEvent <= 1300,
      },
    );
  }
  if (pgDown) {
    const ok = pgDown.down.non2xx === 0 && within(pgDown.down.p50, pgDown.up.p50) && notWorse(pgDown.down.p99, pgDown.up.p99);
    targets.push({
      key: 'gateway.p99MsPostgresDown',
      label: 'G p99 with PostgreSQL stopped, ms',
      value: pgDown.down.p99,
      target: `≤ ${(pgDown.up.p99 * 1.1).toFixed(2)} (up +10%)`,
      pass: ok,
    });
    targets.push({
      key: 'gateway.p50MsPostgresDown',
      label: 'G p50 with PostgreSQL stopped, ms',
      value: pgDown.down.p50,
      target: `±10% of ${pgDown.up.p50.toFixed(2)}`,
      pass: pgDown.down.non2xx === 0 && within(pgDown.down.p50, pgDown.up.p50),
    });
  }

  if (redisDown) {
    targets.push({
      key: 'gateway.p99MsRedisDown',
      label: 'G p99 of 503s with Redis stopped, ms',
      value: redisDown.p99,
      target: '≤ 1000, every answer 503',
      pass: redisDown.all503 && redisDown.p99 <= 1000,
    });
  }

  const results = {
    generatedAt: new Date().toISOString(),
    mode: o.quick ? 'quick' : 'full',
    durationSec: round((Date.now() - started) / 1000, 1),
    machine: {
      cpus: cpus().length,
      node: process.version,
      // other engineers' processes share this machine: cores they kept busy during the runs
      otherProcessesCoresMedian: round(median(bgAll)),
      otherProcessesCoresMax: round(Math.max(...bgAll)),
      quietWaitSec: round(((o.quick ? 10_000 : 90_000) - Math.max(0, quietBudgetMs)) / 1000, 1),
    },
    settings: {
      rounds: o.rounds,
      saturationSec: o.satSec,
      fixedRateSec: o.rateSec,
      connections: o.connections,
      payloadBytes: sizes,
      route: 'POST /webhooks/retell (tenant from agent_id)',
      gatewayNodeArgs: o.gatewayNodeArgs,
    },
    ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, round(v, 3)])),
    baseline: { ...roundAll(satAgg.B0), halfRate: roundAll(acAgg.B0), halfRatePaced: roundAll(pacedAgg.B0) },
    seedDesign: { ...roundAll(satAgg.S), halfRate: roundAll(acAgg.S), halfRatePaced: roundAll(pacedAgg.S) },
    gateway: {
      ...roundAll(satAgg.G),
      halfRateReqPerSec: halfRate,
      p50MsAtHalfRate: round(acAgg.G.p50Ms),
      p99MsAtHalfRate: round(acAgg.G.p99Ms),
      p999MsAtHalfRate: round(acAgg.G.p999Ms),
      p50MsAtHalfRatePaced: round(pacedAgg.G.p50Ms),
      p99MsAtHalfRatePaced: round(pacedAgg.G.p99Ms),
      p999MsAtHalfRatePaced: round(pacedAgg.G.p999Ms),
      rssMb: round(rssMb, 1),
      rssHighWaterMb: round(gMem.hwmMb, 1),
      ...(pgDown && {
        p50MsPostgresUp: round(pgDown.up.p50),
        p99MsPostgresUp: round(pgDown.up.p99),
        p50MsPostgresDown: round(pgDown.down.p50),
        p99MsPostgresDown: round(pgDown.down.p99),
        postgresDownNon2xx: pgDown.down.non2xx,
        postgresDownRate: pgDown.rate,
        postgresDownAfterCacheTtl: pgDown.afterCacheTtl,
        postgresDownNotes: pgDown.notes,
      }),
      ...(redisDown && {
        p50MsRedisDown: round(redisDown.p50),
        p99MsRedisDown: round(redisDown.p99),
        maxMsRedisDown: round(redisDown.max),
        redisDownStatusCodes: redisDown.statusCodes,
        redisDownRate: redisDown.rate,
      }),
    },
    pipeline: pipeline && roundAll(pipeline),
    targets: Object.fromEntries(targets.map((t) => [t.key, { value: round(t.value), target: t.target, pass: t.pass }])),
    runs: { saturation: sat, halfRateAutocannon: acRate, halfRatePaced: pacedRate, ...(pgDown && { postgres: pgDown.rounds }) },
  };
  mkdirSync(path.dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(results, null, 2)}\n`);

  // ------------------------------------------------------------------ table
  const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const rows = [
    ['variant', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', `@${halfRate}/s ac p50`, 'ac p99', 'ac p99.9', 'paced p50', 'paced p99', 'paced p99.9', 'CPU µs/req'],
    ...(['B0', 'S', 'G'] as const).map((n) => [
      variants.find((v) => v.name === n)!.label,
      f(satAgg[n].reqPerSec),
      f(satAgg[n].p50Ms, 2),
      f(satAgg[n].p99Ms, 2),
      f(satAgg[n].p999Ms, 2),
      f(acAgg[n].p50Ms, 2),
      f(acAgg[n].p99Ms, 2),
      f(acAgg[n].p999Ms, 2),
      f(pacedAgg[n].p50Ms, 2),
      f(pacedAgg[n].p99Ms, 2),
      f(pacedAgg[n].p999Ms, 2),
      f(satAgg[n].serverCpuUsPerReq) + (n === 'G' ? ` (+Redis ${f(satAgg.G.redisCpuUsPerReq)})` : n === 'S' ? ` (+PG ${f(satAgg.S.dbCpuUsPerReq)})` : ''),
    ]),
  ];
  console.log(
    `\nIngest benchmark (${o.quick ? 'quick' : 'full'}: medians of ${o.rounds} interleaved round(s); saturation = ${o.connections} connections closed loop; ` +
      `"ac" = autocannon overallRate, "paced" = open-loop at a steady rate, latency from the due time)\n`,
  );
  console.log(printTable(rows));
  if (pipeline) {
    console.log(`\nPipeline (gateway + call worker, ${o.connections} connections):`);
    console.log(`  worker capacity, gateway idle      ${f(pipeline.workerCapacityPerSec)} events/s`);
    for (const a of pipeline.attempts) {
      console.log(
        `  gateway loaded at ${f(a.rate).padEnd(5)} req/s      ${f(a.committedPerSec)} events/s committed (backlog ${a.backlogGrowthPerSec >= 0 ? '+' : ''}${f(a.backlogGrowthPerSec)}/s${a.sustainable ? ', sustainable' : ', NOT sustainable'})`,
      );
    }
    console.log(
      `  receive→commit                      p50 ${f(pipeline.p50ReceiveToCommitMs)} ms, p95 ${f(pipeline.p95ReceiveToCommitMs)} ms, p99 ${f(pipeline.p99ReceiveToCommitMs)} ms`,
    );
    console.log(
      `  burst ${f(pipeline.burst.rate)} req/s × ${pipeline.burst.seconds} s     ${pipeline.burst.accepted} accepted, backlog ${pipeline.burst.backlogAtEnd} at end, drained ${pipeline.burst.drained ? `${f(pipeline.burst.drainSec, 1)} s after delivery` : `NOT within ${o.drainTimeoutSec} s`} (${f(pipeline.burst.drainRatePerSec)} events/s)`,
    );
    console.log(`  CPU per committed event             ${cpuLine(pipeline)}`);
    console.log(`  Redis per 1k completed jobs kept    ${f(pipeline.redisMbPer1kCompletedJobs, 1)} MB`);
  }
  if (pgDown) {
    console.log(`\nGateway ack with PostgreSQL stopped (private cluster, paced ${pgDown.rate} req/s, ${o.pgDownRounds} round(s)):`);
    console.log(`  PostgreSQL up     p50 ${f(pgDown.up.p50, 2)} ms  p99 ${f(pgDown.up.p99, 2)} ms  non-2xx ${pgDown.up.non2xx}`);
    console.log(`  PostgreSQL down   p50 ${f(pgDown.down.p50, 2)} ms  p99 ${f(pgDown.down.p99, 2)} ms  non-2xx ${pgDown.down.non2xx}`);
    if (pgDown.afterCacheTtl) console.log(`  down > 30 s (tenant cache TTL): ${JSON.stringify(pgDown.afterCacheTtl.statuses)}`);
    for (const n of pgDown.notes) console.log(`  note: ${n}`);
  }
  if (redisDown) {
    console.log(`\nGateway answer with Redis stopped (private redis-server, paced ${redisDown.rate} req/s):`);
    console.log(`  ${JSON.stringify(redisDown.statusCodes)}  p50 ${f(redisDown.p50, 2)} ms  p99 ${f(redisDown.p99, 2)} ms  max ${f(redisDown.max, 1)} ms`);
  }
  console.log(`\nTargets (not asserted):`);
  console.log(printTable([['figure', 'value', 'target', ''], ...targets.map((t) => [t.label, f(t.value, 2), t.target, t.pass ? 'PASS' : 'MISS'])]));
  console.log(`\nOther processes on this machine kept ${f(median(bgAll), 2)} cores busy during the runs (median; max ${f(Math.max(...bgAll), 2)}).`);
  console.log(
    `G RSS after load ${f(rssMb, 1)} MB (peak ${f(gMem.hwmMb, 1)} MB; B0 ${f(satAgg.B0.rssMbMax, 1)} MB, S ${f(satAgg.S.rssMbMax, 1)} MB). Wrote ${path.relative(ROOT, o.out)} in ${f((Date.now() - started) / 1000)} s.`,
  );
}

function roundAll<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'number' ? round(v, 2) : v))) as T;
}

// ---------------------------------------------------------------------------------------------
// cleanup, whatever happens

let cleaning: Promise<void> | undefined;
async function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all(liveApps().map((c) => c.stop().catch(() => undefined)));
    removePrivateClustersSync();
    for (const p of prefixes) await deleteQueueKeys(p).catch(() => undefined);
    for (const d of databases) await db.dropDatabase(d).catch(() => undefined);
  })();
  return cleaning;
}

process.on('exit', () => {
  killAllSync();
  removePrivateClustersSync();
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (e) => {
    console.error(e instanceof Error ? e.stack : e);
    await cleanup();
    process.exit(1);
  });

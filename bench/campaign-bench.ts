/**
 * `npm run bench -- --campaign`: campaigns at scale (bench/README.md#campaigns).
 *
 *   accept100kSec   POST /api/v1/batches with 100,000 targets, as JSON and as CSV (median of --rounds)
 *   dialsPerSec     a batch of --dials targets dialled through the simulator (concurrency --cap) by
 *                   1 and then 3 dialer-worker processes: targets / seconds from the answer to the
 *                   last create-phone-call; the simulator's most calls at once against the cap,
 *                   and every target dialled exactly once (its create log)
 *
 * Figures are merged into bench/results/latest.json under `campaign` (other keys kept).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import IORedis from 'ioredis';
import { cpuSecondsOf, freePort, killAllSync, ROOT, sleep, startNode, type Child } from './processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require(path.join(ROOT, 'tools', 'db.js')) as {
  migrate: (url: string, opts?: { log?: (m: string) => void }) => Promise<number>;
  dropDatabase: (url: string) => Promise<void>;
};

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PG_BASE = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const CAMPAIGN_DB = `${PG_BASE}/retell_ops_bench_campaign`;
const main = (app: string) => path.join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
const log = (msg: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface CampaignOptions {
  rounds: number;
  targets: number;
  dials: number;
  cap: number;
  workers: number[];
  out: string;
}

function parseCampaignArgs(argv: string[]): CampaignOptions {
  const num = (f: string) => (argv.includes(f) ? Number(argv[argv.indexOf(f) + 1]) : undefined);
  const quick = argv.includes('--quick');
  return {
    rounds: num('--rounds') ?? (quick ? 1 : 3),
    targets: num('--targets') ?? 100_000,
    dials: num('--dials') ?? (quick ? 3_000 : 20_000),
    cap: num('--cap') ?? 1000,
    workers: [1, 3],
    out: path.join(ROOT, 'bench', 'results', 'latest.json'),
  };
}

interface Stack {
  apiUrl: string;
  simUrl: string;
  adminKey: string;
  vars: Record<string, string>;
  apps: Child[];
  dialers: Child[];
  prefix: string;
}

async function startStack(cap: number): Promise<Stack> {
  const [gatewayPort, apiPort, simPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const adminKey = `rops_bench_${randomBytes(16).toString('hex')}`;
  const prefix = `benchcamp${randomBytes(3).toString('hex')}`;
  const vars: Record<string, string> = {
    DATABASE_URL: CAMPAIGN_DB,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    HOST: '127.0.0.1',
    GATEWAY_PORT: String(gatewayPort),
    API_PORT: String(apiPort),
    RETELL_SIM_PORT: String(simPort),
    GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
    RETELL_BASE_URL: `http://127.0.0.1:${simPort}`,
    RETELL_API_KEY: `key_test_bench_${randomBytes(16).toString('hex')}`, // the simulator signs only with test or development keys
    ADMIN_API_KEY: adminKey,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    DEFAULT_AGENT_ID: `agent_bench_${randomBytes(4).toString('hex')}`,
    DEFAULT_TENANT_SLUG: 'bench-campaign',
    // test: the simulator is plain http on loopback (production insists on https for Retell)
    NODE_ENV: 'test',
    DIALER_TICK_MS: '250',
    CONCURRENCY_CACHE_MS: '1000',
    RETELL_SIM_CONCURRENCY: String(cap),
    RETELL_SIM_RING_MS: '200',
    RETELL_SIM_TALK_MS: '1000',
    RETELL_SIM_ANALYSIS_MS: '100',
    RETELL_SIM_CALL_STORE_LIMIT: '200000',
  };
  await db.dropDatabase(CAMPAIGN_DB);
  await db.migrate(CAMPAIGN_DB, { log: () => undefined });
  const start = (name: string, ready: RegExp, extra: Record<string, string> = {}) =>
    startNode(name, main(name), { ...vars, ...extra, LOG_LEVEL: 'log' }, ready);
  const apps: Child[] = [await start('api', /listening on/)];
  apps.push(...(await Promise.all([start('gateway', /listening on/), start('call-worker', /consuming/), start('retell-sim', /listening on/)])));
  return { apiUrl: `http://127.0.0.1:${apiPort}`, simUrl: `http://127.0.0.1:${simPort}`, adminKey, vars, apps, dialers: [], prefix };
}

async function setDialers(stack: Stack, n: number): Promise<void> {
  while (stack.dialers.length < n)
    stack.dialers.push(await startNode(`dialer-worker-${stack.dialers.length + 1}`, main('dialer-worker'), { ...stack.vars, LOG_LEVEL: 'log' }, /consuming/));
}

async function post(
  stack: Stack,
  pathAndQuery: string,
  body: string,
  contentType: string,
): Promise<{ status: number; json: { id?: string; accepted?: { requests?: number } } | undefined }> {
  const res = await fetch(`${stack.apiUrl}${pathAndQuery}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': contentType },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function sim<T>(stack: Stack, method: string, p: string): Promise<T> {
  const res = await fetch(`${stack.simUrl}${p}`, { method });
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Numbers the simulator answers (…0), unique per run. */
const leadNumber = (run: number, i: number) => `+1${String(200 + run)}${String(i).padStart(6, '0')}0`;

async function acceptRound(stack: Stack, o: CampaignOptions, run: number, kind: 'json' | 'csv'): Promise<number> {
  const scheduledAt = new Date(Date.now() + 7 * 86400_000).toISOString(); // never dialled during the bench
  const numbers = Array.from({ length: o.targets }, (_, i) => leadNumber(run, i));
  const started = Date.now();
  const res =
    kind === 'json'
      ? await post(
          stack,
          '/api/v1/batches',
          JSON.stringify({
            name: `bench json ${run}`,
            maxConcurrent: 100,
            scheduledAt,
            targets: numbers.map((n, i) => ({ toNumber: n, dynamicVariables: { first_name: `Lead ${i}` }, metadata: { row: String(i) } })),
          }),
          'application/json',
        )
      : await post(
          stack,
          `/api/v1/batches?name=bench+csv+${run}&maxConcurrent=100&scheduledAt=${encodeURIComponent(scheduledAt)}`,
          ['phone,first_name,metadata.row', ...numbers.map((n, i) => `${n},Lead ${i},${i}`)].join('\n'),
          'text/csv',
        );
  const sec = (Date.now() - started) / 1000;
  if (res.status !== 201 || res.json?.accepted?.requests !== o.targets)
    throw new Error(`accept ${kind}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  return sec;
}

interface DialRun {
  workers: number;
  targets: number;
  seconds: number;
  dialsPerSec: number;
  maxConcurrentObserved: number;
  cap: number;
  overCap: number;
  dialledTwice: number;
  notDialled: number;
  dialerCpuSec: number;
}

async function dialRound(stack: Stack, o: CampaignOptions, workers: number, run: number): Promise<DialRun> {
  await setDialers(stack, workers);
  await sim(stack, 'POST', '/sim/reset');
  const numbers = Array.from({ length: o.dials }, (_, i) => leadNumber(run, i));
  const cpuBefore = stack.dialers.reduce((s, d) => s + cpuSecondsOf(d.pid), 0);
  const res = await post(
    stack,
    '/api/v1/batches',
    JSON.stringify({ name: `bench dial ${workers}`, maxConcurrent: Math.min(1000, o.cap), targets: numbers }),
    'application/json',
  );
  if (res.status !== 201) throw new Error(`dial batch: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
  const started = Date.now();
  let stats: { created: number; maxConcurrentObserved: number; byDisconnectionReason: Record<string, number> } | undefined;
  let lastCreated = -1;
  let lastProgress = Date.now();
  for (;;) {
    stats = await sim(stack, 'GET', '/sim/stats');
    if (stats!.created >= o.dials) break;
    if (stats!.created !== lastCreated) [lastCreated, lastProgress] = [stats!.created, Date.now()];
    if (Date.now() - lastProgress > 60_000) throw new Error(`dialling stalled at ${stats!.created}/${o.dials}`);
    await sleep(100);
  }
  const creates = await sim<Array<{ at: number; toNumber: string; platformCallId?: string }>>(stack, 'GET', '/sim/creates');
  const last = Math.max(...creates.map((c) => c.at));
  const seconds = (last - started) / 1000;
  const perNumber = new Map<string, number>();
  for (const c of creates) perNumber.set(c.toNumber, (perNumber.get(c.toNumber) ?? 0) + 1);
  const dialerCpuSec = stack.dialers.reduce((s, d) => s + cpuSecondsOf(d.pid), 0) - cpuBefore;
  return {
    workers,
    targets: o.dials,
    seconds: round(seconds),
    dialsPerSec: round(o.dials / seconds, 1),
    maxConcurrentObserved: stats!.maxConcurrentObserved,
    cap: o.cap,
    overCap: stats!.byDisconnectionReason.concurrency_limit_reached ?? 0,
    dialledTwice: [...perNumber.values()].filter((n) => n > 1).length,
    notDialled: numbers.filter((n) => !perNumber.has(n)).length,
    dialerCpuSec: round(dialerCpuSec),
  };
}

/** Merges `campaign` into latest.json, keeping every other key. */
function mergeResults(out: string, campaign: Record<string, unknown>): void {
  const current = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ...current, campaign }, null, 2)}\n`);
}

async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function campaignMode(argv: string[]): Promise<void> {
  const o = parseCampaignArgs(argv);
  log(
    `campaign: ${o.rounds} round(s) of ${o.targets} targets accepted (JSON, CSV); ${o.dials} dials at cap ${o.cap} with ${o.workers.join(' and ')} dialer worker(s)`,
  );
  const stack = await startStack(o.cap);
  try {
    const accept = { json: [] as number[], csv: [] as number[] };
    let run = 0;
    for (let r = 0; r < o.rounds; r++) {
      for (const kind of ['json', 'csv'] as const) {
        const sec = await acceptRound(stack, o, ++run, kind);
        accept[kind].push(sec);
        log(`accept ${kind} round ${r + 1}: ${o.targets} targets in ${sec.toFixed(2)} s`);
      }
    }
    const dials: DialRun[] = [];
    for (const w of o.workers) {
      const d = await dialRound(stack, o, w, ++run);
      dials.push(d);
      log(
        `dial with ${w} worker(s): ${d.targets} in ${d.seconds} s = ${d.dialsPerSec}/s; max live ${d.maxConcurrentObserved} (cap ${d.cap}); over cap ${d.overCap}; twice ${d.dialledTwice}; missed ${d.notDialled}; dialer CPU ${d.dialerCpuSec} s`,
      );
    }
    const campaign = {
      accept100kSec: round(median(accept.json)),
      accept100kSecCsv: round(median(accept.csv)),
      acceptTargets: o.targets,
      dialsPerSec: dials[0].dialsPerSec,
      dialsPerSecByWorkers: Object.fromEntries(dials.map((d) => [String(d.workers), d.dialsPerSec])),
      maxConcurrentObserved: Math.max(...dials.map((d) => d.maxConcurrentObserved)),
      concurrencyCap: o.cap,
      dialRuns: dials,
      measuredAt: new Date().toISOString(),
    };
    mergeResults(o.out, campaign);
    log(`wrote campaign figures to ${path.relative(ROOT, o.out)}: ${JSON.stringify({ ...campaign, dialRuns: undefined })}`);
  } finally {
    await Promise.all([...stack.dialers, ...stack.apps].map((a) => a.stop().catch(() => undefined)));
    await deleteQueueKeys(stack.prefix).catch(() => undefined);
    await db.dropDatabase(CAMPAIGN_DB).catch(() => undefined);
    killAllSync();
  }
}

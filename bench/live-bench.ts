/**
 * The live-call endpoints under load (docs/live-calls.md): the agent's tools
 * (POST /webhooks/retell/tools/<slug>/<tool>) and the inbound-call webhook
 * (POST /webhooks/retell/inbound/<slug>), each answered while a caller waits on the line.
 *
 * A gateway process (NODE_ENV=production) on a database of its own: one tenant with
 * BENCH_LIVE_CANDIDATES candidates (default 1000) with numbers, positions, 5 interviewers with
 * working hours, a third of the candidates with an interview booked, inbound rules. Then paced
 * open-loop load at `--rate` per second (default 200), after a warm-up:
 *   1. tools: get_candidate, check_interview_slots and book_interview in turn (one run, each
 *      request to its tool's URL); bookings of distinct calls and slots, one in ten a repeat
 *      of an earlier request (the idempotent path);
 *   2. inbound: half from candidates' numbers, half from unknown ones, each a new call id.
 * Writes `tools` and `inbound` into bench/results/latest.json, keeping every other key.
 *
 *   npm run bench -- --live [--quick] [--rate 200] [--seconds 20] [--profile]
 *   node dist/bench/live-bench.js [same flags]     (already built, services up)
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import IORedis from 'ioredis';
import { DateTime } from 'luxon';
import { sign } from 'retell-sdk/lib/webhook_auth';
import { SecretBox } from '@retell-ops/config';
import { createPrismaClient, upsertTenant } from '@retell-ops/db';
import { formatSummary, summariseProfile } from './cpuprofile';
import { paced, type LoadResult, type TagResult } from './load';
import { RequestPool, type Delivery } from './payload-pool';
import { backgroundCores, cpuSecondsOf, freePort, killAllSync, ROOT, startNode } from './processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require(path.join(ROOT, 'tools', 'db.js')) as {
  migrate: (url: string, opts?: { log?: (m: string) => void }) => Promise<number>;
  dropDatabase: (url: string) => Promise<void>;
};

const PG_BASE = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const DB_URL = `${PG_BASE}/${process.env.BENCH_DB_NAME ?? 'retell_ops_bench_live'}`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const GATEWAY_MAIN = path.join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');
const OUT = path.join(ROOT, 'bench', 'results', 'latest.json');
const PROFILES = path.join(ROOT, 'bench', 'results', 'profiles');
const ZONE = 'America/New_York';
const INTERVIEWERS = 5;
/** weekdays ahead that bookings and existing interviews spread over */
const WEEKDAYS = 30;
const HOURS = [9, 10, 11, 12, 13, 14, 15, 16];
const TOOLS = ['get_candidate', 'check_interview_slots', 'book_interview'] as const;
const TARGET_P99_MS = 50;

interface Options {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  candidates: number;
  profile: boolean;
}

function parseArgs(argv: string[]): Options {
  const num = (flag: string, fallback: number) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : fallback);
  const quick = argv.includes('--quick');
  return {
    rate: num('--rate', 200),
    seconds: num('--seconds', quick ? 5 : 20),
    warmupSeconds: quick ? 2 : 5,
    candidates: Number(process.env.BENCH_LIVE_CANDIDATES ?? 1000),
    profile: argv.includes('--profile'),
  };
}

const log = (msg: string) => process.stdout.write(`[live-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const phoneOf = (i: number) => `+1415${String(1_000_000 + i).padStart(7, '0')}`;
const callId = () => `call_${randomBytes(12).toString('hex')}`;
const interviewerName = (k: number) => `Interviewer ${k + 1}`;

/** The next WEEKDAYS weekdays in New York, starting two days ahead (bookings need notice). */
function weekdays(): DateTime[] {
  const out: DateTime[] = [];
  for (let d = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 2 }); out.length < WEEKDAYS; d = d.plus({ days: 1 })) if (d.weekday <= 5) out.push(d);
  return out;
}

/** Slot n of the grid (weekday × hour × interviewer), spread so consecutive n land on different days. */
function slotOf(days: DateTime[], n: number): { start: DateTime; interviewer: string } {
  const day = days[n % days.length];
  const rest = Math.floor(n / days.length);
  return { start: day.set({ hour: HOURS[rest % HOURS.length] }), interviewer: interviewerName(Math.floor(rest / HOURS.length) % INTERVIEWERS) };
}

const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true })!;

/** Signs like the SDK (HMAC-SHA256 over body + timestamp) without its ~120 µs WebCrypto cost; the first is checked against the SDK. */
function signer(apiKey: string) {
  const ts = Date.now();
  let checked = false;
  return async (body: string, pathName?: string, tag?: string): Promise<Delivery> => {
    const signature = `v=${ts},d=${createHmac('sha256', apiKey)
      .update(body + ts)
      .digest('hex')}`;
    if (!checked) {
      const sdk = await sign(body, apiKey);
      if (
        !sdk.startsWith(`v=`) ||
        sdk.split(',d=')[1] !==
          createHmac('sha256', apiKey)
            .update(body + sdk.slice(2, sdk.indexOf(',')))
            .digest('hex')
      )
        throw new Error('bench signature differs from the SDK signature');
      checked = true;
    }
    return { body: Buffer.from(body), signature, ...(pathName && { path: pathName }), ...(tag && { tag }) };
  };
}

interface Seeded {
  tenantId: string;
  retellKey: string;
  agentId: string;
  days: DateTime[];
  existing: number;
}

async function seed(o: Options): Promise<Seeded> {
  const retellKey = `key_${randomBytes(16).toString('hex')}`;
  const agentId = `agent_bench_${randomBytes(4).toString('hex')}`;
  await db.dropDatabase(DB_URL);
  await db.migrate(DB_URL, { log: () => undefined });
  const prisma = createPrismaClient({ databaseUrl: DB_URL, poolSize: 2 });
  try {
    const { tenantId } = await upsertTenant(prisma, new SecretBox(process.env.BENCH_ENC_KEY!), {
      slug: 'bench',
      name: 'Benchmark tenant',
      retellApiKey: retellKey,
      adminApiKey: process.env.BENCH_ADMIN_KEY!,
      defaultAgentId: agentId,
    });
    const positions = await Promise.all(
      ['Warehouse Associate', 'Forklift Driver', 'Shift Lead'].map((title) => prisma.position.create({ data: { tenantId, title } })),
    );
    await prisma.candidate.createMany({
      data: Array.from({ length: o.candidates }, (_, i) => ({
        tenantId,
        firstName: `C${i}`,
        lastName: 'Bench',
        externalId: `ext-${i}`,
        phone: phoneOf(i),
        status: 'screening' as const,
        timeZone: ZONE,
        positionId: positions[i % positions.length].id,
      })),
    });
    const hours = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [[540, 1020]]]));
    await prisma.interviewer.createMany({
      data: Array.from({ length: INTERVIEWERS }, (_, k) => ({
        tenantId,
        name: interviewerName(k),
        timeZone: ZONE,
        workingHours: hours,
        slotMinutes: 60,
        positionIds: positions.map((p) => p.id),
      })),
    });
    // A third of the candidates have an interview: the last slots of the grid, so bookings (from slot 0 up) meet them late.
    const days = weekdays();
    const grid = days.length * HOURS.length * INTERVIEWERS;
    const booked = await prisma.candidate.findMany({
      where: { tenantId },
      select: { id: true },
      orderBy: { phone: 'asc' },
      take: Math.floor(o.candidates / 3),
    });
    await prisma.interview.createMany({
      data: booked.map((c, i) => {
        const s = slotOf(days, grid - 1 - i);
        return {
          tenantId,
          candidateId: c.id,
          status: 'scheduled' as const,
          scheduledAt: s.start.toJSDate(),
          timeZone: ZONE,
          durationMinutes: 60,
          interviewer: s.interviewer,
        };
      }),
    });
    await prisma.inboundRules.create({
      data: { tenantId, rules: { blockedNumbers: ['+1900*'], agentRules: [{ caller: 'known', interviewBooked: true, agentId: 'agent_interviews' }] } },
    });
    log(`tenant: ${o.candidates} candidates, ${positions.length} positions, ${INTERVIEWERS} interviewers, ${booked.length} interviews, inbound rules`);
    return { tenantId, retellKey, agentId, days, existing: booked.length };
  } finally {
    await prisma.$disconnect();
  }
}

/** `count` tool requests in turn get_candidate, check_interview_slots, book_interview (each its tool's path and tag). */
async function toolPool(s: Seeded, o: Options, count: number): Promise<RequestPool> {
  const sign = signer(s.retellKey);
  const items: Delivery[] = [];
  const books: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const tool = TOOLS[i % TOOLS.length];
    const n = Math.floor(i / TOOLS.length);
    const candidate = (n * 7) % o.candidates;
    const call = {
      call_id: callId(),
      call_type: 'phone_call',
      direction: 'inbound',
      from_number: phoneOf(candidate),
      to_number: '+14155550123',
      agent_id: s.agentId,
    };
    let args: Record<string, string> = {};
    if (tool === 'get_candidate' && n % 10 === 9) call.from_number = phoneOf(o.candidates + n); // unknown caller
    if (tool === 'check_interview_slots') {
      const from = s.days[n % (s.days.length - 3)];
      args = { date_from: from.toISODate()!, ...(n % 3 ? { date_to: from.plus({ days: n % 3 === 1 ? 1 : 6 }).toISODate()! } : {}) };
    }
    if (tool === 'book_interview') {
      // one in ten repeats an earlier booking request byte for byte (Retell retrying it)
      if (n % 10 === 9 && books.length) {
        items.push(books[books.length - 5] ?? books[0]);
        continue;
      }
      const slot = slotOf(s.days, n);
      args = { start: iso(slot.start), interviewer: slot.interviewer };
    }
    const body = JSON.stringify({ name: tool, call, args });
    const d = await sign(body, `/webhooks/retell/tools/bench/${tool}`, tool);
    if (tool === 'book_interview') books.push(d);
    items.push(d);
  }
  return new RequestPool(items, Date.now());
}

async function inboundPool(s: Seeded, o: Options, count: number): Promise<RequestPool> {
  const sign = signer(s.retellKey);
  const items: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const from = i % 2 === 0 ? phoneOf(i % o.candidates) : phoneOf(o.candidates + i);
    const body = JSON.stringify({
      event: 'call_inbound',
      event_timestamp: Date.now(),
      call_inbound: { agent_id: s.agentId, from_number: from, to_number: '+14155550123', call_id: callId() },
    });
    items.push(await sign(body));
  }
  return new RequestPool(items, Date.now());
}

const ms = (n: number) => Math.round(n * 100) / 100;
const figures = (r: TagResult) => ({
  p50Ms: ms(r.p50),
  p90Ms: ms(r.p90),
  p99Ms: ms(r.p99),
  p999Ms: ms(r.p999),
  maxMs: ms(r.max),
  ok: r.ok,
  non2xx: r.non2xx,
  errors: r.errors,
});

/** One measured paced run: latencies, the gateway's CPU per request, and the cores other processes used meanwhile. */
async function measured(url: string, pool: RequestPool, o: Options, gatewayPid: number) {
  const cpu0 = cpuSecondsOf(gatewayPid);
  const { result, bgCores } = await backgroundCores(
    () => [gatewayPid, process.pid],
    () => paced({ url, pool, rate: o.rate, durationSec: o.seconds }),
  );
  const answers = Math.max(1, result.ok + result.non2xx);
  return { r: result, cpuUs: Math.round(((cpuSecondsOf(gatewayPid) - cpu0) * 1e6) / answers), bgCores: Math.round(bgCores * 100) / 100 };
}

const line = (what: string, r: LoadResult | TagResult, extra = '') =>
  `${what.padEnd(22)} p50 ${r.p50.toFixed(2)}  p99 ${r.p99.toFixed(2)}  p99.9 ${r.p999.toFixed(2)}  max ${r.max.toFixed(1)} ms  ok ${r.ok}  non-2xx ${r.non2xx}  errors ${r.errors}${extra}`;

export async function liveBench(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${path.relative(ROOT, GATEWAY_MAIN)} is missing: run npm run build first`);
  process.env.BENCH_ENC_KEY ??= randomBytes(32).toString('hex');
  process.env.BENCH_ADMIN_KEY ??= `rops_${randomBytes(20).toString('hex')}`;
  const s = await seed(o);
  const prefix = `blive${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const profileName = 'live-gateway.cpuprofile';
  if (o.profile) rmSync(path.join(PROFILES, profileName), { force: true });
  const gateway = await startNode(
    'gateway',
    GATEWAY_MAIN,
    {
      DATABASE_URL: DB_URL,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      GATEWAY_PORT: String(port),
      API_PORT: '0',
      RETELL_SIM_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'log',
      NODE_ENV: 'production',
      RETELL_API_KEY: s.retellKey,
      ADMIN_API_KEY: process.env.BENCH_ADMIN_KEY,
      ENCRYPTION_KEY: process.env.BENCH_ENC_KEY,
    },
    /listening on http/,
    o.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${profileName}`] : [],
  );
  const base = `http://127.0.0.1:${port}`;
  let toolRequests: number | undefined;
  try {
    const perRun = Math.ceil(o.rate * o.seconds);
    const warm = Math.ceil(o.rate * o.warmupSeconds);
    // Tools: the warm-up takes the pool's first requests, the measured run the rest (no request sent twice but the planned repeats).
    const tools = await toolPool(s, o, warm + perRun);
    log(`${tools.size} signed tool requests; warm-up ${o.warmupSeconds} s at ${o.rate}/s`);
    await paced({ url: `${base}/webhooks/retell/tools/bench/get_candidate`, pool: tools, rate: o.rate, durationSec: o.warmupSeconds });
    log(`tools: measuring ${o.seconds} s at ${o.rate}/s (paced, open loop, the three tools in turn)`);
    const t = await measured(`${base}/webhooks/retell/tools/bench/get_candidate`, tools, o, gateway.pid);
    toolRequests = t.r.ok + t.r.non2xx;
    log(line('tools (mix)', t.r, `  gateway CPU ${t.cpuUs} µs/request  [other processes ${t.bgCores} cores]`));
    for (const [name, r] of Object.entries(t.r.byTag ?? {})) log(line(`  ${name}`, r));

    const inbound = await inboundPool(s, o, warm + perRun);
    log(`${inbound.size} signed call_inbound deliveries; warm-up ${o.warmupSeconds} s at ${o.rate}/s`);
    await paced({ url: `${base}/webhooks/retell/inbound/bench`, pool: inbound, rate: o.rate, durationSec: o.warmupSeconds });
    log(`inbound: measuring ${o.seconds} s at ${o.rate}/s`);
    const i = await measured(`${base}/webhooks/retell/inbound/bench`, inbound, o, gateway.pid);
    const degraded = await degradedCount(`${base}/metrics`);
    log(line('inbound', i.r, `  gateway CPU ${i.cpuUs} µs/request  degraded ${degraded}  [other processes ${i.bgCores} cores]`));

    const at = new Date().toISOString();
    const settings = { ratePerSec: o.rate, durationSec: o.seconds, candidates: o.candidates, interviewers: INTERVIEWERS, existingInterviews: s.existing };
    const toolsOut = {
      ...figures(t.r),
      cpuUsPerRequest: t.cpuUs,
      otherProcessesCores: t.bgCores,
      byTool: Object.fromEntries(Object.entries(t.r.byTag ?? {}).map(([name, r]) => [name, figures(r)])),
      targetP99Ms: TARGET_P99_MS,
      pass: t.r.p99 <= TARGET_P99_MS && t.r.non2xx === 0 && t.r.errors === 0,
      ...settings,
      profiled: o.profile,
      at,
    };
    const inboundOut = {
      ...figures(i.r),
      cpuUs: i.cpuUs,
      /** the name the first inbound bench used */
      cpuUsPerAnswer: i.cpuUs,
      otherProcessesCores: i.bgCores,
      degraded,
      targetP99Ms: TARGET_P99_MS,
      pass: i.r.p99 <= TARGET_P99_MS && i.r.non2xx === 0 && i.r.errors === 0,
      ...settings,
      profiled: o.profile,
      at,
    };
    mkdirSync(path.dirname(OUT), { recursive: true });
    const before = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(OUT, `${JSON.stringify({ ...before, tools: toolsOut, inbound: inboundOut }, null, 2)}\n`);
    log(`wrote tools.p99Ms = ${toolsOut.p99Ms}, inbound.p99Ms = ${inboundOut.p99Ms} to ${path.relative(ROOT, OUT)}`);
  } finally {
    await gateway.stop();
    const redis = new IORedis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    for (let k = 0; k < keys.length; k += 500) await redis.del(...keys.slice(k, k + 500));
    redis.disconnect();
    await db.dropDatabase(DB_URL);
  }
  if (o.profile) {
    const file = path.join(PROFILES, profileName);
    // the profile covers warm-up, tools and inbound: µs per request are over every request sent
    if (existsSync(file))
      console.log(formatSummary('gateway (tools + inbound)', summariseProfile(file, 30), { count: Math.max(1, toolRequests ?? 0) * 2, unit: 'req' }));
  }
}

/** Answers the gateway degraded during the run (its own count, from /metrics). */
async function degradedCount(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return [...text.matchAll(/^rops_inbound_answers_total\{kind="degraded"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

if (require.main === module) {
  liveBench(process.argv.slice(2)).catch((e) => {
    console.error(e);
    killAllSync();
    process.exit(1);
  });
}

/**
 * The inbound-call webhook under load (docs/live-calls.md#inbound-calls): a gateway process on a
 * database of its own, one tenant with BENCH_INBOUND_CANDIDATES candidates (a third with an
 * interview booked) and agent rules; paced open-loop POSTs of signed `call_inbound` deliveries at
 * `--rate` per second (default 200) for `--seconds` (default 20), half from candidates' numbers,
 * half from unknown ones, each a new call id. Writes `inbound` (p50Ms, p99Ms, …) into
 * bench/results/latest.json, keeping what else is there.
 *
 *   node tools/prepare.js start && node dist/bench/inbound-bench.js [--rate 200] [--seconds 20]
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import IORedis from 'ioredis';
import { sign } from 'retell-sdk/lib/webhook_auth';
import { SecretBox } from '@retell-ops/config';
import { createPrismaClient, upsertTenant } from '@retell-ops/db';
import { paced } from './load';
import { RequestPool, type Delivery } from './payload-pool';
import { cpuSecondsOf, freePort, killAllSync, ROOT, startNode } from './processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require(path.join(ROOT, 'tools', 'db.js')) as {
  migrate: (url: string, opts?: { log?: (m: string) => void }) => Promise<number>;
  dropDatabase: (url: string) => Promise<void>;
};

const argv = process.argv.slice(2);
const num = (flag: string, fallback: number) => (argv.includes(flag) ? Number(argv[argv.indexOf(flag) + 1]) : fallback);
const RATE = num('--rate', 200);
const SECONDS = num('--seconds', 20);
const CANDIDATES = Number(process.env.BENCH_INBOUND_CANDIDATES ?? 2000);
const PG_BASE = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const DB_URL = `${PG_BASE}/retell_ops_bench_inbound`;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const GATEWAY_MAIN = path.join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js');
const OUT = path.join(ROOT, 'bench', 'results', 'latest.json');
const DAY = 24 * 3600 * 1000;

const log = (msg: string) => process.stdout.write(`[inbound-bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const phoneOf = (i: number) => `+1415${String(1_000_000 + i).padStart(7, '0')}`;

async function main(): Promise<void> {
  const secrets = {
    retell: `key_${randomBytes(16).toString('hex')}`,
    admin: `rops_${randomBytes(20).toString('hex')}`,
    enc: randomBytes(32).toString('hex'),
    agent: `agent_bench_${randomBytes(4).toString('hex')}`,
  };
  const prefix = `bin${randomBytes(4).toString('hex')}`;
  await db.dropDatabase(DB_URL);
  await db.migrate(DB_URL, { log: () => undefined });
  const prisma = createPrismaClient({ databaseUrl: DB_URL, poolSize: 2 });
  const { tenantId } = await upsertTenant(prisma, new SecretBox(secrets.enc), {
    slug: 'bench',
    name: 'Benchmark tenant',
    retellApiKey: secrets.retell,
    adminApiKey: secrets.admin,
    defaultAgentId: secrets.agent,
  });
  await prisma.candidate.createMany({
    data: Array.from({ length: CANDIDATES }, (_, i) => ({
      tenantId,
      firstName: `C${i}`,
      phone: phoneOf(i),
      status: 'screening' as const,
      timeZone: 'America/New_York',
    })),
  });
  const booked = await prisma.candidate.findMany({ where: { tenantId }, select: { id: true }, take: Math.floor(CANDIDATES / 3) });
  await prisma.interview.createMany({
    data: booked.map((c, i) => ({ tenantId, candidateId: c.id, status: 'scheduled' as const, scheduledAt: new Date(Date.now() + (1 + (i % 9)) * DAY) })),
  });
  await prisma.inboundRules.create({
    data: { tenantId, rules: { blockedNumbers: ['+1900*'], agentRules: [{ caller: 'known', interviewBooked: true, agentId: 'agent_interviews' }] } },
  });
  await prisma.$disconnect();
  log(`tenant with ${CANDIDATES} candidates (${booked.length} with an interview), rules set`);

  const port = await freePort();
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
      RETELL_API_KEY: secrets.retell,
      ADMIN_API_KEY: secrets.admin,
      ENCRYPTION_KEY: secrets.enc,
    },
    /listening on http/,
  );
  const url = `http://127.0.0.1:${port}/webhooks/retell/inbound/bench`;
  try {
    const total = Math.ceil(RATE * SECONDS) + Math.ceil(RATE * 5);
    const deliveries: Delivery[] = [];
    for (let i = 0; i < total; i++) {
      const from = i % 2 === 0 ? phoneOf(i % CANDIDATES) : phoneOf(CANDIDATES + i);
      const body = JSON.stringify({
        event: 'call_inbound',
        event_timestamp: Date.now(),
        call_inbound: { agent_id: secrets.agent, from_number: from, to_number: '+14155550123', call_id: `call_${randomBytes(12).toString('hex')}` },
      });
      deliveries.push({ body: Buffer.from(body), signature: await sign(body, secrets.retell) });
    }
    const pool = new RequestPool(deliveries, Date.now());
    log(`${total} signed deliveries; warm-up 5 s at ${RATE}/s`);
    await paced({ url, pool, rate: RATE, durationSec: 5 });
    log(`measuring ${SECONDS} s at ${RATE}/s (paced, open loop)`);
    const cpuBefore = cpuSecondsOf(gateway.pid);
    const r = await paced({ url, pool, rate: RATE, durationSec: SECONDS });
    const cpuUsPerAnswer = ((cpuSecondsOf(gateway.pid) - cpuBefore) * 1e6) / Math.max(1, r.ok + r.non2xx);
    const inbound = {
      ratePerSec: RATE,
      durationSec: SECONDS,
      candidates: CANDIDATES,
      p50Ms: r.p50,
      p90Ms: r.p90,
      p99Ms: r.p99,
      maxMs: r.max,
      ok: r.ok,
      non2xx: r.non2xx,
      errors: r.errors,
      /** gateway CPU (user + system) per answer: less sensitive than latency to a busy machine */
      cpuUsPerAnswer,
      degraded: await degradedCount(`http://127.0.0.1:${port}/metrics`),
      at: new Date().toISOString(),
    };
    log(
      `p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  max ${r.max.toFixed(1)} ms  ok ${r.ok}  non-2xx ${r.non2xx}  gateway CPU ${cpuUsPerAnswer.toFixed(0)} µs/answer  degraded ${inbound.degraded}`,
    );
    mkdirSync(path.dirname(OUT), { recursive: true });
    const before = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(OUT, `${JSON.stringify({ ...before, inbound }, null, 2)}\n`);
    log(`wrote inbound.p99Ms = ${r.p99.toFixed(2)} to ${path.relative(ROOT, OUT)}`);
  } finally {
    await gateway.stop();
    const redis = new IORedis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
  }
}

/** Answers the gateway degraded during the run (its own count, from /metrics). */
async function degradedCount(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return [...text.matchAll(/^rops_inbound_answers_total\{kind="degraded"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

main().catch((e) => {
  console.error(e);
  killAllSync();
  process.exit(1);
});

/**
 * `npm run bench -- --api`: the admin API on a million calls. Seeds `retell_ops_bench_api` with
 * seed:large (or reuses it when its marker says the same seed version and sizes), starts the real
 * API process on it, and measures p95 of call list pages, searches and 365-day stats (sequential
 * requests, after a warm-up), and the full CSV export's rows/s with the API's RSS while it streams.
 * Merges `api.*` into bench/results/latest.json, keeping every other key.
 */
import { SecretBox } from '@retell-ops/config';
import { createPrismaClient, upsertTenant } from '@retell-ops/db';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { freePort, killAllSync, memoryOf, ROOT, startNode, type Child } from './processes';
import { LARGE_SLUG, readSeedMarker, seedLarge, seedMarker } from './seed-large/seed';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require(path.join(ROOT, 'tools', 'db.js')) as { dropDatabase(url: string): Promise<void> };

const API_MAIN = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const OUT = path.join(ROOT, 'bench', 'results', 'latest.json');
const SIZES = { calls: 1_000_000, candidates: 100_000, seed: 1, smallTenants: 10 };
const TARGETS = { callsListP95Ms: 30, searchP95Ms: 30, statsP95Ms: 100, exportRowsPerSec: 50_000 };
const log = (msg: string) => process.stdout.write(`[bench-api ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function benchDatabaseUrl(): string {
  const u = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/retell_ops');
  u.pathname = '/retell_ops_bench_api';
  return u.toString();
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

interface Probe {
  group: 'list' | 'search' | 'stats';
  name: string;
  path: string;
}

async function timed(base: string, key: string, p: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${p} answered ${res.status}`);
  return performance.now() - t0;
}

/** Request paths built from the data: a deep cursor, a real phone number, a real name. */
async function probes(url: string, tenantId: string): Promise<Probe[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const deep = (
      await c.query(`SELECT "occurredAt", id FROM "Call" WHERE "tenantId" = $1 ORDER BY "occurredAt" DESC, id DESC OFFSET 500000 LIMIT 1`, [tenantId])
    ).rows[0];
    const cursor = Buffer.from(`${deep.occurredAt.toISOString()}|${deep.id}`).toString('base64url');
    const phone = (await c.query(`SELECT "toNumber" FROM "Call" WHERE "tenantId" = $1 AND direction = 'outbound' OFFSET 123456 LIMIT 1`, [tenantId])).rows[0]
      .toNumber;
    const person = (await c.query(`SELECT "lastName", "firstName" FROM "Candidate" WHERE "tenantId" = $1 OFFSET 54321 LIMIT 1`, [tenantId])).rows[0];
    const agent = (await c.query(`SELECT "agentId" FROM "Call" WHERE "tenantId" = $1 LIMIT 1`, [tenantId])).rows[0].agentId;
    const batch = (await c.query(`SELECT id FROM "Batch" WHERE "tenantId" = $1 ORDER BY "createdAt" OFFSET 100 LIMIT 1`, [tenantId])).rows[0].id;
    const now = Date.now();
    const day = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    return [
      { group: 'list', name: 'first page', path: '/api/v1/calls?limit=50' },
      { group: 'list', name: 'deep page (500k in)', path: `/api/v1/calls?limit=50&cursor=${cursor}` },
      { group: 'list', name: 'status=failed', path: '/api/v1/calls?limit=50&status=failed' },
      { group: 'list', name: 'status=failed, deep', path: `/api/v1/calls?limit=50&status=failed&cursor=${cursor}` },
      { group: 'list', name: 'outcome=voicemail', path: '/api/v1/calls?limit=50&outcome=voicemail' },
      { group: 'list', name: 'agent + 30 days', path: `/api/v1/calls?limit=50&agentId=${agent}&from=${iso(now - 60 * day)}&to=${iso(now - 30 * day)}` },
      { group: 'list', name: 'batch', path: `/api/v1/calls?limit=50&batchId=${batch}` },
      { group: 'list', name: '200 per page', path: '/api/v1/calls?limit=200' },
      { group: 'search', name: 'phone (full number)', path: `/api/v1/calls?phone=${encodeURIComponent(phone)}` },
      { group: 'search', name: 'phone (last 7 digits)', path: `/api/v1/calls?phone=${phone.slice(-7)}` },
      { group: 'search', name: 'candidate name', path: `/api/v1/candidates?q=${encodeURIComponent(`${person.firstName} ${person.lastName}`)}` },
      { group: 'search', name: 'candidate last name', path: `/api/v1/candidates?q=${encodeURIComponent(person.lastName)}` },
      { group: 'search', name: 'transcript: forklift', path: '/api/v1/calls?q=forklift' },
      { group: 'search', name: 'transcript: "TIG welding" -night', path: `/api/v1/calls?q=${encodeURIComponent('"TIG welding" -night')}` },
      { group: 'search', name: 'transcript: rare word (Tacoma)', path: '/api/v1/calls?q=Tacoma' },
      { group: 'stats', name: 'stats 365 days', path: `/api/v1/stats?from=${iso(now - 365 * day)}&to=${iso(now)}` },
      { group: 'stats', name: 'stats 30 days', path: `/api/v1/stats?from=${iso(now - 30 * day)}&to=${iso(now)}` },
    ];
  } finally {
    await c.end();
  }
}

async function exportAll(
  base: string,
  key: string,
  api: Child,
): Promise<{ rows: number; seconds: number; rssStartMb: number; rssPeakMb: number; rssEndMb: number }> {
  const rss: number[] = [memoryOf(api.pid).rssMb];
  const sampler = setInterval(() => rss.push(memoryOf(api.pid).rssMb), 200);
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/calls/export.csv`, { headers: { authorization: `Bearer ${key}` } });
  let newlines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) for (const b of chunk) if (b === 10) newlines++;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  rss.push(memoryOf(api.pid).rssMb);
  return { rows: newlines - 1, seconds, rssStartMb: rss[0], rssPeakMb: Math.max(...rss), rssEndMb: rss[rss.length - 1] };
}

export async function apiBench(argv: string[]): Promise<void> {
  if (!existsSync(API_MAIN)) throw new Error('dist/apps/api/src/main.js is missing: run npm run build first');
  const url = benchDatabaseUrl();
  const rounds = argv.includes('--quick') ? 10 : 40;
  const marker = await readSeedMarker(url);
  if (marker !== seedMarker(SIZES) || argv.includes('--reseed')) {
    log(marker ? `reseeding (found "${marker}")` : 'seeding a 1M-call database (a few minutes)');
    await db.dropDatabase(url);
    const r = await seedLarge({ databaseUrl: url, ...SIZES, end: new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000), log: (l) => log(`seed: ${l}`) });
    log(`seeded in ${r.seconds.toFixed(0)} s, ${(r.databaseBytes / 2 ** 30).toFixed(2)} GB`);
  } else log(`reusing ${new URL(url).pathname.slice(1)} (${marker})`);

  const secrets = { admin: `rops_${randomBytes(20).toString('hex')}`, enc: randomBytes(32).toString('hex'), retell: `key_${randomBytes(16).toString('hex')}` };
  const prisma = createPrismaClient({ databaseUrl: url, poolSize: 1 });
  const { tenantId } = await upsertTenant(prisma, new SecretBox(secrets.enc), {
    slug: LARGE_SLUG,
    name: 'Acme Staffing (large)',
    retellApiKey: secrets.retell,
    adminApiKey: secrets.admin,
  }).finally(() => prisma.$disconnect());

  const port = await freePort();
  const api = await startNode(
    'api',
    API_MAIN,
    {
      DATABASE_URL: url,
      REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `bapi${randomBytes(3).toString('hex')}`,
      API_PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'log', // the 'listening on' line the start waits for is logged at this level
      ADMIN_API_KEY: secrets.admin,
      RETELL_API_KEY: secrets.retell,
      ENCRYPTION_KEY: secrets.enc,
      API_RATE_LIMIT_PER_MINUTE: '0',
    },
    /listening on http/,
    [],
    60_000,
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    const list = await probes(url, tenantId);
    const measured: Array<Probe & { p50: number; p95: number }> = [];
    for (const p of list) {
      for (let i = 0; i < 3; i++) await timed(base, secrets.admin, p.path); // warm the plan cache and the pages
      const ms: number[] = [];
      for (let i = 0; i < rounds; i++) ms.push(await timed(base, secrets.admin, p.path));
      measured.push({ ...p, p50: p50(ms), p95: p95(ms) });
      log(`${p.group.padEnd(6)} ${p.name.padEnd(36)} p50 ${p50(ms).toFixed(1).padStart(7)} ms  p95 ${p95(ms).toFixed(1).padStart(7)} ms`);
    }
    log('export: GET /api/v1/calls/export.csv (every call of the tenant)');
    const exp = await exportAll(base, secrets.admin, api);
    const exportRowsPerSec = exp.rows / exp.seconds;
    log(
      `export: ${exp.rows} rows in ${exp.seconds.toFixed(1)} s = ${Math.round(exportRowsPerSec)} rows/s; API RSS ${exp.rssStartMb.toFixed(0)} → peak ${exp.rssPeakMb.toFixed(0)} MB`,
    );

    const worst = (g: Probe['group']) => Math.max(...measured.filter((m) => m.group === g).map((m) => m.p95));
    const stats365 = measured.find((m) => m.name === 'stats 365 days')!.p95;
    const figures = {
      callsListP95Ms: round(worst('list')),
      searchP95Ms: round(worst('search')),
      statsP95Ms: round(stats365),
      exportRowsPerSec: Math.round(exportRowsPerSec),
      exportRows: exp.rows,
      exportSeconds: round(exp.seconds),
      exportRssStartMb: round(exp.rssStartMb),
      exportRssPeakMb: round(exp.rssPeakMb),
      requestsPerProbe: rounds,
      probes: Object.fromEntries(measured.map((m) => [`${m.group}: ${m.name}`, { p50Ms: round(m.p50), p95Ms: round(m.p95) }])),
      targets: {
        callsListP95Ms: { target: TARGETS.callsListP95Ms, pass: worst('list') <= TARGETS.callsListP95Ms },
        searchP95Ms: { target: TARGETS.searchP95Ms, pass: worst('search') <= TARGETS.searchP95Ms },
        statsP95Ms: { target: TARGETS.statsP95Ms, pass: stats365 <= TARGETS.statsP95Ms },
        exportRowsPerSec: { target: TARGETS.exportRowsPerSec, pass: exportRowsPerSec >= TARGETS.exportRowsPerSec },
      },
      measuredAt: new Date().toISOString(),
    };
    const previous = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, unknown>) : {};
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify({ ...previous, api: figures }, null, 2)}\n`);
    log(
      `api.callsListP95Ms ${figures.callsListP95Ms}, api.searchP95Ms ${figures.searchP95Ms}, api.statsP95Ms ${figures.statsP95Ms}, api.exportRowsPerSec ${figures.exportRowsPerSec} → ${path.relative(ROOT, OUT)}`,
    );
  } finally {
    await api.stop();
  }
}

if (require.main === module) {
  apiBench(process.argv.slice(2))
    .then(() => process.exit(0))
    .catch((e) => {
      console.error(e instanceof Error ? e.stack : e);
      killAllSync();
      process.exit(1);
    });
}

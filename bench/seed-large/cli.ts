/**
 * npm run seed:large -- --calls 1000000 [--database URL] [--candidates 100000] [--seed N]
 *   [--small-tenants 10] [--end 2021-06-30] [--admin-key KEY]
 *
 * Fills an empty database with a large tenant (calls over ~13 months with their events,
 * candidates, interviews, batches and dial requests) and small ones, by COPY. Deterministic for
 * a seed and an end day; refuses a database that already has calls.
 */
import { seedLarge } from './seed';

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i === -1) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

function count(argv: string[], name: string, fallback: number, max: number): number {
  const raw = flag(argv, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be a whole number from 0 to ${max}`);
  return n;
}

function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const known = new Set(['--calls', '--database', '--candidates', '--seed', '--small-tenants', '--end', '--admin-key']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`unknown flag ${a}`);
  const endRaw = flag(argv, '--end');
  const end = endRaw ? new Date(endRaw) : startOfUtcDay(new Date());
  if (Number.isNaN(end.getTime())) throw new Error('--end must be a date (2021-06-30)');
  const databaseUrl = flag(argv, '--database') ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/retell_ops';
  const o = {
    databaseUrl,
    calls: count(argv, '--calls', 1_000_000, 20_000_000),
    candidates: count(argv, '--candidates', 100_000, 5_000_000),
    seed: count(argv, '--seed', 1, 2 ** 31),
    smallTenants: count(argv, '--small-tenants', 10, 100),
    end,
    adminApiKey: flag(argv, '--admin-key'),
    log: (line: string) => console.log(`[seed:large] ${line}`),
  };
  console.log(
    `[seed:large] ${o.calls} calls, ${o.candidates} candidates, seed ${o.seed}, history ending ${end.toISOString()} → ${new URL(databaseUrl).pathname.slice(1)}`,
  );
  const r = await seedLarge(o);
  const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
  console.log(`[seed:large] done in ${r.seconds.toFixed(1)} s; database ${mb(r.databaseBytes)}`);
  for (const [t, b] of Object.entries(r.tableBytes).sort((a, b) => b[1] - a[1]))
    console.log(`  ${t.padEnd(12)} ${String(r.rows[t] ?? '').padStart(9)} rows  ${mb(b)}`);
  console.log(`[seed:large] tenant ${r.slug} (${r.tenantId}); its owner API key: ${r.adminApiKey}`);
  console.log(`  curl -s 'http://127.0.0.1:3001/api/v1/calls?q=forklift&limit=5' -H 'authorization: Bearer ${r.adminApiKey}'`);
}

main().catch((e) => {
  console.error(`[seed:large] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

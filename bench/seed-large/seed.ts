import { SecretBox, DEV_DEFAULTS } from '@retell-ops/config';
import { createPrismaClient, upsertTenant } from '@retell-ops/db';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { copyRows } from './copy';
import { makePlan, type TenantPlan } from './plan';
import { TABLES } from './rows';

/** Bump when what the seed writes changes: the API bench reseeds a database made by another version. */
export const SEED_VERSION = 1;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require(path.resolve(__dirname, '..', '..', '..', 'tools', 'db.js')) as {
  migrate(url: string, opts?: { log?: (line: string) => void }): Promise<number>;
};

export interface SeedOptions {
  databaseUrl: string;
  calls: number;
  candidates: number;
  seed: number;
  smallTenants: number;
  /** The history ends here (default: the start of the current UTC day); with the seed it fixes every row. */
  end: Date;
  /** The large tenant's owner API key (made up and printed when absent). */
  adminApiKey?: string;
  log?: (line: string) => void;
}

export interface SeedResult {
  tenantId: string;
  slug: string;
  adminApiKey: string;
  rows: Record<string, number>;
  seconds: number;
  databaseBytes: number;
  tableBytes: Record<string, number>;
}

export const LARGE_SLUG = 'acme-large';

/** What COMMENT ON DATABASE says after a complete seed: how the API bench recognises one it can reuse. */
export const seedMarker = (o: Pick<SeedOptions, 'calls' | 'candidates' | 'seed' | 'smallTenants'>) =>
  `retell-ops seed:large v${SEED_VERSION} calls=${o.calls} candidates=${o.candidates} seed=${o.seed} small=${o.smallTenants}`;

export async function readSeedMarker(databaseUrl: string): Promise<string | null> {
  const c = new Client({ connectionString: databaseUrl });
  try {
    await c.connect();
  } catch {
    return null; // no such database yet
  }
  try {
    const { rows } = await c.query(`SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = current_database()`);
    return (rows[0]?.d as string | null) ?? null;
  } finally {
    await c.end();
  }
}

export async function seedLarge(o: SeedOptions): Promise<SeedResult> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  await db.migrate(o.databaseUrl, { log: () => undefined });

  const client = new Client({ connectionString: o.databaseUrl });
  await client.connect();
  try {
    const { rows: existing } = await client.query(
      `SELECT (SELECT count(*) FROM "Call")::int AS calls, (SELECT count(*) FROM "Tenant" WHERE slug LIKE 'acme-%')::int AS tenants`,
    );
    if (existing[0].calls > 0 || existing[0].tenants > 0) {
      throw new Error(
        `the target database is not empty (${existing[0].calls} calls, ${existing[0].tenants} seeded tenants): seed:large fills an empty one (use --database)`,
      );
    }

    const adminApiKey = o.adminApiKey ?? `rops_large_${randomBytes(16).toString('hex')}`;
    const plans = await makeTenants(o, adminApiKey);
    log(`tenants: ${plans.map((p) => `${p.slug} (${p.calls} calls)`).join(', ')}`);

    const rows: Record<string, number> = {};
    await client.query('BEGIN');
    // Generated rows are consistent by construction: skip per-row foreign key triggers, and build
    // the secondary indexes once at the end instead of row by row (all in this transaction, so an
    // interrupted seed leaves the database as it was).
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    const tables = TABLES.map((t) => t.table).filter((t) => t !== 'Agent' && t !== 'Position');
    const { rows: indexes } = await client.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      [tables],
    );
    for (const ix of indexes) await client.query(`DROP INDEX "${ix.indexname}"`);
    for (const table of TABLES) {
      const t0 = Date.now();
      let n = 0;
      for (const plan of plans) n += await copyRows(client, table.table, table.columns, table.rows(plan));
      rows[table.table] = n;
      log(`${table.table}: ${n} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    const t0 = Date.now();
    for (const ix of indexes) await client.query(ix.indexdef);
    log(`${indexes.length} indexes built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await client.query('COMMIT');

    const t1 = Date.now();
    for (const table of TABLES) await client.query(`VACUUM (ANALYZE) "${table.table}"`);
    log(`vacuum and analyze in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    await client.query(`COMMENT ON DATABASE "${(await client.query('SELECT current_database() AS d')).rows[0].d}" IS '${seedMarker(o)}'`);

    const { rows: size } = await client.query(`SELECT pg_database_size(current_database())::float8 AS bytes`);
    const { rows: sizes } = await client.query(
      `SELECT relname, pg_total_relation_size(oid)::float8 AS bytes FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
      [TABLES.map((t) => t.table)],
    );
    return {
      tenantId: plans[0].tenantId,
      slug: plans[0].slug,
      adminApiKey,
      rows,
      seconds: (Date.now() - started) / 1000,
      databaseBytes: size[0].bytes,
      tableBytes: Object.fromEntries(sizes.map((s) => [s.relname, s.bytes])),
    };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}

/** The large tenant and the small ones, made as the platform makes tenants (sealed Retell key, owner key). */
async function makeTenants(o: SeedOptions, adminApiKey: string): Promise<TenantPlan[]> {
  const prisma = createPrismaClient({ databaseUrl: o.databaseUrl, poolSize: 2 });
  const box = new SecretBox(process.env.ENCRYPTION_KEY || DEV_DEFAULTS.ENCRYPTION_KEY);
  try {
    const plans: TenantPlan[] = [];
    for (let t = 0; t <= o.smallTenants; t++) {
      const slug = t === 0 ? LARGE_SLUG : `acme-small-${t}`;
      const { tenantId } = await upsertTenant(prisma, box, {
        slug,
        name: t === 0 ? 'Acme Staffing (large)' : `Acme Staffing branch ${t}`,
        retellApiKey: `key_seed_${randomBytes(12).toString('hex')}`,
        adminApiKey: t === 0 ? adminApiKey : `rops_small_${randomBytes(16).toString('hex')}`,
      });
      const small = t > 0;
      plans.push(
        makePlan({
          seed: o.seed,
          t,
          tenantId,
          slug,
          calls: small ? Math.max(1, Math.round(o.calls / 500)) : o.calls,
          candidates: small ? Math.max(1, Math.round(o.candidates / 200)) : o.candidates,
          end: o.end,
        }),
      );
    }
    return plans;
  } finally {
    await prisma.$disconnect();
  }
}

/**
 * Fails when prisma/schema.prisma and prisma/migrations/* drift apart.
 *
 * Database A gets the migrations (tools/db.js `migrate`, which records them as `prisma migrate
 * deploy` would); database B gets the SQL Prisma prints for the current schema from empty
 * (`sqlFromSchema`, Prisma 6.19's WebAssembly engine, offline). Their public schemas must match
 * in every catalog detail Prisma controls.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require('../../tools/db.js') as {
  migrate(url: string, opts?: { log?: (line: string) => void }): Promise<number>;
  createDatabase(url: string): Promise<void>;
  dropDatabase(url: string): Promise<void>;
  sqlFromSchema(schemaText?: string): string;
};

const ROOT = resolve(__dirname, '../..');
const MIGRATIONS_DIR = join(ROOT, 'prisma', 'migrations');
const SCHEMA_TEXT = readFileSync(join(ROOT, 'prisma', 'schema.prisma'), 'utf8');

const suffix = `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
function urlFor(name: string): string {
  const u = new URL(process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/retell_ops_test');
  u.pathname = `/rops_drift_${suffix}_${name}`;
  return u.toString();
}
const URL_A = urlFor('a'); // migrations
const URL_B = urlFor('b'); // schema.prisma
const URL_C = urlFor('c'); // modified schemas, each in a rolled-back transaction

/**
 * Indexes schema.prisma cannot express (expressions, pg_trgm operator classes, partial), made by
 * migrations alone: compared by name and kind here, left out of the schema comparison.
 */
const SQL_ONLY_INDEXES: Record<string, RegExp> = {
  'Call.Call_phones_trgm_idx': /USING gin .*gin_trgm_ops/,
  'Call.Call_transcript_fts_idx': /USING gin \(to_tsvector\('english'::regconfig, transcript\)\) WHERE \(transcript IS NOT NULL\)/,
  'Candidate.Candidate_search_trgm_idx': /USING gin \(lower\(.*gin_trgm_ops\)/,
};

/** CHECK constraints schema.prisma cannot express, made by migrations alone: compared here, left out of the schema comparison. */
const SQL_ONLY_CONSTRAINTS: Record<string, RegExp> = {
  'Interview.Interview_durationMinutes_bound': /CHECK \("durationMinutes" >= 1 AND "durationMinutes" <= 1440\)/,
};

type Snapshot = Record<'tables' | 'columns' | 'enums' | 'constraints' | 'indexes' | 'sequences', Record<string, unknown>>;

/** The public schema as the catalogs describe it, keyed so differences read as names. */
async function snapshot(client: Client): Promise<Snapshot> {
  const q = async (sql: string) => (await client.query(sql)).rows as Array<Record<string, unknown>>;
  const keyed = (rows: Array<Record<string, unknown>>, key: (r: Record<string, unknown>) => string, value: (r: Record<string, unknown>) => unknown) =>
    Object.fromEntries(rows.map((r) => [key(r), value(r)]));
  const skip = `'_prisma_migrations'`;

  const tables = await q(`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_name <> ${skip}`);
  // Column order is left out on purpose: a column a later migration adds lands last, while the
  // schema's SQL puts it where the model lists it; Prisma treats both as the same schema.
  const columns = await q(`
    SELECT table_name, column_name, data_type, udt_schema, udt_name, is_nullable, column_default,
           character_maximum_length, numeric_precision, numeric_scale, datetime_precision,
           is_identity, identity_generation, is_generated, generation_expression, collation_name
    FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> ${skip}`);
  const enums = await q(`
    SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`);
  const constraints = await q(`
    SELECT rel.relname AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid, true) AS def,
           c.condeferrable, c.condeferred
    FROM pg_constraint c JOIN pg_class rel ON rel.oid = c.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
    WHERE n.nspname = 'public' AND rel.relname <> ${skip}`);
  const indexes = await q(`
    SELECT tablename, indexname, indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename <> ${skip}`);
  const sequences = await q(`
    SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences
    WHERE sequence_schema = 'public'`);

  return {
    tables: keyed(
      tables,
      (r) => String(r.table_name),
      () => true,
    ),
    columns: keyed(
      columns,
      (r) => `${r.table_name}.${r.column_name}`,
      ({ table_name: _t, column_name: _c, ...rest }) => rest,
    ),
    enums: keyed(
      enums,
      (r) => String(r.typname),
      (r) => r.labels,
    ),
    constraints: keyed(
      constraints.filter((r) => !(`${r.table_name}.${r.conname}` in SQL_ONLY_CONSTRAINTS)),
      (r) => `${r.table_name}.${r.conname}`,
      ({ table_name: _t, conname: _c, ...rest }) => rest,
    ),
    indexes: keyed(
      indexes.filter((r) => !(`${r.tablename}.${r.indexname}` in SQL_ONLY_INDEXES)),
      (r) => `${r.tablename}.${r.indexname}`,
      (r) => r.indexdef,
    ),
    sequences: keyed(
      sequences,
      (r) => String(r.sequence_name),
      ({ sequence_name: _s, ...rest }) => rest,
    ),
  };
}

/** One line per difference, e.g. `columns Candidate.nickname: only in schema.prisma {...}`. */
function differences(fromMigrations: Snapshot, fromSchema: Snapshot): string[] {
  const out: string[] = [];
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  // Objects print without their null fields; arrays and strings print as JSON.
  const show = (v: unknown) => JSON.stringify(isRecord(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null)) : v);
  for (const kind of Object.keys(fromMigrations) as Array<keyof Snapshot>) {
    const a = fromMigrations[kind];
    const b = fromSchema[kind];
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const [va, vb] = [a[key], b[key]];
      if (!(key in b)) out.push(`${kind} ${key}: only in migrations ${show(va)}`);
      else if (!(key in a)) out.push(`${kind} ${key}: only in schema.prisma ${show(vb)}`);
      else if (JSON.stringify(va) === JSON.stringify(vb)) continue;
      else if (isRecord(va) && isRecord(vb)) {
        const fields = Object.keys({ ...va, ...vb }).filter((f) => JSON.stringify(va[f]) !== JSON.stringify(vb[f]));
        out.push(`${kind} ${key}: ${fields.map((f) => `${f} ${JSON.stringify(va[f])} (migrations) vs ${JSON.stringify(vb[f])} (schema.prisma)`).join('; ')}`);
      } else out.push(`${kind} ${key}: ${show(va)} (migrations) vs ${show(vb)} (schema.prisma)`);
    }
  }
  return out;
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Applies `sql` in a transaction on C, snapshots, and rolls back, so C stays empty. */
async function snapshotOfSql(url: string, sql: string): Promise<Snapshot> {
  return withClient(url, async (c) => {
    await c.query('BEGIN');
    try {
      await c.query(sql);
      return await snapshot(c);
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

/** The migration directories on disk, read independently of tools/db.js. */

const migrationDirs = () =>
  readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(MIGRATIONS_DIR, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();

describe('prisma/schema.prisma and prisma/migrations agree', () => {
  let fromMigrations: Snapshot;
  let fromSchema: Snapshot;

  beforeAll(async () => {
    await Promise.all([URL_A, URL_B, URL_C].map((u) => db.dropDatabase(u)));
    await db.migrate(URL_A, { log: () => {} });
    await db.createDatabase(URL_B);
    await db.createDatabase(URL_C);
    await withClient(URL_B, (c) => c.query(db.sqlFromSchema()));
    fromMigrations = await withClient(URL_A, snapshot);
    fromSchema = await withClient(URL_B, snapshot);
  }, 120_000);

  afterAll(async () => {
    for (const u of [URL_A, URL_B, URL_C]) await db.dropDatabase(u).catch(() => {});
  }, 60_000);

  it('the snapshot sees the whole schema (guards against an empty comparison)', () => {
    expect(Object.keys(fromMigrations.tables).sort()).toEqual([
      'Agent',
      'ApiKey',
      'AuditLog',
      'Batch',
      'Call',
      'CallDayStat',
      'CallEvent',
      'CallbackTask',
      'Candidate',
      'CandidateScreening',
      'DialRequest',
      'InboundRules',
      'Interview',
      'InterviewReminder',
      'Interviewer',
      'Invitation',
      'JobAction',
      'Membership',
      'Position',
      'ReconcileRun',
      'ReconcileState',
      'Session',
      'StatDirtyDay',
      'Tenant',
      'ToolInvocation',
      'User',
    ]);
    expect(fromMigrations.enums).toMatchObject({
      CallStatus: ['scheduled', 'queued', 'initiated', 'ringing', 'in_progress', 'completed', 'failed', 'cancelled'],
    });
    expect(Object.keys(fromMigrations.columns).length).toBeGreaterThan(50);
    expect(Object.keys(fromMigrations.constraints).some((k) => k.endsWith('_fkey'))).toBe(true);
    expect(fromMigrations.indexes['Call.Call_tenantId_retellCallId_key']).toContain('UNIQUE');
  });

  it('the indexes only migrations make are there, as written', async () => {
    const rows = await withClient(
      URL_A,
      async (c) => (await c.query(`SELECT tablename || '.' || indexname AS name, indexdef FROM pg_indexes WHERE schemaname = 'public'`)).rows,
    );
    const made = Object.fromEntries(rows.map((r) => [r.name, r.indexdef]));
    for (const [name, def] of Object.entries(SQL_ONLY_INDEXES)) expect([name, made[name]]).toEqual([name, expect.stringMatching(def)]);
  });

  it('the CHECK constraints only migrations make are there, as written', async () => {
    const rows = await withClient(
      URL_A,
      async (c) =>
        (
          await c.query(
            `SELECT rel.relname || '.' || con.conname AS name, pg_get_constraintdef(con.oid, true) AS def
             FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid WHERE con.contype = 'c'`,
          )
        ).rows,
    );
    const made = Object.fromEntries(rows.map((r) => [r.name, r.def]));
    for (const [name, def] of Object.entries(SQL_ONLY_CONSTRAINTS)) expect([name, made[name]]).toEqual([name, expect.stringMatching(def)]);
  });

  it('the migrated database equals the schema built from schema.prisma', () => {
    const diff = differences(fromMigrations, fromSchema);
    if (diff.length) {
      throw new Error(
        `prisma/schema.prisma and prisma/migrations have drifted (${diff.length} difference(s)):\n  ${diff.join('\n  ')}\n` +
          'Write a migration for the schema change: node tools/db.js new-migration <name>',
      );
    }
    expect(fromSchema).toEqual(fromMigrations);
  });

  it('_prisma_migrations records every migration as `prisma migrate deploy` does', async () => {
    const rows = await withClient(
      URL_A,
      async (c) =>
        (
          await c.query(
            'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY migration_name',
          )
        ).rows,
    );
    const dirs = migrationDirs();
    expect(dirs.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.migration_name)).toEqual(dirs);
    for (const [i, name] of dirs.entries()) {
      const checksum = createHash('sha256')
        .update(readFileSync(join(MIGRATIONS_DIR, name, 'migration.sql')))
        .digest('hex');
      expect(rows[i]).toMatchObject({ migration_name: name, checksum, rolled_back_at: null, applied_steps_count: 1, logs: null });
      expect(rows[i].finished_at).toBeInstanceOf(Date);
    }
  });

  it('migrating again applies nothing and changes nothing', async () => {
    await expect(db.migrate(URL_A, { log: () => {} })).resolves.toBe(0);
    const count = await withClient(URL_A, async (c) => (await c.query('SELECT count(*)::int AS n FROM "_prisma_migrations"')).rows[0].n);
    expect(count).toBe(migrationDirs().length);
    expect(await withClient(URL_A, snapshot)).toEqual(fromMigrations);
  });

  // The comparison must be able to fail: a schema edited without a migration has to show up.
  it.each([
    [
      'a column added to a model',
      (s: string) => s.replace(/(model Candidate \{\n)/, '$1  nickname String?\n'),
      ['columns Candidate.nickname: only in schema.prisma'],
    ],
    [
      'a column made required and an index added',
      (s: string) =>
        s.replace(/(\n\s+agentId\s+String)\?/, '$1 @default("none")').replace(/(@@index\(\[tenantId, agentId\]\))/, '$1\n  @@index([tenantId, direction])'),
      [
        `columns Call.agentId: is_nullable "YES" (migrations) vs "NO" (schema.prisma); column_default null (migrations) vs "'none'::text" (schema.prisma)`,
        'indexes Call.Call_tenantId_direction_idx: only in schema.prisma',
      ],
    ],
  ] as Array<[string, (s: string) => string, string[]]>)(
    'an edited schema (%s) is reported as drift',
    async (_name, edit, expectedLines) => {
      const edited = edit(SCHEMA_TEXT);
      expect(edited).not.toBe(SCHEMA_TEXT);
      const diff = differences(fromMigrations, await snapshotOfSql(URL_C, db.sqlFromSchema(edited)));
      expect(diff).toHaveLength(expectedLines.length);
      expectedLines.forEach((line, i) => expect(diff[i].startsWith(line)).toBe(true));
    },
    60_000,
  );
});

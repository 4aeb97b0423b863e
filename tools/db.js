#!/usr/bin/env node
/**
 * Offline database tooling. The Prisma CLI's migration engine is a native download that these
 * machines cannot fetch, so this script does what the project needs from it, with the same
 * inputs and records:
 *
 *   generate           prisma generate (client only; skipped when the schema is unchanged)
 *   create             create the database named in DATABASE_URL if it is missing
 *   migrate            apply prisma/migrations/* in order, recorded in _prisma_migrations
 *                      exactly as `prisma migrate deploy` records them (so it can take over)
 *   prepare            generate + create + migrate
 *   status             list applied and pending migrations
 *   sql-from-schema    print the SQL that builds prisma/schema.prisma from an empty database
 *   new-migration NAME write prisma/migrations/<ts>_NAME/migration.sql: the diff from the
 *                      schema at git HEAD (which the drift test keeps equal to the
 *                      migrations) to the working schema
 */
const { createHash, randomUUID } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = path.join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS = path.join(ROOT, 'prisma', 'migrations');
const GENERATED = path.join(ROOT, 'libs', 'db', 'src', 'generated', 'prisma');
const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/retell_ops';
/** The advisory lock key `prisma migrate` takes, so the two never run at once. */
const PRISMA_MIGRATE_LOCK = 72707369;

const databaseUrl = () => process.env.DATABASE_URL || DEFAULT_URL;
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function generate({ force = false } = {}) {
  const stamp = path.join(GENERATED, '.schema-sha256');
  const hash = sha256(fs.readFileSync(SCHEMA));
  if (!force && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  execFileSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', '--schema', SCHEMA], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: path.join(__dirname, 'noop-engine.sh'), PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  fs.writeFileSync(stamp, hash);
}

function splitUrl(url) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`unsupported database name in DATABASE_URL: ${name}`);
  u.pathname = '/postgres';
  return { name, adminUrl: u.toString() };
}

async function createDatabase(url = databaseUrl()) {
  const { name, adminUrl } = splitUrl(url);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount)
      await admin.query(`CREATE DATABASE "${name}"`).catch((e) => {
        if (e.code !== '42P04') throw e;
      });
  } finally {
    await admin.end();
  }
}

async function dropDatabase(url) {
  const { name, adminUrl } = splitUrl(url);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

function listMigrations() {
  if (!fs.existsSync(MIGRATIONS)) return [];
  return fs
    .readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(MIGRATIONS, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(MIGRATIONS, name, 'migration.sql'));
      return { name, sql: sql.toString('utf8'), checksum: sha256(sql) };
    });
}

// The table exactly as Prisma's schema engine creates it for PostgreSQL.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

async function migrate(url = databaseUrl(), { log = console.log } = {}) {
  await createDatabase(url);
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    await db.query(MIGRATIONS_TABLE);
    const { rows } = await db.query('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const failed = rows.find((r) => !r.finished_at && !r.rolled_back_at);
    if (failed) throw new Error(`migration ${failed.migration_name} failed earlier; resolve it before migrating (see README)`);
    const applied = new Map(rows.filter((r) => r.finished_at).map((r) => [r.migration_name, r.checksum]));
    let count = 0;
    for (const m of listMigrations()) {
      if (applied.has(m.name)) {
        if (applied.get(m.name) !== m.checksum) log(`warning: ${m.name} was edited after it was applied (checksum differs)`);
        continue;
      }
      const id = randomUUID();
      await db.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)', [
        id,
        m.checksum,
        m.name,
      ]);
      try {
        await db.query('BEGIN');
        await db.query(m.sql);
        await db.query('COMMIT');
      } catch (e) {
        await db.query('ROLLBACK');
        await db.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String(e && e.message)]);
        throw new Error(`migration ${m.name} failed: ${e.message}`, { cause: e });
      }
      await db.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
      count++;
      log(`applied ${m.name}`);
    }
    return count;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await db.end();
  }
}

async function status(url = databaseUrl()) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const exists = await db.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    const rows = exists.rows[0].t ? (await db.query('SELECT migration_name, finished_at FROM "_prisma_migrations"')).rows : [];
    const done = new Set(rows.filter((r) => r.finished_at).map((r) => r.migration_name));
    return listMigrations().map((m) => ({ name: m.name, applied: done.has(m.name) }));
  } finally {
    await db.end();
  }
}

/**
 * Prisma 6.19's CLI prints migration SQL offline with its WebAssembly engine (engine "js");
 * it wants a datasource url, which Prisma 7 schemas keep in prisma.config.ts instead.
 */
function diffSchemas(fromSchemaText, toSchemaText) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rops-diff-'));
  const withUrl = (text) => text.replace(/(datasource\s+\w+\s*\{[^}]*provider\s*=\s*"postgresql")/, '$1\n  url = "postgresql://offline@127.0.0.1/offline"');
  const prisma6 = path.dirname(require.resolve('prisma6/package.json'));
  fs.writeFileSync(
    path.join(dir, 'prisma.config.ts'),
    `import { defineConfig } from ${JSON.stringify(path.join(prisma6, 'config'))};
export default defineConfig({ experimental: { adapter: true }, engine: 'js', schema: 'to.prisma',
  // The engine opens a connection at start although a datamodel diff reads nothing from it.
  adapter: async () => new (require(${JSON.stringify(require.resolve('@prisma/adapter-pg'))}).PrismaPg)({ connectionString: ${JSON.stringify(splitUrl(databaseUrl()).adminUrl)} }) } as any);\n`,
  );
  fs.writeFileSync(path.join(dir, 'to.prisma'), withUrl(toSchemaText));
  const args = ['migrate', 'diff', '--to-schema-datamodel', 'to.prisma', '--script'];
  if (fromSchemaText === null) args.splice(2, 0, '--from-empty');
  else {
    fs.writeFileSync(path.join(dir, 'from.prisma'), withUrl(fromSchemaText));
    args.splice(2, 0, '--from-schema-datamodel', 'from.prisma');
  }
  try {
    const out = execFileSync(process.execPath, [path.join(prisma6, 'build', 'index.js'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: path.join(__dirname, 'noop-engine.sh'),
        PRISMA_QUERY_ENGINE_LIBRARY: path.join(__dirname, 'noop-engine.sh'),
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    });
    const sql = out.replace(/^Loaded Prisma config.*\n/m, '').trim();
    if (!sql) throw new Error('prisma migrate diff printed nothing');
    return `${sql}\n`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const sqlFromSchema = (schemaText = fs.readFileSync(SCHEMA, 'utf8')) => diffSchemas(null, schemaText);

function newMigration(name) {
  if (!/^[a-z0-9_]+$/.test(name || '')) throw new Error('usage: new-migration <snake_case_name>');
  let from = null;
  if (listMigrations().length) from = execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: ROOT, encoding: 'utf8' });
  const sql = diffSchemas(from, fs.readFileSync(SCHEMA, 'utf8'));
  if (/^-- This is an empty migration\./m.test(sql)) return console.log('schema unchanged: no migration written');
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
  const lock = path.join(MIGRATIONS, 'migration_lock.toml');
  if (!fs.existsSync(lock))
    fs.writeFileSync(
      lock,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  console.log(`wrote ${path.relative(ROOT, dir)}/migration.sql`);
}

module.exports = { generate, createDatabase, dropDatabase, migrate, status, listMigrations, sqlFromSchema, diffSchemas };

if (require.main === module) {
  const [cmd, arg] = process.argv.slice(2);
  const run = {
    generate: () => generate({ force: arg === '--force' }),
    create: () => createDatabase(),
    migrate: async () => console.log(`${await migrate()} migration(s) applied`),
    prepare: async () => {
      generate();
      console.log(`database ready (${await migrate()} migration(s) applied)`);
    },
    status: async () => (await status()).forEach((m) => console.log(`${m.applied ? 'applied' : 'pending'}  ${m.name}`)),
    'sql-from-schema': () => process.stdout.write(sqlFromSchema()),
    'new-migration': () => newMigration(arg),
  }[cmd];
  if (!run) {
    console.error('usage: node tools/db.js generate|create|migrate|prepare|status|sql-from-schema|new-migration <name>');
    process.exit(2);
  }
  Promise.resolve(run()).catch((e) => {
    console.error(e.message || e);
    process.exit(1);
  });
}

#!/usr/bin/env node
/**
 * Everything `npm start` and `npm test` need on a fresh clone, each step idempotent:
 * dependencies, PostgreSQL and Redis up, the Prisma client, the build, the database migrated.
 *
 *   node tools/prepare.js deps      install dependencies when missing or stale
 *   node tools/prepare.js services  PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) up (tools/services.js)
 *   node tools/prepare.js start     deps + services + client + build + migrate DATABASE_URL
 *   node tools/prepare.js test      deps + services + client + build + a fresh test database
 *   node tools/prepare.js test-db   services + a fresh test database (Nx's `tests:prepare`, after its builds)
 */
const { execFileSync, execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const services = require('./services');

const ROOT = path.resolve(__dirname, '..');
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/retell_ops_test';
/** The Redis every suite uses (test/support/test-env.ts). */
const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

const say = (msg) => process.stdout.write(`[prepare] ${msg}\n`);
const sh = (cmd, opts = {}) => execSync(cmd, { cwd: ROOT, stdio: 'inherit', ...opts });
const quiet = (cmd) => {
  try {
    execSync(cmd, { cwd: ROOT, stdio: 'ignore', timeout: 10000 });
    return true;
  } catch {
    return false;
  }
};

function ensureDependencies() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  // `npm install` from the lock, not `npm ci`: the registry here serves only this platform's
  // optional native packages, so the lock cannot list other platforms' and `npm ci` refuses it.
  say('installing dependencies (npm install from package-lock.json)');
  sh('npm install --no-audit --no-fund --no-save --loglevel=error');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL and Redis answering at these URLs, started privately (or with Docker) when they are not. */
function ensureServices(
  databaseUrl = process.env.DATABASE_URL || services.DEFAULT_DATABASE_URL,
  redisUrl = process.env.REDIS_URL || services.DEFAULT_REDIS_URL,
) {
  return services.ensureServices({ databaseUrl, redisUrl });
}

/**
 * Tools only the tests use, from Debian's packages when missing: `docker-compose` validates
 * docker-compose.yml offline (no Docker engine is needed for `config`). Best effort: without it
 * the one test that needs it says it was skipped.
 */
function ensureTestTools() {
  if (quiet('command -v docker-compose') || !isRoot() || !quiet('command -v apt-get')) return;
  say('installing docker-compose (Debian package) to validate docker-compose.yml');
  try {
    execSync('apt-get install -y -qq docker-compose || (apt-get update -qq && apt-get install -y -qq docker-compose)', {
      cwd: ROOT,
      stdio: 'ignore',
      timeout: 300000,
    });
  } catch {
    say('docker-compose could not be installed; its check will be skipped');
  }
}

/** Nx offline: no daemon left behind, no cloud, no terminal UI. */
const nxEnv = () => ({ ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' });

/**
 * Every project's `build` through Nx: each transpiles its own sources (tools/build-project.js), and
 * a project whose inputs did not change is restored from the local Nx cache (.nx/cache) instead.
 * Type errors are caught by the typecheck test (`tsc --noEmit`), not here.
 */
function build() {
  say('building (nx run-many -t build; unchanged projects come from the Nx cache)');
  execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'run-many', '-t', 'build', '--outputStyle=static'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: nxEnv(),
  });
}

/**
 * Debian's Chromium for the dashboard's browser tests (test/e2e/dashboard.test.ts), when missing.
 * Best effort: without it that suite says it was skipped.
 */
function ensureChromium() {
  if (fs.existsSync('/usr/bin/chromium') || !isRoot() || !quiet('command -v apt-get')) return;
  say('installing chromium (Debian package) for the dashboard browser tests');
  try {
    execSync('apt-get install -y -qq chromium || (apt-get update -qq && apt-get install -y -qq chromium)', { cwd: ROOT, stdio: 'ignore', timeout: 600000 });
  } catch {
    say('chromium could not be installed; the dashboard browser tests will be skipped');
  }
}

async function prepareForStart() {
  // Under the test run (npm start's own smoke test) the tree is already prepared and built:
  // building again would rewrite dist/ under the suites running beside it.
  if (process.env.ROPS_TEST_PREPARED === '1') {
    say('ROPS_TEST_PREPARED=1: using the prepared tree as built (no install, generate or build)');
  } else {
    ensureDependencies();
    await ensureServices();
    require('./db').generate();
    build();
  }
  // Required only now: tools/db.js needs `pg`, which a fresh clone has only after the install above.
  const db = require('./db');
  const applied = await db.migrate(process.env.DATABASE_URL || undefined, { log: (m) => say(m) });
  say(`database ready (${applied} migration(s) applied)`);
}

/** A fresh database per test run, so no run sees another's rows. */
async function prepareForTests({ install = true } = {}) {
  if (install) ensureDependencies();
  require('./db').generate();
  build();
  await freshTestDatabase();
}

async function freshTestDatabase() {
  await ensureServices(TEST_DATABASE_URL, TEST_REDIS_URL);
  ensureTestTools();
  ensureChromium();
  const db = require('./db');
  await db.dropDatabase(TEST_DATABASE_URL);
  await db.migrate(TEST_DATABASE_URL, { log: () => {} });
  say(`test database ready: ${TEST_DATABASE_URL}`);
}

module.exports = { ensureDependencies, ensureServices, build, prepareForStart, prepareForTests, freshTestDatabase, TEST_DATABASE_URL };

if (require.main === module) {
  const cmd = process.argv[2];
  const run = {
    deps: async () => ensureDependencies(),
    services: () => ensureServices(),
    start: prepareForStart,
    test: prepareForTests,
    'test-db': freshTestDatabase,
  }[cmd];
  if (!run) {
    console.error('usage: node tools/prepare.js deps|services|start|test|test-db');
    process.exit(2);
  }
  run().catch((e) => {
    console.error(`[prepare] ${e.message || e}`);
    process.exit(1);
  });
}

#!/usr/bin/env node
/**
 * Everything `npm start` and `npm test` need on a fresh clone, each step idempotent:
 * dependencies, PostgreSQL and Redis up, the Prisma client, the build, the database migrated.
 *
 *   node tools/prepare.js deps      install dependencies when missing or stale
 *   node tools/prepare.js start     deps + services + client + build + migrate DATABASE_URL
 *   node tools/prepare.js test      deps + services + client + build + a fresh test database
 */
const { execFileSync, execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/retell_ops_test';

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

/** Starts the machine's PostgreSQL and Redis if they are down (as ../shared/services.md says). */
function ensureServices() {
  if (!quiet('pg_isready -h 127.0.0.1 -p 5432')) {
    say('PostgreSQL is down; starting it');
    if (!fs.existsSync('/etc/postgresql') && isRoot()) sh('apt-get update -qq && apt-get install -y -qq postgresql');
    sh('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
    for (let i = 0; i < 30 && !quiet('pg_isready -h 127.0.0.1 -p 5432'); i++) execSync('sleep 1');
  }
  if (!quiet('redis-cli -h 127.0.0.1 -p 6379 ping')) {
    say('Redis is down; starting it');
    if (!quiet('command -v redis-server') && isRoot()) sh('apt-get update -qq && apt-get install -y -qq redis-server');
    fs.mkdirSync('/var/lib/redis', { recursive: true });
    fs.mkdirSync('/var/log/redis', { recursive: true });
    sh('redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log');
    for (let i = 0; i < 30 && !quiet('redis-cli -h 127.0.0.1 -p 6379 ping'); i++) execSync('sleep 1');
  }
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
    execSync('apt-get install -y -qq docker-compose || (apt-get update -qq && apt-get install -y -qq docker-compose)', { cwd: ROOT, stdio: 'ignore', timeout: 300000 });
  } catch {
    say('docker-compose could not be installed; its check will be skipped');
  }
}

function build() {
  say('building (tsc)');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync(process.execPath, [require.resolve('tsc-alias/dist/bin/index.js'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

/** The dashboard SPA (apps/dashboard) into dist/apps/dashboard, which the API serves at `/`. */
function buildDashboard() {
  say('building the dashboard (vite)');
  execFileSync(process.execPath, [path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'), 'build', '--config', 'apps/dashboard/vite.config.mts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
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
  const db = require('./db');
  // Under the test run (npm start's own smoke test) the tree is already prepared and built:
  // building again would rewrite dist/ under the suites running beside it.
  if (process.env.ROPS_TEST_PREPARED === '1') {
    say('ROPS_TEST_PREPARED=1: using the prepared tree as built (no install, generate or build)');
  } else {
    ensureDependencies();
    ensureServices();
    db.generate();
    build();
    buildDashboard();
  }
  const applied = await db.migrate(process.env.DATABASE_URL || undefined, { log: (m) => say(m) });
  say(`database ready (${applied} migration(s) applied)`);
}

/** A fresh database per test run, so no run sees another's rows. */
async function prepareForTests({ install = true } = {}) {
  if (install) ensureDependencies();
  ensureServices();
  ensureTestTools();
  ensureChromium();
  const db = require('./db');
  db.generate();
  build();
  buildDashboard();
  await db.dropDatabase(TEST_DATABASE_URL);
  await db.migrate(TEST_DATABASE_URL, { log: () => {} });
  say(`test database ready: ${TEST_DATABASE_URL}`);
}

module.exports = { ensureDependencies, ensureServices, build, buildDashboard, prepareForStart, prepareForTests, TEST_DATABASE_URL };

if (require.main === module) {
  const cmd = process.argv[2];
  const run = { deps: async () => ensureDependencies(), start: prepareForStart, test: prepareForTests }[cmd];
  if (!run) {
    console.error('usage: node tools/prepare.js deps|start|test');
    process.exit(2);
  }
  run().catch((e) => {
    console.error(`[prepare] ${e.message || e}`);
    process.exit(1);
  });
}

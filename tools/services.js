#!/usr/bin/env node
'use strict';
/**
 * PostgreSQL and Redis for `npm start` and `npm test`, wherever the machine stands:
 *
 *   1. the server DATABASE_URL (or TEST_DATABASE_URL) / REDIS_URL name answers: it is used as it is;
 *   2. else, when it is on this machine (127.0.0.1 / localhost) and the server binaries are
 *      installed (initdb + pg_ctl, on PATH or under /usr/lib/postgresql/<version>/bin; redis-server
 *      on PATH), a private instance is started on that port, its files under .run/services/
 *      (ROPS_SERVICES_DIR), and left running for later runs;
 *   3. else, when Docker is installed, the PostgreSQL and Redis of docker-compose.yml, published on
 *      that port (docker/compose.services.yml);
 *   4. else it stops with the command that installs them.
 *
 * No root is needed. Run as root, PostgreSQL (which refuses root) runs as the `postgres` user and
 * its data directory is theirs.
 *
 *   node tools/services.js status   what runs from .run/services
 *   node tools/services.js stop     stop the private instances (their data stays)
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/retell_ops';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const POSTGRES_ROOTS = ['/usr/lib/postgresql'];
const INSTALL = { postgres: 'postgresql', redis: 'redis-server' };
const NAMES = { postgres: 'PostgreSQL', redis: 'Redis' };

const servicesDir = (env = process.env) => path.resolve(ROOT, env.ROPS_SERVICES_DIR || path.join('.run', 'services'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** host and port of a postgresql:// or redis:// URL. */
function target(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(u.port) || defaultPort };
}

const isLocal = (host) => ['127.0.0.1', 'localhost', '::1'].includes(host);
const where = (t) => `${t.host}:${t.port}`;
/** A path inside the repository relative to it, any other as it is. */
const shown = (p) => (p.startsWith(ROOT + path.sep) ? path.relative(ROOT, p) : p);

/** Whether something accepts TCP connections there. */
function reachable({ host, port }, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether a Redis there answers PING. */
function redisAnswers({ host, port }, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

async function waitUntil(check, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up in ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** The full path of `cmd` on `PATH`, if it is there. */
function onPath(cmd, PATH = process.env.PATH || '') {
  for (const dir of PATH.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, cmd);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The directory holding initdb and pg_ctl: on PATH, else the newest under /usr/lib/postgresql. */
function postgresBinDir({ PATH = process.env.PATH, roots = POSTGRES_ROOTS } = {}) {
  const initdb = onPath('initdb', PATH);
  if (initdb && fs.existsSync(path.join(path.dirname(initdb), 'pg_ctl'))) return path.dirname(initdb);
  for (const root of roots) {
    if (!fs.existsSync(root)) continue;
    const versions = fs
      .readdirSync(root)
      .filter((v) => ['initdb', 'pg_ctl'].every((b) => fs.existsSync(path.join(root, v, 'bin', b))))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(root, versions[0], 'bin');
  }
  return undefined;
}

/** Runs a PostgreSQL server command: as the `postgres` user when we are root (the server refuses root). */
function asPostgres(bin, args) {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: 'pipe', timeout: 120000 });
  } catch (e) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).toString().trim()}`, { cause: e });
  }
}

const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

/** Makes `dir` the `postgres` user's (when we are root) and checks they can reach it. */
function givePostgres(dir) {
  if (!isRoot()) return;
  let uid;
  let gid;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(
      'running as root, PostgreSQL needs an unprivileged user to run as, and there is no `postgres` user: create one (useradd --system postgres) or run as another user',
    );
  }
  fs.chownSync(dir, uid, gid);
  try {
    execFileSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir], { stdio: 'ignore' });
  } catch {
    throw new Error(`the postgres user cannot write ${dir} (a folder above it is closed to them): set ROPS_SERVICES_DIR to a folder they can reach`);
  }
}

/** Starts (initialising it the first time) the private PostgreSQL of `dir` on `port`. */
async function startPostgres({ host, port }, dir, bin) {
  fs.mkdirSync(dir, { recursive: true });
  givePostgres(dir);
  const data = path.join(dir, 'data');
  if (!fs.existsSync(path.join(data, 'PG_VERSION')))
    asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const listen = host === 'localhost' ? '127.0.0.1' : host;
  // A Unix socket beside the data when its path fits the kernel's limit (about 107 bytes); else TCP only.
  const socketDir = path.join(dir, `.s.PGSQL.${port}`).length < 100 ? dir : "''";
  const options = `-p ${port} -k ${socketDir} -c listen_addresses=${listen}`;
  const started = { service: 'postgres', bin, host, port, dir, data, log: path.join(dir, 'server.log') };
  asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-l', started.log, '-o', options, '-w', '-t', '60', 'start']);
  fs.writeFileSync(path.join(dir, 'service.json'), `${JSON.stringify(started, null, 2)}\n`);
  await waitUntil(() => reachable({ host, port }), `the private PostgreSQL on ${where({ host, port })}`);
  return started;
}

/** Starts the private Redis of `dir` on `port` (a daemon; appendonly keeps its jobs across restarts). */
async function startRedis({ host, port }, dir, bin) {
  fs.mkdirSync(dir, { recursive: true });
  const bind = host === 'localhost' ? '127.0.0.1' : host;
  const started = { service: 'redis', bin, host, port, dir, pidfile: path.join(dir, 'redis.pid'), log: path.join(dir, 'redis.log') };
  execFileSync(
    bin,
    [
      '--daemonize',
      'yes',
      '--port',
      String(port),
      '--bind',
      bind,
      '--dir',
      dir,
      '--pidfile',
      started.pidfile,
      '--logfile',
      started.log,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'pipe', timeout: 30000 },
  );
  fs.writeFileSync(path.join(dir, 'service.json'), `${JSON.stringify(started, null, 2)}\n`);
  await waitUntil(() => redisAnswers({ host, port }), `the private Redis on ${where({ host, port })}`);
  return started;
}

/** `docker compose up -d` of the compose file's PostgreSQL and/or Redis, published on the given ports. */
async function startWithDocker(needed, targets, env, log) {
  const composeEnv = {
    ...env,
    POSTGRES_PASSWORD: env.POSTGRES_PASSWORD || 'postgres',
    ROPS_PG_PORT: String(targets.postgres.port),
    ROPS_REDIS_PORT: String(targets.redis.port),
  };
  const args = ['compose', '-f', path.join(ROOT, 'docker-compose.yml'), '-f', path.join(ROOT, 'docker', 'compose.services.yml'), 'up', '-d', ...needed];
  log(`starting ${needed.map((s) => NAMES[s]).join(' and ')} with Docker: docker ${args.join(' ')}`);
  execFileSync('docker', args, { cwd: ROOT, env: composeEnv, stdio: 'inherit' });
  for (const s of needed) await waitUntil(() => reachable(targets[s]), `${NAMES[s]} (Docker) on ${where(targets[s])}`, 120000);
  log(`stop them with: docker compose -f docker-compose.yml -f docker/compose.services.yml stop ${needed.join(' ')}`);
}

/**
 * Makes PostgreSQL (at `databaseUrl`) and Redis (at `redisUrl`) answer, as the header says.
 * `env` (PATH, ROPS_SERVICES_DIR) and `postgresRoots` say where to look; tests change them.
 * Resolves with what it started.
 */
async function ensureServices({
  databaseUrl = DEFAULT_DATABASE_URL,
  redisUrl = DEFAULT_REDIS_URL,
  env = process.env,
  postgresRoots = POSTGRES_ROOTS,
  log = (m) => process.stdout.write(`[services] ${m}\n`),
} = {}) {
  const targets = { postgres: target(databaseUrl, 5432), redis: target(redisUrl, 6379) };
  const needed = [];
  for (const s of ['postgres', 'redis']) if (!(await reachable(targets[s]))) needed.push(s);
  if (!needed.length) return [];
  for (const s of needed) {
    if (!isLocal(targets[s].host)) {
      const variable = s === 'postgres' ? 'the database URL' : 'REDIS_URL';
      throw new Error(
        `${NAMES[s]} at ${where(targets[s])} (${variable}) does not answer, and it is not on this machine, so it cannot be started here: start it there, or point ${variable} at one that runs`,
      );
    }
  }
  const bins = { postgres: postgresBinDir({ PATH: env.PATH, roots: postgresRoots }), redis: onPath('redis-server', env.PATH) };
  const root = servicesDir(env);
  const started = [];
  for (const s of needed.filter((n) => bins[n])) {
    log(`${NAMES[s]} does not answer on ${where(targets[s])}: starting a private one from ${bins[s]}`);
    const dir = path.join(root, s);
    const got = s === 'postgres' ? await startPostgres(targets[s], dir, bins[s]) : await startRedis(targets[s], dir, bins[s]);
    log(`${NAMES[s]} is running on ${where(targets[s])}, its files in ${shown(dir)} (log: ${path.basename(got.log)})`);
    started.push(got);
  }
  if (started.length)
    log(
      `they keep running for later runs; stop them with: node tools/services.js stop${env.ROPS_SERVICES_DIR ? ` (with ROPS_SERVICES_DIR=${env.ROPS_SERVICES_DIR})` : ''}`,
    );
  const missing = needed.filter((n) => !bins[n]);
  if (!missing.length) return started;
  if (onPath('docker', env.PATH)) {
    await startWithDocker(missing, targets, env, log);
    return started;
  }
  const what = missing
    .map((s) => `${NAMES[s]} does not answer on ${where(targets[s])} and its server is not installed (${s === 'postgres' ? 'initdb, pg_ctl' : 'redis-server'})`)
    .join('; ');
  throw new Error(
    `${what}, nor is Docker. Install ${missing.length > 1 ? 'them' : 'it'} with:\n  sudo apt-get install -y ${missing.map((s) => INSTALL[s]).join(' ')}\nand run this again.`,
  );
}

/** The private instances recorded under the services folder. */
function recorded(env = process.env) {
  const root = servicesDir(env);
  return ['postgres', 'redis'].map((s) => readJson(path.join(root, s, 'service.json'))).filter(Boolean);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const redisPid = (svc) => Number(fs.existsSync(svc.pidfile) ? fs.readFileSync(svc.pidfile, 'utf8').trim() : NaN);
const postgresPid = (svc) =>
  Number(fs.existsSync(path.join(svc.data, 'postmaster.pid')) ? fs.readFileSync(path.join(svc.data, 'postmaster.pid'), 'utf8').split('\n')[0] : NaN);

/** Stops the private instances (fast shutdown; their data stays for the next start). */
async function stopServices({ env = process.env, log = (m) => process.stdout.write(`[services] ${m}\n`) } = {}) {
  for (const svc of recorded(env)) {
    if (svc.service === 'postgres') {
      if (!pidAlive(postgresPid(svc))) continue;
      asPostgres(path.join(svc.bin, 'pg_ctl'), ['-D', svc.data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    } else {
      const pid = redisPid(svc);
      if (!pidAlive(pid)) continue;
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 30000;
      while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    log(`stopped the private ${NAMES[svc.service]} on ${where(svc)}`);
  }
}

function status(env = process.env) {
  const list = recorded(env);
  if (!list.length) return 'no private services under ' + servicesDir(env);
  return list
    .map((svc) => {
      const up = pidAlive(svc.service === 'postgres' ? postgresPid(svc) : redisPid(svc));
      return `${NAMES[svc.service].padEnd(10)} ${up ? 'running' : 'stopped'} on ${where(svc)}  ${svc.dir}`;
    })
    .join('\n');
}

module.exports = { ensureServices, stopServices, status, postgresBinDir, asPostgres, givePostgres, onPath, reachable, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL };

if (require.main === module) {
  const cmd = process.argv[2];
  const run = { stop: () => stopServices(), status: async () => console.log(status()) }[cmd];
  if (!run) {
    console.error('usage: node tools/services.js status|stop');
    process.exit(2);
  }
  run().catch((e) => {
    console.error(`[services] ${e.message || e}`);
    process.exit(1);
  });
}

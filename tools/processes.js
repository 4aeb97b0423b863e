'use strict';
/**
 * The one way the repository starts and stops its processes: `npm start` (tools/start.js), the
 * tests (test/support) and the bench (bench/) all use it. A free port; a child process whose
 * output is kept (bounded), ready once a line shows in it or a URL answers, stopped with SIGTERM
 * and then SIGKILL if it does not go.
 *
 * Plain CommonJS so tools/*.js load it without a build; TypeScript callers get its types from
 * processes.d.ts beside it.
 */
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_KEEP_CHARS = 65536;
const DEFAULT_STOP_GRACE_MS = 10000;

/** A TCP port nothing listens on right now (the OS picks it). */
function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The built entry point of an app: dist/apps/<name>/src/main.js. */
function appMain(name) {
  return path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `url` answers with a status `accept` takes (2xx by default); rejects after `timeoutMs`. */
async function waitForHttp(url, { timeoutMs = 30000, intervalMs = 100, accept = (status) => status >= 200 && status < 300 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, Math.min(5000, deadline - Date.now()))) });
      await res.arrayBuffer();
      if (accept(res.status)) return res.status;
      last = `status ${res.status}`;
    } catch (e) {
      last = e.cause?.code || e.message;
    }
    if (Date.now() >= deadline) throw new Error(`${url} did not answer in ${timeoutMs} ms (${last})`);
    await sleep(intervalMs);
  }
}

const live = new Set();

/**
 * Spawns `node [nodeArgs] script [args]` (or `command args`), keeps the last `keepChars` of its
 * stdout and stderr together, and resolves once `ready` matches that output and/or `readyUrl`
 * answers (at once when neither is given). Rejects, after killing it, if it exits first or is not
 * ready within `timeoutMs`. `env` is laid over this process's environment unless `inheritEnv` is
 * false; keys set to undefined are removed.
 */
async function spawnApp(opts) {
  const {
    name,
    script,
    command = process.execPath,
    args = [],
    nodeArgs = [],
    env = {},
    inheritEnv = true,
    cwd = ROOT,
    ready,
    readyUrl,
    timeoutMs = 30000,
    keepChars = DEFAULT_KEEP_CHARS,
    stopGraceMs = DEFAULT_STOP_GRACE_MS,
    onLine,
  } = opts;
  const childEnv = {};
  for (const [k, v] of Object.entries(inheritEnv ? { ...process.env, ...env } : env)) if (v !== undefined) childEnv[k] = String(v);
  const argv = script ? [...nodeArgs, script, ...args] : args;
  const child = spawn(command, argv, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });

  let out = '';
  const keep = (text) => {
    out += text;
    if (out.length > keepChars) out = out.slice(-keepChars);
  };
  const partial = { stdout: '', stderr: '' };
  const capture = (stream) => (chunk) => {
    const text = chunk.toString();
    keep(text);
    if (!onLine) return;
    const lines = (partial[stream] + text).split('\n');
    partial[stream] = lines.pop();
    for (const line of lines) onLine(line, stream);
  };
  child.stdout.on('data', capture('stdout'));
  child.stderr.on('data', capture('stderr'));

  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(handle);
      if (onLine) for (const stream of ['stdout', 'stderr']) if (partial[stream]) onLine(partial[stream], stream);
      resolve({ code, signal });
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const handle = {
    name,
    child,
    pid: child.pid,
    output: () => out,
    exited,
    running,
    stop: async (signal = 'SIGTERM') => {
      if (running()) {
        child.kill(signal);
        const force = signal === 'SIGKILL' ? undefined : setTimeout(() => running() && child.kill('SIGKILL'), stopGraceMs);
        await exited;
        clearTimeout(force);
      }
      live.delete(handle);
    },
  };
  live.add(handle);

  if (!ready && !readyUrl) return handle;
  const gone = exited.then(({ code, signal }) => {
    throw new Error(`${name} exited with ${code ?? signal} before it was ready:\n${out}`);
  });
  const lineSeen = ready
    ? new Promise((resolve) => {
        const check = () => {
          if (!ready.test(out)) return;
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
      })
    : undefined;
  const urlAnswers = readyUrl ? waitForHttp(readyUrl, { timeoutMs }) : undefined;
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not become ready in ${timeoutMs} ms:\n${out}`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.all([lineSeen, urlAnswers]), gone, late]);
  } catch (e) {
    await handle.stop('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
    gone.catch(() => undefined);
  }
  return handle;
}

/** Every process spawnApp started that has not exited or been stopped. */
function liveApps() {
  return [...live];
}

/** Last resort for a process 'exit' handler (synchronous): SIGKILL every live process. */
function killAllSync() {
  for (const p of live) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

module.exports = { ROOT, freePort, appMain, spawnApp, waitForHttp, liveApps, killAllSync };

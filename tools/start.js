#!/usr/bin/env node
/**
 * `npm start`: prepares everything (dependencies, services, Prisma client, build, migrations),
 * then runs the whole platform with the Retell simulator as its Retell, and prints where
 * everything is. Ctrl-C stops it all.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const { prepareForStart } = require('./prepare');

const ROOT = path.resolve(__dirname, '..');
const DEV = {
  RETELL_API_KEY: 'key_dev_retell_ops_simulator_0001',
  ADMIN_API_KEY: 'rops_dev_admin_key_change_me',
};

function platformEnv() {
  const env = { ...process.env };
  env.GATEWAY_PORT ||= '3000';
  env.API_PORT ||= '3001';
  env.RETELL_SIM_PORT ||= '3900';
  env.HOST ||= '127.0.0.1';
  const local = env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  env.GATEWAY_URL ||= `http://${local}:${env.GATEWAY_PORT}`;
  env.RETELL_BASE_URL ||= `http://${local}:${env.RETELL_SIM_PORT}`;
  env.RETELL_SIM_HOST ||= local; // the simulator listens on loopback even when HOST is every interface
  env.RETELL_API_KEY ||= DEV.RETELL_API_KEY;
  env.ADMIN_API_KEY ||= DEV.ADMIN_API_KEY;
  return { env, local };
}

const APPS = [
  { name: 'api', ready: /listening on/ },
  { name: 'gateway', ready: /listening on/ },
  { name: 'call-worker', ready: /consuming/ },
  { name: 'candidate-worker', ready: /consuming/ },
  { name: 'scheduling-worker', ready: /consuming/ },
  { name: 'dialer-worker', ready: /consuming/ },
  { name: 'retell-sim', ready: /listening on/ },
];

function run(app, env, children) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist', 'apps', app.name, 'src', 'main.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let ready = false;
    const pad = app.name.padEnd(17);
    const onLine = (stream) => (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        stream.write(`${pad}| ${line}\n`);
        if (!ready && app.ready.test(line)) {
          ready = true;
          resolve(child);
        }
      }
    };
    child.stdout.on('data', onLine(process.stdout));
    child.stderr.on('data', onLine(process.stderr));
    child.on('exit', (code, signal) => {
      if (!ready) reject(new Error(`${app.name} exited (${signal || code}) before it was ready`));
      else if (!stopping) {
        console.error(`\n${app.name} stopped unexpectedly (${signal || code}); stopping the platform`);
        shutdown(children, 1);
      }
    });
  });
}

let stopping = false;
function shutdown(children, code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const force = setTimeout(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')), 10000);
  force.unref();
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => process.exit(code));
}

async function main() {
  await prepareForStart();
  const { env, local } = platformEnv();
  const children = [];
  process.on('SIGINT', () => shutdown(children));
  process.on('SIGTERM', () => shutdown(children));
  // Whoever started us (npm, a supervisor) may go away without passing its signal on: then the
  // platform goes too, rather than living on as orphans holding the ports.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && shutdown(children), 1000).unref();
  try {
    // The API first: it creates the default tenant the gateway verifies against.
    await run(APPS[0], env, children);
    await Promise.all(APPS.slice(1).map((app) => run(app, env, children)));
  } catch (e) {
    console.error(e.message);
    return shutdown(children, 1);
  }
  const api = `http://${local}:${env.API_PORT}`;
  const devKeys = Object.keys(DEV).filter((k) => env[k] === DEV[k]);
  console.log(`
Retell Ops is running.
  Dashboard         ${api}/  (sign in with the admin API key below)
  Webhook gateway   ${env.GATEWAY_URL}/webhooks/retell  (or /webhooks/retell/default)
  Admin API         ${api}/api/v1/calls
  API docs          ${api}/api/docs
  Retell simulator  ${env.RETELL_BASE_URL}  (POST /sim/calls to play a call)
  Health            ${env.GATEWAY_URL}/ready  ${api}/ready
  Admin API key     ${env.ADMIN_API_KEY}${devKeys.length ? `\n  (development values in use for ${devKeys.join(', ')}: set them for real use)` : ''}

Try:
  curl -s -X POST ${env.RETELL_BASE_URL}/sim/calls -H 'content-type: application/json' -d '{"scenario":"answered"}'
  curl -s ${api}/api/v1/calls -H 'authorization: Bearer ${env.ADMIN_API_KEY}'
Ctrl-C stops everything.
`);
}

main().catch((e) => {
  console.error(e.stack || e.message || e);
  process.exit(1);
});

#!/usr/bin/env node
/**
 * `npm start`: prepares everything (dependencies, services, Prisma client, build, migrations),
 * then runs the whole platform with the Retell simulator as its Retell, and prints where
 * everything is. Ctrl-C stops it all.
 */
const { prepareForStart } = require('./prepare');
const { appMain, liveApps, spawnApp } = require('./processes');

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
  env.WORKER_METRICS_PORT_BASE ||= '9101';
  return { env, local };
}

const APPS = [
  { name: 'api', ready: /listening on/ },
  { name: 'gateway', ready: /listening on/ },
  // Each worker's /metrics, /health and /ready: WORKER_METRICS_PORT_BASE (default 9101) + offset; 0 turns them off.
  { name: 'call-worker', ready: /consuming/, metricsOffset: 0 },
  { name: 'candidate-worker', ready: /consuming/, metricsOffset: 1 },
  { name: 'scheduling-worker', ready: /consuming/, metricsOffset: 2 },
  { name: 'dialer-worker', ready: /consuming/, metricsOffset: 3 },
  { name: 'retell-sim', ready: /listening on/ },
];

/** Starts one app, its output prefixed with its name; resolves once it says it is ready. */
async function run(app, env) {
  const pad = app.name.padEnd(17);
  const proc = await spawnApp({
    name: app.name,
    script: appMain(app.name),
    nodeArgs: ['--enable-source-maps'],
    env: metricsPort(app, env) ? { ...env, METRICS_PORT: String(metricsPort(app, env)) } : env,
    inheritEnv: false,
    ready: app.ready,
    // The platform takes as long as it takes to come up (a cold start on a busy machine).
    timeoutMs: 10 * 60 * 1000,
    onLine: (line, stream) => line.trim() && (stream === 'stderr' ? process.stderr : process.stdout).write(`${pad}| ${line}\n`),
  });
  proc.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`\n${app.name} stopped unexpectedly (${signal || code}); stopping the platform`);
    shutdown(1);
  });
  return proc;
}

/** The worker's METRICS_PORT under `npm start` (0: none). */
function metricsPort(app, env) {
  const base = Number(env.WORKER_METRICS_PORT_BASE);
  return app.metricsOffset === undefined || !base ? 0 : base + app.metricsOffset;
}

let stopping = false;
/** SIGTERM to every app (SIGKILL to any still running 10 s later), then exit. */
function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  Promise.all(liveApps().map((p) => p.stop())).then(() => process.exit(code));
}

async function main() {
  await prepareForStart();
  const { env, local } = platformEnv();
  process.on('SIGINT', () => shutdown());
  process.on('SIGTERM', () => shutdown());
  // Whoever started us (npm, a supervisor) may go away without passing its signal on: then the
  // platform goes too, rather than living on as orphans holding the ports.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && shutdown(), 1000).unref();
  try {
    // The API first: it creates the default tenant the gateway verifies against.
    await run(APPS[0], env);
    await Promise.all(APPS.slice(1).map((app) => run(app, env)));
  } catch (e) {
    console.error(e.message.split('\n')[0]); // its output is above, prefixed with its name
    return shutdown(1);
  }
  const api = `http://${local}:${env.API_PORT}`;
  const workerPorts =
    APPS.map((a) => metricsPort(a, env))
      .filter(Boolean)
      .join(', ') || 'off';
  const devKeys = Object.keys(DEV).filter((k) => env[k] === DEV[k]);
  console.log(`
Retell Ops is running.
  Dashboard         ${api}/  (sign in with the admin API key below)
  Webhook gateway   ${env.GATEWAY_URL}/webhooks/retell  (or /webhooks/retell/default)
  Admin API         ${api}/api/v1/calls
  API docs          ${api}/api/docs
  Queue board       ${api}/admin/queues  (read-only; an admin key or a signed-in admin)
  Retell simulator  ${env.RETELL_BASE_URL}  (POST /sim/calls to play a call)
  Health            ${env.GATEWAY_URL}/ready  ${api}/ready  (workers: /health, /ready on ports ${workerPorts})
  Metrics           ${env.GATEWAY_URL}/metrics  ${api}/metrics  (Prometheus text; workers: /metrics on the same ports)
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

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { loadEnv } from '@retell-ops/config';
import { QUEUES } from '@retell-ops/queue';
import { getJson } from '../support/http';
import { privateDatabase, type PrivateDatabase } from '../support/private-database';
import { freePort, spawnApp } from '../support/processes';
import { waitFor } from '../support/wait';

const APPS = ['api', 'gateway', 'call-worker', 'candidate-worker', 'scheduling-worker', 'dialer-worker', 'retell-sim'];

/** Every process under `root` (children, their children, …), from /proc: pid → command line. */
function descendants(root: number): Map<number, string> {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = new Map<number, string>();
  const walk = (pid: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== pid || found.has(child)) continue;
      try {
        found.set(child, readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ').trim());
      } catch {
        continue;
      }
      walk(child);
    }
  };
  walk(root);
  return found;
}

/** Running (a zombie has exited: only its parent has not read its status yet). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * `npm start` itself, from the built tree, as a developer runs it: every port, the database and
 * the queue prefix its own (so it meets neither the default ports nor a developer's running
 * platform). It prints where everything is; a call played through the simulator is read back
 * through the admin API with the printed key; SIGTERM stops it and every process it started.
 */
describe('npm start', () => {
  let db: PrivateDatabase;
  let npm: ChildProcess;
  let output = () => '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const ports = { gateway: 0, api: 0, sim: 0 };
  const queuePrefix = `t${randomBytes(5).toString('hex')}`;
  let started = new Map<number, string>();

  beforeAll(async () => {
    db = await privateDatabase('npmstart');
    [ports.gateway, ports.api, ports.sim] = await Promise.all([freePort(), freePort(), freePort()]);
    // The developer's environment without any Retell Ops setting (this test process has several),
    // then only what keeps this platform apart from others on the machine.
    const env: Record<string, string | undefined> = { ...process.env };
    for (const key of [...Object.keys(loadEnv({})), 'RETELL_SIM_HOST', 'RETELL_SIM_ALLOW_ANY_KEY', 'TEST_DATABASE_URL']) delete env[key];
    Object.assign(env, {
      DATABASE_URL: db.url,
      QUEUE_PREFIX: queuePrefix,
      GATEWAY_PORT: String(ports.gateway),
      API_PORT: String(ports.api),
      RETELL_SIM_PORT: String(ports.sim),
      // The tree is built by this test run: `npm start` must not build it again under the other suites.
      ROPS_TEST_PREPARED: '1',
    });
    const proc = await spawnApp({ name: 'npm start', command: 'npm', args: ['start'], env, inheritEnv: false, keepChars: 16 * 1024 * 1024 });
    ({ child: npm, exited, output } = proc);
  }, 60000);

  afterAll(async () => {
    // Whatever is still running (only if a test failed), then what it left behind.
    if (npm?.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
    for (const pid of started.keys()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const name of Object.values(QUEUES)) {
      const q = new Queue(name, { connection: { host: '127.0.0.1', port: 6379 }, prefix: queuePrefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await db?.drop();
  });

  let gatewayUrl: string;
  let apiUrl: string;
  let simUrl: string;
  let adminKey: string;

  it('prints where everything is, on the ports it was given', async () => {
    await waitFor(() => /Retell Ops is running\.[\s\S]*Ctrl-C stops everything\./.test(output()) || npm.exitCode !== null, {
      what: 'the "Retell Ops is running." block',
      timeoutMs: 90000,
      intervalMs: 200,
    }).catch((e) => {
      throw new Error(`${(e as Error).message}\n--- npm start said:\n${output().slice(-4000)}`);
    });
    if (npm.exitCode !== null) throw new Error(`npm start exited (${npm.exitCode}) before it was running:\n${output().slice(-4000)}`);
    const block = output().slice(output().indexOf('Retell Ops is running.'));
    const field = (label: string, pattern: RegExp) => {
      const m = new RegExp(`^\\s*${label}\\s+${pattern.source}`, 'm').exec(block);
      if (!m) throw new Error(`no "${label}" line in:\n${block}`);
      return m[1];
    };
    gatewayUrl = field('Webhook gateway', /(http:\/\/[^\s/]+)\/webhooks\/retell/);
    apiUrl = field('Admin API', /(http:\/\/[^\s/]+)\/api\/v1\/calls/);
    simUrl = field('Retell simulator', /(http:\/\/[^\s/]+)/);
    adminKey = field('Admin API key', /(\S+)/);
    expect({ gatewayUrl, apiUrl, simUrl }).toEqual({
      gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
      apiUrl: `http://127.0.0.1:${ports.api}`,
      simUrl: `http://127.0.0.1:${ports.sim}`,
    });
    expect(block).toMatch(/development values in use for RETELL_API_KEY, ADMIN_API_KEY/);

    // Every app of the platform runs under npm start, each its own process.
    started = descendants(npm.pid!);
    for (const app of APPS) expect([...started.values()].filter((cmd) => cmd.includes(path.join('dist', 'apps', app, 'src', 'main.js')))).toHaveLength(1);
    expect([...started.values()].some((cmd) => cmd.includes('tools/start.js'))).toBe(true);
    expect((await getJson(`${gatewayUrl}/ready`)).status).toBe(200);
    expect((await getJson(`${apiUrl}/ready`)).status).toBe(200);
  }, 120000);

  it('plays a call through the simulator and reads it back through the admin API with the printed key', async () => {
    expect(adminKey).toBeDefined();
    const res = await fetch(`${simUrl}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'answered' }),
    });
    expect(res.status).toBe(201);
    const played = (await res.json()) as { callId: string; deliveries: Array<{ status: number }> };
    expect(played.deliveries.map((d) => d.status)).toEqual(played.deliveries.map(() => 204));

    const call = await waitFor(
      async () => {
        const list = await getJson(`${apiUrl}/api/v1/calls`, adminKey);
        const found = list.status === 200 ? list.json().data.find((c: { callId: string }) => c.callId === played.callId) : undefined;
        return found?.endedAt && found.sentiment ? found : undefined;
      },
      { what: `call ${played.callId} complete in GET /api/v1/calls`, timeoutMs: 30000 },
    );
    expect(call).toMatchObject({ callId: played.callId, status: 'completed', outcome: 'successful', retellStatus: 'ended' });
    expect((await getJson(`${apiUrl}/api/v1/calls`)).status).toBe(401);
  });

  it('SIGTERM stops it, and every process it started exits (no orphans)', async () => {
    expect(started.size).toBeGreaterThanOrEqual(APPS.length + 1);
    npm.kill('SIGTERM');
    await waitFor(() => npm.exitCode !== null || npm.signalCode !== null, { what: 'npm start to exit after SIGTERM', timeoutMs: 30000 }).catch((e) => {
      throw new Error(`${(e as Error).message}:\n${output().slice(-3000)}`);
    });
    expect(await exited).toEqual({ code: 0, signal: null });
    const running = () => [...started].filter(([pid]) => alive(pid)).map(([pid, cmd]) => `${pid} ${cmd}`);
    await waitFor(() => running().length === 0, { what: 'every started process to exit', timeoutMs: 15000 }).catch((e) => {
      throw new Error(`${(e as Error).message}; still running: ${running().join('; ')}`);
    });
    expect(output()).not.toMatch(/stopped unexpectedly/);
  }, 60000);
});

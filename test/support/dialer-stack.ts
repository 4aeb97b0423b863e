import { randomBytes } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@retell-ops/db';
import type { AppEnv } from '@retell-ops/config';
import { freePort, startApp, type AppProcess } from './processes';
import { privateDatabase } from './private-database';
import { envVars, testEnv } from './test-env';
import { bearerApi } from './http';
import type { CreateRecord } from '../../apps/retell-sim/src/retell-api/call-engine.service';

/** One create-phone-call as the simulator saw it (GET /sim/creates): the simulator's own type. */
export type SimCreate = CreateRecord;

export interface DialerStack {
  env: AppEnv;
  vars: Record<string, string>;
  prisma: PrismaClient;
  tenantId: string;
  simUrl: string;
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;
  sim: <T = any>(method: string, path: string) => Promise<T>;
  simCreates: () => Promise<SimCreate[]>;
  /** the dialer worker process, replaceable */
  dialer: () => AppProcess;
  stopDialer: () => Promise<void>;
  startDialer: () => Promise<void>;
  stop: () => Promise<void>;
  /** the last `chars` characters one process logged, for a failing test's message */
  logTail: (name: string, chars: number) => string;
}

/**
 * Gateway, API, call worker, dialer worker and the simulator as separate processes, as `npm start`
 * runs them, on a fresh tenant and queue prefix. `simVars` and `envOverrides` set faults and clocks.
 */
export async function startDialerStack(
  opts: {
    simVars?: Record<string, string>;
    envOverrides?: Record<string, string>;
    /** variables of one app only, e.g. its METRICS_PORT */
    appVars?: Partial<Record<'call-worker' | 'dialer-worker', Record<string, string>>>;
  } = {},
): Promise<DialerStack> {
  const [gatewayPort, apiPort, simPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const simUrl = `http://127.0.0.1:${simPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const adminKey = `rops_dial_${randomBytes(16).toString('hex')}`;
  // Its own database: its dialer worker serves every tenant it finds, and must find only this stack's.
  const database = await privateDatabase('dial');
  const env = testEnv({
    DATABASE_URL: database.url,
    GATEWAY_PORT: String(gatewayPort),
    API_PORT: String(apiPort),
    RETELL_SIM_PORT: String(simPort),
    GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
    RETELL_BASE_URL: simUrl,
    RETELL_API_KEY: `key_test_dial_${randomBytes(16).toString('hex')}`, // a test key: the simulator signs only with development or test keys
    ADMIN_API_KEY: adminKey,
    DEFAULT_AGENT_ID: `agent_dial_${randomBytes(6).toString('hex')}`,
    DEFAULT_TENANT_SLUG: `dial-${randomBytes(4).toString('hex')}`,
    DIALER_TICK_MS: '250',
    CONCURRENCY_CACHE_MS: '1000',
    ...opts.envOverrides,
  });
  const vars = { ...envVars(env), RETELL_SIM_RING_MS: '150', RETELL_SIM_TALK_MS: '600', RETELL_SIM_ANALYSIS_MS: '100', ...opts.simVars };
  const prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
  const apps: AppProcess[] = [];
  apps.push(await startApp('api', vars, /listening on/));
  apps.push(
    ...(await Promise.all([
      startApp('gateway', vars, /listening on/),
      startApp('call-worker', { ...vars, ...opts.appVars?.['call-worker'] }, /consuming/),
      startApp('retell-sim', vars, /listening on/),
    ])),
  );
  const dialerVars = { ...vars, ...opts.appVars?.['dialer-worker'] };
  let dialer: AppProcess | undefined = await startApp('dialer-worker', dialerVars, /consuming/);

  const api = bearerApi(apiUrl, adminKey);
  const sim = async <T>(method: string, path: string) => {
    const res = await fetch(`${simUrl}${path}`, { method });
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const tenantId = (await api('GET', '/api/v1/tenant')).json.id as string;
  return {
    env,
    vars,
    prisma,
    tenantId,
    simUrl,
    api,
    sim,
    simCreates: () => sim<SimCreate[]>('GET', '/sim/creates'),
    dialer: () => dialer!,
    stopDialer: async () => {
      await dialer?.stop();
      dialer = undefined;
    },
    startDialer: async () => {
      dialer = await startApp('dialer-worker', dialerVars, /consuming/);
    },
    logTail: (name, chars) => {
      const app = name === 'dialer-worker' ? dialer : apps.find((a) => a.name === name);
      return app ? app.output().slice(-chars) : `(${name} is not running)`;
    },
    stop: async () => {
      await Promise.all([...apps, ...(dialer ? [dialer] : [])].map((a) => a.stop()));
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

/** A number the simulator plays as `last` says (0 answered, 1 no answer, 4 dial failed, …), unique per call. */
export const simNumber = (last: string) => `+1415${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}${last}`;

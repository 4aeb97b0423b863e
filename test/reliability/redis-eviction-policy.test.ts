import IORedis from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { envVars, testEnv } from '../support/test-env';

/**
 * The boot check of every app that writes to Redis: a Redis that may evict keys would lose queued
 * jobs, so under NODE_ENV=production the app refuses to start; elsewhere it starts and says so.
 * A Redis that cannot be reached at boot does not stop an app (the gateway answers 503 meanwhile).
 */
const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  RETELL_API_KEY: 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  ADMIN_API_KEY: 'rops_prod_admin_7f6e5d4c3b2a1908',
  ENCRYPTION_KEY: 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf',
  RETELL_BASE_URL: 'https://api.retellai.com',
};

const REFUSAL = /maxmemory-policy is allkeys-lru, not noeviction.*Refusing to start under NODE_ENV=production/;
const WARNING = /maxmemory-policy is allkeys-lru, not noeviction/;

/** Runs a built app to its exit (or kills it after `timeoutMs`); its exit code and output. */
async function runToExit(app: string, env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  try {
    const started = await startApp(app, env, /listening on|consuming/, timeoutMs);
    await started.stop('SIGTERM');
    return { code: null, output: started.output() };
  } catch (e) {
    const message = (e as Error).message;
    const exited = /exited with (\S+) before it was ready:\n([\s\S]*)$/.exec(message);
    if (!exited) throw e;
    return { code: exited[1] === 'null' ? null : Number(exited[1]), output: exited[2] };
  }
}

describe('boot check of Redis maxmemory-policy', () => {
  let redis: PrivateRedis;
  const running: AppProcess[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const admin = new IORedis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    expect(await admin.info('memory')).toMatch(/maxmemory_policy:allkeys-lru/);
    admin.disconnect();
  });

  afterAll(async () => {
    await Promise.all(running.map((a) => a.stop('SIGTERM')));
    await redis?.stop();
  });

  it.each(['gateway', 'api', 'call-worker', 'dialer-worker'])(
    '%s under NODE_ENV=production refuses to start, exiting non-zero with a clear message',
    async (app) => {
      const env = envVars(testEnv({ REDIS_URL: redis.url, GATEWAY_PORT: String(await freePort()), API_PORT: String(await freePort()) }));
      const { code, output } = await runToExit(app, { ...env, ...PRODUCTION_SECRETS });
      expect({ code, refused: REFUSAL.test(output) }).toEqual({ code: 1, refused: true });
    },
  );

  it.each(['development', 'test'])('under NODE_ENV=%s the gateway and a worker start and log the warning', async (nodeEnv) => {
    const env = envVars(testEnv({ REDIS_URL: redis.url, GATEWAY_PORT: String(await freePort()), NODE_ENV: nodeEnv }));
    const gateway = await startApp('gateway', env, /listening on/);
    running.push(gateway);
    const worker = await startApp('call-worker', env, /consuming/);
    running.push(worker);
    for (const app of [gateway, worker]) {
      expect(app.output()).toMatch(WARNING);
      expect(app.output()).not.toMatch(/Refusing/);
    }
  });

  it('with noeviction, a production gateway starts and warns of nothing', async () => {
    const admin = new IORedis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    admin.disconnect();
    const env = envVars(testEnv({ REDIS_URL: redis.url, GATEWAY_PORT: String(await freePort()) }));
    const gateway = await startApp('gateway', { ...env, ...PRODUCTION_SECRETS }, /listening on/);
    running.push(gateway);
    expect(gateway.output()).not.toMatch(/maxmemory-policy/);
  });

  it('with Redis unreachable at boot, a production gateway still starts (and reports Redis down), as before', async () => {
    const port = await freePort();
    const env = envVars(testEnv({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, GATEWAY_PORT: String(port) }));
    const gateway = await startApp('gateway', { ...env, ...PRODUCTION_SECRETS }, /listening on/);
    running.push(gateway);
    expect(gateway.output()).toMatch(/could not check Redis's maxmemory-policy at start/);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(503);
  });
});

import { randomBytes } from 'node:crypto';
import { AppEnv, loadEnv } from '@retell-ops/config';

/** A validated env for apps started by a test: the test database, its own queue prefix, free ports. */
export function testEnv(overrides: Record<string, string> = {}): AppEnv {
  return loadEnv({
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}`,
    GATEWAY_PORT: '0',
    API_PORT: '0',
    RETELL_SIM_PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    NODE_ENV: 'test',
    WORKER_LOCK_MS: '5000',
    JOB_BACKOFF_MS: '200',
    // Abuse limits off unless a test turns one on (tests make many requests from one key and IP).
    API_RATE_LIMIT_PER_MINUTE: '0',
    CALL_CREATE_RATE_LIMIT_PER_MINUTE: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    ...overrides,
  });
}

/** The same env as plain variables, for spawned processes. */
export function envVars(env: AppEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}

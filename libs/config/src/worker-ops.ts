import { createServer, type Server } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { Pool } from 'pg';
import { metricsAnswer } from '@retell-ops/metrics';
import type { AppEnv } from './env';
import { createRedis, redisAnswers } from './redis';
import { workerReadiness } from './worker-readiness';

const CHECK_TIMEOUT_MS = 2000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** What /ready answers: the same shape as the gateway's and the API's. */
export function readyBody(result: HealthCheckResult): Record<string, unknown> {
  const body: Record<string, unknown> = { status: result.status === 'ok' ? 'ready' : 'not_ready' };
  for (const [key, value] of Object.entries(result.details)) {
    body[key] = value.status;
    if (value.status !== 'up' && typeof value.reason === 'string') body[`${key}Reason`] = value.reason;
  }
  return body;
}

/** Runs terminus checks; a failing check answers 503 with the same body shape. */
export async function runReadiness(
  health: HealthCheckService,
  checks: Array<() => Promise<HealthIndicatorResult>>,
): Promise<{ status: 200 | 503; body: Record<string, unknown> }> {
  try {
    return { status: 200, body: readyBody(await health.check(checks)) };
  } catch (e) {
    const response = (e as { getResponse?: () => unknown }).getResponse?.() as HealthCheckResult | undefined;
    if (response?.details) return { status: 503, body: readyBody(response) };
    return { status: 503, body: { status: 'not_ready', error: (e as Error).message } };
  }
}

/** A terminus indicator from a probe that resolves when healthy. */
export function indicator(indicators: HealthIndicatorService, key: string, probe: () => Promise<unknown>) {
  return async (): Promise<HealthIndicatorResult> => {
    const session = indicators.check(key);
    try {
      await within(probe(), CHECK_TIMEOUT_MS, key);
      return session.up();
    } catch (e) {
      return session.down({ reason: String((e as Error).message ?? e).slice(0, 200) });
    }
  };
}

/**
 * A worker app's small HTTP port (METRICS_PORT): GET /metrics (the registry), /health (the process
 * answers) and /ready (its queue workers running, Redis and PostgreSQL reachable; 503 otherwise).
 */
export async function startWorkerOps(
  app: INestApplicationContext,
  env: AppEnv,
  name: string,
): Promise<{ server: Server; close: () => Promise<void> } | undefined> {
  if (!env.METRICS_PORT) return undefined;
  const health = app.get(HealthCheckService);
  const indicators = app.get(HealthIndicatorService);
  // Producer options: a PING while Redis is down fails at once instead of waiting in a queue.
  const redis = createRedis(env.REDIS_URL, 'producer', { enableAutoPipelining: false });
  redis.on('error', () => undefined); // reported by /ready
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1, connectionTimeoutMillis: CHECK_TIMEOUT_MS, idleTimeoutMillis: 30_000 });
  pool.on('error', () => undefined);
  const checks = [
    indicator(indicators, 'queues', async () => {
      const stopped = workerReadiness.notRunning();
      if (stopped === 'none') throw new Error('no queue worker started yet');
      if (stopped.length) throw new Error(`not running: ${stopped.join(', ')}`);
    }),
    indicator(indicators, 'redis', async () => {
      if (!(await redisAnswers(redis, CHECK_TIMEOUT_MS - 100))) throw new Error('Redis does not answer PING');
    }),
    indicator(indicators, 'postgres', () => pool.query('SELECT 1')),
  ];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'method_not_allowed' });
    if (path === '/health') return json(200, { status: 'ok' });
    if (path === '/ready') {
      void runReadiness(health, checks).then(({ status, body }) => json(status, body));
      return;
    }
    if (path === '/metrics') {
      void metricsAnswer(env.METRICS_TOKEN, req.headers.authorization).then((answer) => {
        res.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store' });
        res.end(answer.body);
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (e) => {
      // The workers matter more than their metrics: say so loudly and keep consuming.
      new Logger(name).error(`cannot serve metrics and health on ${env.HOST}:${env.METRICS_PORT}: ${(e as Error).message}`);
      resolve(false);
    });
    server.listen(env.METRICS_PORT, env.HOST, () => resolve(true));
  });
  if (!listening) {
    redis.disconnect();
    await pool.end().catch(() => undefined);
    return undefined;
  }
  const address = server.address();
  new Logger(name).log(`metrics and health on http://${env.HOST}:${typeof address === 'object' && address ? address.port : env.METRICS_PORT}`);
  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    redis.disconnect();
    await pool.end().catch(() => undefined);
  };
  return { server, close };
}

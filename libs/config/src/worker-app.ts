import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { loadEnv, type AppEnv } from './env';
import { logLevels, withLogging } from './http-app';
import { workerLoggerModule } from './logging';
import { startWorkerHeartbeat } from './worker-heartbeat';
import { checkRedisEvictionPolicy } from './redis-policy';
import { startWorkerOps } from './worker-ops';

/**
 * Entry point of a worker app: shutdown hooks so SIGTERM lets in-flight jobs finish, JSON logs
 * (nestjs-pino, job context from the consumers), and on METRICS_PORT a small HTTP server with
 * /metrics, /health and /ready.
 */
export function runWorkerApp(module: (env: AppEnv) => unknown, name = process.env.ROPS_APP_NAME ?? 'worker'): void {
  (async () => {
    const env = loadEnv();
    await checkRedisEvictionPolicy(env);
    const app = await createWorkerApp(module(env), env, name);
    app.enableShutdownHooks();
    startWorkerHeartbeat(env); // HEALTH_FILE liveness, once the workers are consuming
    const ops = await startWorkerOps(app, env, name);
    if (ops) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void ops.close());
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

/** The worker's Nest application context with nestjs-pino and terminus beside its module. */
export async function createWorkerApp(module: unknown, env: AppEnv, name: string) {
  const root = withLogging(module, workerLoggerModule(env, name));
  root.imports = [...(root.imports ?? []), TerminusModule.forRoot({ logger: false })];
  const app = await NestFactory.createApplicationContext(root as never, { logger: logLevels(env.LOG_LEVEL), bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  return app;
}

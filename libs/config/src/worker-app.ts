import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadEnv, type AppEnv } from './env';
import { logLevels } from './http-app';
import { startWorkerHeartbeat } from './worker-heartbeat';
import { checkRedisEvictionPolicy } from './redis-policy';

/** Entry point of a worker app: no HTTP, shutdown hooks so SIGTERM lets in-flight jobs finish. */
export function runWorkerApp(module: (env: AppEnv) => unknown): void {
  (async () => {
    const env = loadEnv();
    await checkRedisEvictionPolicy(env);
    const app = await NestFactory.createApplicationContext(module(env) as never, { logger: logLevels(env.LOG_LEVEL) });
    app.enableShutdownHooks();
    startWorkerHeartbeat(env); // HEALTH_FILE liveness, once the workers are consuming
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

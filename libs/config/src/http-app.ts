import { Logger, Module, type DynamicModule, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { metricsAnswer } from '@retell-ops/metrics';
import type { AppEnv } from './env';
import { loggerModule, requestId, type LoggingOptions } from './logging';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: AppEnv['LOG_LEVEL']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

export interface HttpAppOptions {
  bodyParser?: boolean;
  /** The app's name in every log line (`app`). */
  name?: string;
  logging?: LoggingOptions;
}

/** The app's module with nestjs-pino beside it (JSON lines with request ids; see docs/operations.md). */
export function withLogging(module: unknown, logging: DynamicModule): DynamicModule {
  @Module({})
  class AppRoot {}
  return { module: AppRoot, imports: [logging, module as DynamicModule] };
}

/** TRUST_PROXY as Fastify takes it: a boolean, or the peers (addresses, CIDRs, proxy-addr's names) whose X-Forwarded-For counts. */
export function trustProxyOf(value: string): boolean | string {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(',');
}

/**
 * A NestJS app on Fastify with shutdown hooks, so SIGTERM drains workers and closes connections
 * in order; logs are JSON lines (nestjs-pino), and GET /metrics serves the process's registry.
 */
export async function createHttpApp(
  module: unknown,
  env: AppEnv,
  fastifyOptions: ConstructorParameters<typeof FastifyAdapter>[0] = {},
  { bodyParser = true, name = 'app', logging }: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const requestLogging = (logging?.routes ?? 'all') === 'all';
  const app = await NestFactory.create<NestFastifyApplication>(
    withLogging(module, loggerModule(env, name, logging)),
    new FastifyAdapter({ trustProxy: trustProxyOf(env.TRUST_PROXY), ...(requestLogging ? { genReqId: requestId } : {}), ...fastifyOptions }),
    { logger: logLevels(env.LOG_LEVEL), bufferLogs: true, bodyParser },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  app.enableShutdownHooks();
  if (requestLogging) {
    // Answers name their request id (x-request-id), as the log lines do.
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (req, reply, done) => {
        void reply.header('x-request-id', req.id);
        done();
      });
  }
  serveMetrics(app, env);
  return app;
}

/** GET /metrics on the app's own port (Prometheus text; METRICS_TOKEN when set). */
export function serveMetrics(app: NestFastifyApplication, env: Pick<AppEnv, 'METRICS_TOKEN'>): void {
  app
    .getHttpAdapter()
    .getInstance()
    .get('/metrics', async (req, reply) => {
      const answer = await metricsAnswer(env.METRICS_TOKEN, req.headers.authorization);
      void reply.code(answer.status).header('content-type', answer.contentType).header('cache-control', 'no-store').send(answer.body);
    });
}

export async function listen(app: INestApplication, port: number, host: string, name: string): Promise<string> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  new Logger(name).log(`listening on ${url}`);
  return url;
}

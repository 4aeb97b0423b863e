import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppEnv } from './env';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function logLevels(level: AppEnv['LOG_LEVEL']): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/** A NestJS app on Fastify with shutdown hooks, so SIGTERM drains workers and closes connections in order. */
export async function createHttpApp(
  module: unknown,
  env: AppEnv,
  fastifyOptions: ConstructorParameters<typeof FastifyAdapter>[0] = {},
  { bodyParser = true }: { bodyParser?: boolean } = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module as never, new FastifyAdapter({ trustProxy: true, ...fastifyOptions }), {
    logger: logLevels(env.LOG_LEVEL),
    bodyParser,
  });
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: INestApplication, port: number, host: string, name: string): Promise<string> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  new Logger(name).log(`listening on ${url}`);
  return url;
}

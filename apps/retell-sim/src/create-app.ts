import 'reflect-metadata';
import { ValidationPipe, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { SimConfig } from './config/sim-config';

/** Large enough for a batch call of thousands of tasks. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** The simulator's HTTP app, configured but not listening (main.ts and specs share it). */
export async function createSimApp(config: SimConfig, logger: LogLevel[] | false = ['fatal', 'error', 'warn', 'log']): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), { logger });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  return app;
}

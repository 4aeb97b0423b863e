import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type IORedis from 'ioredis';
import { AppEnv, createRedis } from '@retell-ops/config';
import { recordRejection } from '@retell-ops/queue';
import { rejectionOf, type Rejection } from './rejection-note';
import { WEBHOOK_POST_ROUTES } from './signature-header.hook';

/** Refusals Fastify answers itself, before the controller (the body limit). */
const FASTIFY_REASONS: Record<number, Rejection> = {
  413: { error: 'payload_too_large', reason: 'body exceeds the webhook body limit' },
  400: { error: 'bad_request', reason: 'request refused before it reached the webhook handler' },
};

const WARN_EVERY_MS = 10_000;

/** What the recorder reads of a Fastify request. */
interface RefusedRequest {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  ip: string;
  url: string;
}

/**
 * Writes each refused delivery (4xx on the webhook routes) to the bounded rejected-deliveries log
 * in Redis (`@retell-ops/queue` rejected-deliveries.ts), from an onResponse hook: after the
 * answer, never awaited, on its own fail-fast connection, so a refusal costs the request nothing
 * and a Redis outage loses only log rows (one warning per 10 s). Accepted deliveries skip it at
 * the first comparison.
 */
@Injectable()
export class RejectionRecorder implements OnModuleDestroy {
  private readonly logger = new Logger('RejectedDeliveries');
  private readonly connection: IORedis;
  private lastWarning = 0;

  constructor(private readonly env: AppEnv) {
    // Opened at boot: the connection fails fast (no offline queue), so one opened on the first
    // refusal would lose that row.
    this.connection = createRedis(env.REDIS_URL, 'producer');
    this.connection.on('error', () => undefined); // each failed write is reported by warn()
  }

  install(app: NestFastifyApplication): void {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onResponse', (req, res, done) => {
        const status = res.statusCode;
        if (status >= 400 && status < 500 && req.method === 'POST' && WEBHOOK_POST_ROUTES.has(req.routeOptions.url ?? '')) this.record(req, status);
        done();
      });
  }

  private record(req: RefusedRequest, status: number): void {
    const marked = rejectionOf(req) ?? FASTIFY_REASONS[status] ?? { error: 'refused', reason: `refused with ${status}` };
    const length = Number(req.headers['content-length']);
    const body = req.body;
    const bytes = Buffer.isBuffer(body) ? body.length : Number.isSafeInteger(length) ? length : 0;
    void recordRejection(this.connection, this.env.QUEUE_PREFIX, { at: Date.now(), status, ...marked, ip: req.ip, bytes, path: req.url }, (e) => this.warn(e));
  }

  private warn(e: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(`could not record a rejected delivery: ${String(e.message).slice(0, 200)}`);
  }

  onModuleDestroy(): void {
    this.connection.disconnect();
  }
}

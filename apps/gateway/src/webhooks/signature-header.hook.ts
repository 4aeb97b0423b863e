import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { signatureHeaderProblem } from '@retell-ops/retell';
import { logRejection } from './rejection-log';
import { countDelivery } from './webhook-metrics';

/** The routes of WebhooksController that take deliveries (Fastify's route patterns). */
export const WEBHOOK_POST_ROUTES: ReadonlySet<string> = new Set(['/webhooks/retell', '/webhooks/retell/:tenantSlug']);

/**
 * Refuses a delivery whose x-retell-signature header is missing or malformed with 401 before
 * its body is read, so a request that cannot be signed never costs a 4 MB buffer. (Node
 * discards the unread body as it arrives.) WebhookIngestService checks the same shape again
 * for callers that reach it another way.
 */
export function refuseUnsignedDeliveries(app: NestFastifyApplication): void {
  const logger = new Logger('RetellWebhooks');
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, res, done) => {
      if (req.method !== 'POST' || !WEBHOOK_POST_ROUTES.has(req.routeOptions.url ?? '')) return done();
      const problem = signatureHeaderProblem(req.headers['x-retell-signature']);
      if (!problem) return done();
      const reason = `x-retell-signature header is ${problem}`;
      const length = Number(req.headers['content-length']);
      logRejection(logger, 401, reason, { url: req.url, ip: req.ip, bytes: Number.isSafeInteger(length) ? length : 0, reqId: req.id });
      void res.code(401).send({ error: 'unauthorized', reason });
      countDelivery({ status: 401, body: { reason } });
    });
}

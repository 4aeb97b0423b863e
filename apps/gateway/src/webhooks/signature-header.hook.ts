import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { signatureHeaderProblem } from '@retell-ops/retell';
import { logRejection } from './rejection-log';
import { RELAY_SIGNATURE_HEADER, RELAY_TIMESTAMP_HEADER, relayHeaderProblem } from '../relay/relay-signature';
import { noteRejection } from './rejection-note';
import { countDelivery } from './webhook-metrics';

/** InboundController's route (Retell's inbound-call webhook): signed like the webhooks. */
export const INBOUND_POST_ROUTE = '/webhooks/retell/inbound/:tenantSlug';
/** The routes that take Retell's signed deliveries (Fastify's route patterns). */
export const WEBHOOK_POST_ROUTES: ReadonlySet<string> = new Set(['/webhooks/retell', '/webhooks/retell/:tenantSlug', INBOUND_POST_ROUTE]);
/** RelayController's route: its own headers (relay-signature.ts). */
export const RELAY_POST_ROUTE = '/webhooks/relay/:tenantSlug';

function problemOf(req: { method: string; routeOptions: { url?: string }; headers: Record<string, string | string[] | undefined> }): string | undefined {
  if (req.method !== 'POST') return undefined;
  const route = req.routeOptions.url ?? '';
  if (WEBHOOK_POST_ROUTES.has(route)) {
    const problem = signatureHeaderProblem(req.headers['x-retell-signature']);
    return problem && `x-retell-signature header is ${problem}`;
  }
  if (route === RELAY_POST_ROUTE) return relayHeaderProblem({ timestamp: req.headers[RELAY_TIMESTAMP_HEADER], signature: req.headers[RELAY_SIGNATURE_HEADER] });
  return undefined;
}

/**
 * Refuses a delivery whose x-retell-signature header (a relay's: x-relay-timestamp and
 * x-relay-signature) is missing or malformed with 401 before
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
      const reason = problemOf(req);
      if (!reason) return done();
      const length = Number(req.headers['content-length']);
      logRejection(logger, 401, reason, { url: req.url, ip: req.ip, bytes: Number.isSafeInteger(length) ? length : 0, reqId: req.id });
      noteRejection(req, { error: 'unauthorized', reason });
      void res.code(401).send({ error: 'unauthorized', reason });
      countDelivery({ status: 401, body: { reason } });
    });
}

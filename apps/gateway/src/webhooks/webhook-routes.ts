import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RELAY_SIGNATURE_HEADER, RELAY_TIMESTAMP_HEADER } from '../relay/relay-signature';
import { answerDelivery } from './answer-delivery';
import type { IngestResult } from './ingest-result';
import { RELAY_POST_ROUTE } from './signature-header.hook';
import { WebhookIngestService } from './webhook-ingest.service';

type BySlug = { Params: { tenantSlug: string } };

/** What Nest answered for an error nothing caught (the body names no detail). */
const INTERNAL_ERROR = { statusCode: 500, message: 'Internal server error' };

/**
 * The routes that take deliveries (Retell's, and a relay's), registered on Fastify itself rather
 * than as Nest controller methods: they run once per webhook, and Nest's per-request pipeline
 * (execution context, parameter decorators, guards, interceptors, exception filters) buys them
 * nothing. What they keep: the signature-header hook and the rejected-deliveries recorder
 * (Fastify hooks), the metrics and the bounded rejection log (answerDelivery).
 * GET on the same paths stays with the Nest controllers.
 */
export function registerWebhookRoutes(app: NestFastifyApplication): void {
  const ingest = app.get(WebhookIngestService);
  // The same instance, typed with the fastify the rest of the gateway imports (Nest bundles its own copy).
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const retell = new Logger('RetellWebhooks');
  const relay = new Logger('RelayWebhooks');

  const answer = async (logger: Logger, req: FastifyRequest, res: FastifyReply, work: () => Promise<IngestResult>): Promise<FastifyReply> => {
    const started = performance.now();
    let result: IngestResult;
    try {
      result = await work();
    } catch (e) {
      logger.error(`${req.method} ${req.routeOptions.url}: ${String((e as Error)?.message).slice(0, 200)}`);
      return res.status(500).send(INTERNAL_ERROR);
    }
    answerDelivery(logger, req, res, result, started);
    return res;
  };

  fastify.post('/webhooks/retell', (req, res) =>
    answer(retell, req, res, () => ingest.ingest({ rawBody: req.body as Buffer | undefined, signature: req.headers['x-retell-signature'] })),
  );
  fastify.post<BySlug>('/webhooks/retell/:tenantSlug', (req, res) =>
    answer(retell, req, res, () =>
      ingest.ingest({ rawBody: req.body as Buffer | undefined, signature: req.headers['x-retell-signature'], tenantSlug: req.params.tenantSlug }),
    ),
  );
  fastify.post<BySlug>(RELAY_POST_ROUTE, (req, res) =>
    answer(relay, req, res, () =>
      ingest.ingestRelay({
        rawBody: req.body as Buffer | undefined,
        tenantSlug: req.params.tenantSlug,
        headers: { timestamp: req.headers[RELAY_TIMESTAMP_HEADER], signature: req.headers[RELAY_SIGNATURE_HEADER] },
      }),
    ),
  );
}

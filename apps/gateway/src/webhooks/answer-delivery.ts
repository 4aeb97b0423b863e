import type { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IngestResult } from './ingest-result';
import { logRejection } from './rejection-log';
import { noteRejection } from './rejection-note';
import { countDelivery } from './webhook-metrics';

/**
 * Answers one delivery the way every webhook route does (Retell's and a relay's): a refusal is
 * logged (bounded) and noted in the rejected-deliveries log, a 503 says when to retry, and the
 * delivery is counted in the metrics with its time in the gateway.
 */
export function answerDelivery(logger: Logger, req: FastifyRequest, res: FastifyReply, result: IngestResult, startedMs: number): void {
  if (result.log) {
    logRejection(logger, result.status, result.log, {
      url: req.url,
      ip: req.ip,
      bytes: (req.body as Buffer | undefined)?.length ?? 0,
      tenant: result.tenant,
      callId: result.callId,
      reqId: req.id,
    });
    if (result.status < 500 && result.body?.error) {
      noteRejection(req, { error: result.body.error, reason: result.log, tenantId: result.tenantId, tenantSlug: result.tenant, callId: result.callId });
    }
  }
  if (result.status === 503) res.header('retry-after', '5');
  if (result.answer !== undefined) res.status(result.status).header('content-type', 'application/json; charset=utf-8').send(result.answer);
  else res.status(result.status).send(result.body);
  countDelivery(result, startedMs);
}

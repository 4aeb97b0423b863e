import { Controller, Get, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerDelivery } from '../webhooks/answer-delivery';
import { WebhookIngestService } from '../webhooks/webhook-ingest.service';
import { RELAY_SIGNATURE_HEADER, RELAY_TIMESTAMP_HEADER } from './relay-signature';

/**
 * Forwarded webhooks (issue 13 item 8): a relay that cannot pass Retell's exact bytes posts the
 * event here, signed with the tenant's relay secret. Off unless the tenant turned it on
 * (POST /api/v1/tenant/relay-secret); answers are those of /webhooks/retell.
 */
@Controller('webhooks/relay')
export class RelayController {
  private readonly logger = new Logger('RelayWebhooks');

  constructor(private readonly ingest: WebhookIngestService) {}

  @Get(':tenantSlug')
  @HttpCode(200)
  alive() {
    return { ok: true, endpoint: 'relayed retell webhooks', accepts: `POST, signed with ${RELAY_TIMESTAMP_HEADER} and ${RELAY_SIGNATURE_HEADER}` };
  }

  @Post(':tenantSlug')
  async relay(@Param('tenantSlug') tenantSlug: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const started = performance.now();
    const result = await this.ingest.ingestRelay({
      rawBody: req.body as Buffer | undefined,
      tenantSlug,
      headers: { timestamp: req.headers[RELAY_TIMESTAMP_HEADER], signature: req.headers[RELAY_SIGNATURE_HEADER] },
    });
    answerDelivery(this.logger, req, res, result, started);
  }
}

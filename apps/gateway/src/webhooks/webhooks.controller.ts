import { Controller, Get, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IngestResult } from './ingest-result';
import { countDelivery } from './webhook-metrics';
import { logRejection } from './rejection-log';
import { noteRejection } from './rejection-note';
import { WebhookIngestService } from './webhook-ingest.service';

@Controller('webhooks/retell')
export class WebhooksController {
  private readonly logger = new Logger('RetellWebhooks');

  constructor(private readonly ingest: WebhookIngestService) {}

  @Get()
  @HttpCode(200)
  alive() {
    return { ok: true, endpoint: 'retell webhooks', accepts: 'POST, signed with x-retell-signature' };
  }

  @Post()
  async byAgent(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const started = performance.now();
    this.send(req, res, await this.ingest.ingest({ rawBody: req.body as Buffer | undefined, signature: req.headers['x-retell-signature'] }), started);
  }

  @Post(':tenantSlug')
  async byTenant(@Param('tenantSlug') tenantSlug: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const started = performance.now();
    this.send(
      req,
      res,
      await this.ingest.ingest({ rawBody: req.body as Buffer | undefined, signature: req.headers['x-retell-signature'], tenantSlug }),
      started,
    );
  }

  private send(req: FastifyRequest, res: FastifyReply, result: IngestResult, started: number): void {
    if (result.log) {
      logRejection(this.logger, result.status, result.log, {
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
    res.status(result.status).send(result.body);
    countDelivery(result, started);
  }
}

import { Controller, Get, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerDelivery } from './answer-delivery';
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
    answerDelivery(
      this.logger,
      req,
      res,
      await this.ingest.ingest({ rawBody: req.body as Buffer | undefined, signature: req.headers['x-retell-signature'] }),
      started,
    );
  }

  @Post(':tenantSlug')
  async byTenant(@Param('tenantSlug') tenantSlug: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const started = performance.now();
    answerDelivery(
      this.logger,
      req,
      res,
      await this.ingest.ingest({ rawBody: req.body as Buffer | undefined, signature: req.headers['x-retell-signature'], tenantSlug }),
      started,
    );
  }
}

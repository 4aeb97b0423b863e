import { Controller, Get, HttpCode, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TenantSignature } from '../tenants/tenant-signature';
import { answerDelivery } from '../webhooks/answer-delivery';
import { reply } from '../webhooks/ingest-result';
import { InboundAnswers } from './inbound-answers';
import { readVerifiedBody } from './verified-body';

/**
 * Retell's inbound-call webhook for one tenant (docs/live-calls.md#inbound-calls): a number's
 * `inbound_webhook_url` points here; Retell asks before the call is answered and waits (ringing)
 * for who answers, what the agent knows about the caller, or a rejection.
 */
@Controller('webhooks/retell/inbound')
export class InboundController {
  private readonly logger = new Logger('InboundCalls');

  constructor(
    private readonly signature: TenantSignature,
    private readonly answers: InboundAnswers,
  ) {}

  @Get(':tenantSlug')
  @HttpCode(200)
  alive() {
    return { ok: true, endpoint: 'retell inbound-call webhook', accepts: 'POST call_inbound, signed with x-retell-signature' };
  }

  @Post(':tenantSlug')
  async inbound(@Param('tenantSlug') tenantSlug: string, @Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const started = performance.now();
    const bytes = req.body as Buffer | undefined;
    const signed = await this.signature.verifyBySlug(tenantSlug, bytes ?? Buffer.alloc(0), req.headers['x-retell-signature']);
    if ('rejected' in signed) return answerDelivery(this.logger, req, res, { ...signed.rejected, event: 'call_inbound' }, started);
    const { tenant } = signed;
    const body = readVerifiedBody(bytes);
    const result = body.ok
      ? await this.answers.answer(tenant, body.value)
      : reply.reject(400, 'bad_request', body.reason, { tenant: tenant.slug, tenantId: tenant.id, event: 'call_inbound' });
    answerDelivery(this.logger, req, res, result, started);
  }
}

import { Controller, Get, HttpCode } from '@nestjs/common';

/** GET answers that the webhook URL is alive; deliveries (POST) are taken by webhook-routes.ts. */
@Controller('webhooks/retell')
export class WebhooksController {
  @Get()
  @HttpCode(200)
  alive() {
    return { ok: true, endpoint: 'retell webhooks', accepts: 'POST, signed with x-retell-signature' };
  }
}

import { Controller, Get, HttpCode } from '@nestjs/common';
import { RELAY_SIGNATURE_HEADER, RELAY_TIMESTAMP_HEADER } from './relay-signature';

/**
 * Forwarded webhooks (issue 13 item 8): a relay that cannot pass Retell's exact bytes posts the
 * event here, signed with the tenant's relay secret. Off unless the tenant turned it on
 * (POST /api/v1/tenant/relay-secret); answers are those of /webhooks/retell. The POST route itself
 * is registered on Fastify directly (webhooks/webhook-routes.ts), as Retell's are.
 */
@Controller('webhooks/relay')
export class RelayController {
  @Get(':tenantSlug')
  @HttpCode(200)
  alive() {
    return { ok: true, endpoint: 'relayed retell webhooks', accepts: `POST, signed with ${RELAY_TIMESTAMP_HEADER} and ${RELAY_SIGNATURE_HEADER}` };
  }
}

import { Body, Controller, Get, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { InboundDecisionPage, InboundDecisionsQuery, InboundRulesBody, InboundRulesResource } from './inbound.dto';
import { InboundService } from './inbound.service';

/** Inbound calls (docs/live-calls.md#inbound-calls): the rules the gateway answers Retell's call_inbound with, and what it answered. */
@ApiTags('inbound')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class InboundController {
  constructor(private readonly inbound: InboundService) {}

  @Get('inbound-rules')
  @RequirePermission('agents:read')
  @ApiOperation({ summary: "The tenant's inbound-call rules: blocked numbers and which agent answers whom; and the inbound webhook URL" })
  @ApiOkResponse({ type: InboundRulesResource })
  rules(@CurrentPrincipal() p: Principal): Promise<InboundRulesResource> {
    return this.inbound.rules(p.tenantId);
  }

  @Put('inbound-rules')
  @RequirePermission('agents:write')
  @ApiOperation({ summary: "Replaces the tenant's inbound-call rules (the gateway uses them within 10 s)" })
  @ApiOkResponse({ type: InboundRulesResource })
  @ApiBadRequestResponse({ description: 'a number that is not E.164, an unknown status, a status rule for callers who are not known, …' })
  @ApiForbiddenResponse({ description: 'viewer or recruiter key' })
  replaceRules(@CurrentPrincipal() p: Principal, @Body() body: InboundRulesBody): Promise<InboundRulesResource> {
    return this.inbound.replaceRules(p.tenantId, body);
  }

  @Get('inbound-calls')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: 'What the gateway answered Retell’s inbound-call webhook, newest first (a capped log of about 1000 per tenant)' })
  @ApiOkResponse({ type: InboundDecisionPage })
  decisions(@CurrentPrincipal() p: Principal, @Query() q: InboundDecisionsQuery): Promise<InboundDecisionPage> {
    return this.inbound.decisions(p.tenantId, q);
  }
}

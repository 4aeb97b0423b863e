import { Body, Controller, Delete, Get, HttpCode, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  PickType,
} from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { TenantSettings } from '@retell-ops/db';
import { TOOL_ALIASES, TOOLS } from '@retell-ops/recruiting';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CallingWindowResource, RotateRetellKeyBody, RotatedRetellKeyResource, UpdateTenantBody } from '../tenants/tenants.dto';
import { TenantsService } from '../tenants/tenants.service';
import { RelaySecrets } from './relay-secrets';
import { RetellKeyRotation } from './retell-key-rotation';

export class RelayStatusResource {
  @ApiProperty({ description: 'POST /webhooks/relay/<slug> takes signed deliveries' }) enabled: boolean;
  @ApiProperty({ example: '/webhooks/relay/acme', description: "the gateway's path the relay posts to" }) path: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Until when the secret before the last rotation still verifies' })
  previousSecretUntil: string | null;
}

export class ToolStateResource {
  @ApiProperty({ example: 'book_interview' }) name: string;
  @ApiProperty({ type: [String], example: ['book_appointment'], description: 'Other names the same tool answers to' }) aliases: string[];
  @ApiProperty() enabled: boolean;
}

export class TenantResource {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiPropertyOptional() defaultAgentId: string | null;
  @ApiPropertyOptional() defaultFromNumber: string | null;
  @ApiPropertyOptional() retellBaseUrl: string | null;
  @ApiProperty({ description: 'A Retell API key is stored (encrypted); the key itself is never returned' }) hasRetellApiKey: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Last 4 characters of the stored Retell key' }) retellApiKeyLast4: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Until when the key before the last rotation still verifies webhooks' })
  previousRetellKeyUntil: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) timeZone: string | null;
  @ApiPropertyOptional({ type: CallingWindowResource, nullable: true }) callingWindow: CallingWindowResource | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: RelayStatusResource }) relay: RelayStatusResource;
  @ApiProperty({ type: [ToolStateResource], description: "The agent's tools (custom functions) and whether each answers for this tenant" })
  tools: ToolStateResource[];
}

/** What a tenant may change of itself: the operator's fields less slug, active and the Retell key (it has its own route). */
export class TenantSettingsBody extends PickType(UpdateTenantBody, [
  'name',
  'defaultAgentId',
  'defaultFromNumber',
  'timeZone',
  'callingWindow',
  'disabledTools',
] as const) {}

export class RelaySecretBody {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 10080,
    default: 60,
    description: 'On a rotation: minutes the current secret still verifies (0: at once refused)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10080)
  overlapMinutes?: number;
}

export class IssuedRelaySecretResource {
  @ApiProperty({ description: 'The relay secret, shown this once (stored encrypted)' }) relaySecret: string;
  @ApiProperty({ example: '/webhooks/relay/acme' }) path: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Until when the previous secret still verifies' }) previousSecretUntil: string | null;
}

@ApiTags('tenant')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class TenantController {
  constructor(
    private readonly settings: TenantSettings,
    private readonly rotation: RetellKeyRotation,
    private readonly tenants: TenantsService,
    private readonly relay: RelaySecrets,
  ) {}

  @Get('tenant')
  @RequirePermission('tenant:read')
  @ApiOperation({ summary: "The caller's tenant: its settings, the last 4 characters of its Retell key, its relay's state" })
  @ApiOkResponse({ type: TenantResource })
  tenant(@CurrentPrincipal() p: Principal): Promise<TenantResource> {
    return this.view(p.tenantId);
  }

  @Patch('tenant')
  @RequirePermission('settings:write')
  @ApiOperation({
    summary:
      "Change the caller's tenant: name and defaults (agent, from number, time zone, calling window) and the agent's tools turned off; null clears an optional one",
  })
  @ApiOkResponse({ type: TenantResource })
  @ApiBadRequestResponse({ description: 'bad input (slug, active and the Retell key are not changed here)' })
  @ApiConflictResponse({ description: 'the default agent belongs to another tenant' })
  @ApiForbiddenResponse({ description: 'a role without settings:write' })
  async update(@CurrentPrincipal() p: Principal, @Body() body: TenantSettingsBody): Promise<TenantResource> {
    await this.tenants.update(p.tenantId, body);
    return this.view(p.tenantId);
  }

  @Post('tenant/relay-secret')
  @RequirePermission('settings:write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Turn the relay on (POST /webhooks/relay/<slug>) with a new secret, or rotate it: the secret is in this answer only; the previous one still verifies for overlapMinutes (default 60)',
  })
  @ApiOkResponse({ type: IssuedRelaySecretResource })
  @ApiForbiddenResponse({ description: 'a role without settings:write' })
  issueRelaySecret(@CurrentPrincipal() p: Principal, @Body() body: RelaySecretBody): Promise<IssuedRelaySecretResource> {
    return this.relay.issue(p.tenantId, body.overlapMinutes);
  }

  @Delete('tenant/relay-secret')
  @RequirePermission('settings:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn the relay off: its secrets are forgotten; the gateway refuses relayed deliveries (404) within 30 s' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'a role without settings:write' })
  async disableRelay(@CurrentPrincipal() p: Principal): Promise<void> {
    await this.relay.disable(p.tenantId);
  }

  @Post('tenant/retell-key')
  @RequirePermission('settings:write')
  @HttpCode(200)
  @ApiOperation({
    summary: "Rotate the tenant's Retell key: checked with Retell, stored; the old key still verifies webhooks for overlapMinutes (default 60, at most 7 days)",
  })
  @ApiOkResponse({ type: RotatedRetellKeyResource })
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiUnprocessableEntityResponse({ description: 'Retell refused the new key (its answer in message)' })
  @ApiServiceUnavailableResponse({ description: 'Retell could not be reached' })
  rotateRetellKey(@CurrentPrincipal() p: Principal, @Body() body: RotateRetellKeyBody): Promise<RotatedRetellKeyResource> {
    return this.rotation.rotate(p.tenantId, body.retellApiKey, body.overlapMinutes);
  }

  private async view(tenantId: string): Promise<TenantResource> {
    const [base, full, relay] = await Promise.all([this.settings.view(tenantId), this.tenants.get(tenantId), this.relay.status(tenantId)]);
    return {
      ...base,
      retellApiKeyLast4: full.retellApiKeyLast4,
      previousRetellKeyUntil: full.previousRetellKeyUntil,
      timeZone: full.timeZone,
      callingWindow: full.callingWindow,
      active: full.active,
      relay,
      tools: TOOLS.map((name) => ({
        name,
        aliases: Object.keys(TOOL_ALIASES).filter((a) => a !== name && TOOL_ALIASES[a] === name),
        enabled: !full.disabledTools.includes(name),
      })),
    };
  }
}

import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { TenantSettings } from '@retell-ops/db';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RotateRetellKeyBody, RotatedRetellKeyResource } from '../tenants/tenants.dto';
import { RetellKeyRotation } from './retell-key-rotation';

export class TenantResource {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiPropertyOptional() defaultAgentId: string | null;
  @ApiPropertyOptional() defaultFromNumber: string | null;
  @ApiPropertyOptional() retellBaseUrl: string | null;
  @ApiProperty({ description: 'A Retell API key is stored (encrypted); the key itself is never returned' }) hasRetellApiKey: boolean;
}

@ApiTags('tenant')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class TenantController {
  constructor(
    private readonly settings: TenantSettings,
    private readonly rotation: RetellKeyRotation,
  ) {}

  @Get('tenant')
  @RequirePermission('tenant:read')
  @ApiOperation({ summary: "The caller's tenant" })
  @ApiOkResponse({ type: TenantResource })
  tenant(@CurrentPrincipal() p: Principal): Promise<TenantResource> {
    return this.settings.view(p.tenantId);
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
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ApiKeyResource, CreateApiKeyBody, IssuedApiKeyResource } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@ApiUnauthorizedResponse({ description: 'no key, or an unknown, revoked or expired one' })
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @RequirePermission('api-keys:manage')
  @HttpCode(201)
  @ApiOperation({ summary: "Issue an API key for the caller's tenant: the key is in this answer only" })
  @ApiCreatedResponse({ type: IssuedApiKeyResource })
  @ApiBadRequestResponse({ description: 'bad name, role or expiresAt' })
  @ApiForbiddenResponse({ description: 'viewer key' })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreateApiKeyBody): Promise<IssuedApiKeyResource> {
    return this.keys.create(p.tenantId, body);
  }

  @Get()
  @RequirePermission('api-keys:manage')
  @ApiOperation({ summary: "The tenant's API keys, newest first (never the key or its hash)" })
  @ApiOkResponse({ type: [ApiKeyResource] })
  @ApiForbiddenResponse({ description: 'viewer key' })
  list(@CurrentPrincipal() p: Principal): Promise<ApiKeyResource[]> {
    return this.keys.list(p.tenantId);
  }

  @Delete(':id')
  @RequirePermission('api-keys:manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (idempotent); its dashboard sessions end too' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: "no such key in the caller's tenant" })
  @ApiForbiddenResponse({ description: 'viewer key' })
  async revoke(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(p.tenantId, id);
  }
}

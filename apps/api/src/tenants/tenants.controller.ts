import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { PlatformOperatorGuard } from '../auth/platform-operator.guard';
import { CreatedTenantResource, CreateTenantBody, OperatorTenantResource, UpdateTenantBody } from './tenants.dto';
import { TenantsService } from './tenants.service';
import { PlatformOperatorRoute } from '../auth/permissions.decorator';

/** The platform operator's routes: every tenant, by the bearer key PLATFORM_ADMIN_KEY only. */
@ApiTags('tenants (platform operator)')
@ApiBearerAuth()
@UseGuards(PlatformOperatorGuard)
@ApiUnauthorizedResponse({ description: 'no bearer key' })
@ApiForbiddenResponse({ description: 'not the platform operator key (a tenant key included), or PLATFORM_ADMIN_KEY unset' })
@PlatformOperatorRoute()
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant: its Retell key is checked with Retell first; the answer carries its first admin API key, once' })
  @ApiCreatedResponse({ type: CreatedTenantResource })
  @ApiBadRequestResponse({ description: 'bad input' })
  @ApiConflictResponse({ description: 'slug taken, or the default agent belongs to another tenant' })
  @ApiUnprocessableEntityResponse({ description: 'Retell refused the key (its answer in message)' })
  @ApiServiceUnavailableResponse({ description: 'Retell could not be reached' })
  create(@Body() body: CreateTenantBody): Promise<CreatedTenantResource> {
    return this.tenants.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'Every tenant, oldest first' })
  @ApiOkResponse({ type: [OperatorTenantResource] })
  list(): Promise<OperatorTenantResource[]> {
    return this.tenants.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One tenant' })
  @ApiOkResponse({ type: OperatorTenantResource })
  @ApiNotFoundResponse({ description: 'no such tenant' })
  get(@Param('id') id: string): Promise<OperatorTenantResource> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a tenant (active: false refuses its webhooks and dials, deletes nothing); a new retellApiKey is checked and rotated in' })
  @ApiOkResponse({ type: OperatorTenantResource })
  @ApiBadRequestResponse({ description: 'bad input' })
  @ApiNotFoundResponse({ description: 'no such tenant' })
  @ApiConflictResponse({ description: 'slug taken, or the default agent belongs to another tenant' })
  @ApiUnprocessableEntityResponse({ description: 'Retell refused the new key' })
  @ApiServiceUnavailableResponse({ description: 'Retell could not be reached' })
  update(@Param('id') id: string, @Body() body: UpdateTenantBody): Promise<OperatorTenantResource> {
    return this.tenants.update(id, body);
  }
}

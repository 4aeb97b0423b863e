import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CreatePositionBody, ListPositionsQuery, PositionList, PositionResource, UpdatePositionBody } from './position.dto';
import { PositionsService } from './positions.service';

@ApiTags('positions')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/positions')
export class PositionsController {
  constructor(private readonly positions: PositionsService) {}

  @Post()
  @RequirePermission('positions:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a position (title unique within the tenant)' })
  @ApiCreatedResponse({ type: PositionResource })
  @ApiConflictResponse({ description: 'the title is taken' })
  @ApiForbiddenResponse({ description: 'viewer key' })
  create(@CurrentPrincipal() p: Principal, @Body() body: CreatePositionBody): Promise<PositionResource> {
    return this.positions.create(p.tenantId, body);
  }

  @Get()
  @RequirePermission('positions:read')
  @ApiOperation({ summary: "The tenant's positions, by title" })
  @ApiOkResponse({ type: PositionList })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListPositionsQuery): Promise<PositionList> {
    return this.positions.list(p.tenantId, query);
  }

  @Get(':id')
  @RequirePermission('positions:read')
  @ApiOperation({ summary: 'One position' })
  @ApiOkResponse({ type: PositionResource })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<PositionResource> {
    return this.positions.get(p.tenantId, id);
  }

  @Patch(':id')
  @RequirePermission('positions:write')
  @ApiOperation({ summary: 'Change a position (absent fields stay, null clears an optional one)' })
  @ApiOkResponse({ type: PositionResource })
  @ApiConflictResponse({ description: 'the title is taken' })
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiNotFoundResponse()
  update(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: UpdatePositionBody): Promise<PositionResource> {
    return this.positions.update(p.tenantId, id, body);
  }

  @Delete(':id')
  @RequirePermission('positions:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a position; its candidates stay, unlinked (positionId null, positionApplied kept)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'viewer key' })
  @ApiNotFoundResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<void> {
    await this.positions.remove(p.tenantId, id);
  }
}

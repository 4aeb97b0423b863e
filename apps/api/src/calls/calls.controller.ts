import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CallPage, CallResource } from './call.resource';
import { CallsService } from './calls.service';
import { ListCallsQuery } from './list-calls.query';

@ApiTags('calls')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Get()
  @RequirePermission('calls:read')
  @ApiOperation({ summary: "List the tenant's calls, newest first" })
  @ApiOkResponse({ type: CallPage })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListCallsQuery): Promise<CallPage> {
    return this.calls.list(p.tenantId, query);
  }

  @Get(':callId')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: "One call by Retell's call id" })
  @ApiOkResponse({ type: CallResource })
  get(@CurrentPrincipal() p: Principal, @Param('callId') callId: string): Promise<CallResource> {
    return this.calls.get(p.tenantId, callId);
  }
}

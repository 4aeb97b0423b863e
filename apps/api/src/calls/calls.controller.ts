import { Controller, Get, Param, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { csvDownload } from '../exports/csv-download';
import { CALL_EXPORT_HEADER, CallExport } from './call-export';
import { callFilterOf } from './call-query';
import { CallPage, CallResource } from './call.resource';
import { CallsService } from './calls.service';
import { CallFilterQuery, ListCallsQuery } from './list-calls.query';
import { ToolCallList } from './tool-call.resource';

@ApiTags('calls')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/calls')
export class CallsController {
  constructor(
    private readonly calls: CallsService,
    private readonly callExport: CallExport,
  ) {}

  @Get()
  @RequirePermission('calls:read')
  @ApiOperation({ summary: "List the tenant's calls, newest first" })
  @ApiOkResponse({ type: CallPage })
  list(@CurrentPrincipal() p: Principal, @Query() query: ListCallsQuery): Promise<CallPage> {
    return this.calls.list(p.tenantId, query);
  }

  @Get('export.csv')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: 'Every call the list would show for these filters, newest first, as a CSV download (streamed)' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'text/csv, one header line then one line per call' })
  export(@CurrentPrincipal() p: Principal, @Query() query: CallFilterQuery): StreamableFile {
    const filter = callFilterOf(query);
    return csvDownload('calls.csv', CALL_EXPORT_HEADER, this.callExport.batches(p.tenantId, filter));
  }

  @Get(':callId')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: "One call by Retell's call id" })
  @ApiOkResponse({ type: CallResource })
  get(@CurrentPrincipal() p: Principal, @Param('callId') callId: string): Promise<CallResource> {
    return this.calls.get(p.tenantId, callId);
  }

  @Get(':callId/tool-calls')
  @RequirePermission('calls:read')
  @ApiOperation({ summary: "The agent's tool calls during the call (tool, args, answer, ok, duration), oldest first; by Retell's call id or ours" })
  @ApiOkResponse({ type: ToolCallList })
  @ApiNotFoundResponse()
  toolCalls(@CurrentPrincipal() p: Principal, @Param('callId') callId: string): Promise<ToolCallList> {
    return this.calls.toolCalls(p.tenantId, callId);
  }
}

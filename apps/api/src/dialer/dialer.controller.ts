import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { requireAdmin } from '../auth/require-admin';
import { CreateBatchBody, CreateCallBody, ListBatchesQuery, StatsQuery } from './dial.dto';
import { DialerService } from './dialer.service';

@ApiTags('dialer')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class DialerController {
  constructor(private readonly dialer: DialerService) {}

  @Post('calls')
  @HttpCode(202)
  @ApiOperation({ summary: 'Place an outbound call (now or at scheduledAt); answers with our call id' })
  @ApiAcceptedResponse({ description: '{ id, dialRequestId, status: scheduled | queued, … }' })
  createCall(@CurrentPrincipal() p: Principal, @Body() body: CreateCallBody) {
    requireAdmin(p, 'place calls');
    return this.dialer.createCall(p.tenantId, body);
  }

  @Delete('calls/:callId')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a call in any state: unplaced → cancelled now; being created or live → stopped at Retell, never redialled; ended → final' })
  cancelCall(@CurrentPrincipal() p: Principal, @Param('callId') callId: string) {
    requireAdmin(p, 'cancel calls');
    return this.dialer.cancelCall(p.tenantId, callId);
  }

  @Post('batches')
  @HttpCode(201)
  @ApiOperation({ summary: 'Dial a list of numbers or candidates, at most maxConcurrent at once' })
  createBatch(@CurrentPrincipal() p: Principal, @Body() body: CreateBatchBody) {
    requireAdmin(p, 'create batches');
    return this.dialer.createBatch(p.tenantId, body);
  }

  @Get('batches')
  @ApiOperation({ summary: "The tenant's batches, newest first, each with its progress (cursor paging)" })
  listBatches(@CurrentPrincipal() p: Principal, @Query() q: ListBatchesQuery) {
    return this.dialer.listBatches(p.tenantId, q);
  }

  @Get('batches/:id')
  @ApiOperation({ summary: 'A batch and its progress (total, queued, live, completed, failed, cancelled)' })
  batch(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.dialer.batch(p.tenantId, id);
  }

  @Delete('batches/:id')
  @ApiOperation({ summary: 'Cancel the batch: what has not started is cancelled now, calls being created or live are stopped' })
  cancelBatch(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    requireAdmin(p, 'cancel batches');
    return this.dialer.cancelBatch(p.tenantId, id);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Volume, success rate, outcomes, average duration and cost (cents), by day, agent and batch' })
  stats(@CurrentPrincipal() p: Principal, @Query() q: StatsQuery) {
    return this.dialer.stats(p.tenantId, q);
  }
}

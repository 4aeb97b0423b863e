import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { can, ForbiddenError } from '@retell-ops/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CreateBatchBody, CreateCallBody, ListBatchesQuery, StatsQuery } from './dial.dto';
import { DialerService } from './dialer.service';

@ApiTags('dialer')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1')
export class DialerController {
  constructor(private readonly dialer: DialerService) {}

  @Post('calls')
  @RequirePermission('calls:candidate')
  @HttpCode(202)
  @ApiOperation({ summary: 'Place an outbound call (now or at scheduledAt); answers with our call id' })
  @ApiAcceptedResponse({ description: '{ id, dialRequestId, status: scheduled | queued, … }' })
  createCall(@CurrentPrincipal() p: Principal, @Body() body: CreateCallBody) {
    if (!can(p.role, 'calls:write') && !body.candidateId) {
      throw new ForbiddenError(`the ${p.role} role may only call candidates: send candidateId`);
    }
    return this.dialer.createCall(p, body);
  }

  @Delete('calls/:callId')
  @RequirePermission('calls:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a call in any state: unplaced → cancelled now; being created or live → stopped at Retell, never redialled; ended → final' })
  cancelCall(@CurrentPrincipal() p: Principal, @Param('callId') callId: string) {
    return this.dialer.cancelCall(p.tenantId, callId);
  }

  @Post('batches')
  @RequirePermission('batches:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Dial a list of numbers or candidates (up to 100,000, JSON or text/csv with the options as query parameters), at most maxConcurrent at once',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ type: CreateBatchBody })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key answers 200 with the batch the first one made' })
  // Body and query are read by readBatchUpload (JSON or CSV): the global ValidationPipe skips an untyped body.
  async createBatch(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const created = await this.dialer.createBatch(p, { contentType, body, query, idempotencyKey });
    if (created.accepted.replayed) void reply.status(200);
    return created;
  }

  @Get('batches')
  @RequirePermission('batches:read')
  @ApiOperation({ summary: "The tenant's batches, newest first, each with its progress (cursor paging)" })
  listBatches(@CurrentPrincipal() p: Principal, @Query() q: ListBatchesQuery) {
    return this.dialer.listBatches(p.tenantId, q);
  }

  @Get('batches/:id')
  @RequirePermission('batches:read')
  @ApiOperation({ summary: 'A batch and its progress (total, queued, live, completed, failed, cancelled)' })
  batch(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.dialer.batch(p.tenantId, id);
  }

  @Delete('batches/:id')
  @RequirePermission('batches:write')
  @ApiOperation({ summary: 'Cancel the batch: what has not started is cancelled now, calls being created or live are stopped' })
  cancelBatch(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.dialer.cancelBatch(p.tenantId, id);
  }

  @Get('stats')
  @RequirePermission('stats:read')
  @ApiOperation({ summary: 'Volume, success rate, outcomes, average duration and cost (cents), by day, agent and batch' })
  stats(@CurrentPrincipal() p: Principal, @Query() q: StatsQuery) {
    return this.dialer.stats(p.tenantId, q);
  }
}

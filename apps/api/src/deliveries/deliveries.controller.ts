import { Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiAcceptedResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Deliveries, type DeliveryDetail, type DeliveryRow, type ReplayAnswer } from './deliveries.service';
import { DeliveryDetailResource, DeliveryPage, ListDeliveriesQuery, RejectedPageResource, RejectedQuery, ReplayAnswerResource } from './deliveries.dto';
import { RejectedDeliveries, type RejectedPage } from './rejected-deliveries.service';
import { OPERATOR, TenantOrOperatorGuard } from './tenant-or-operator.guard';
import type { Page } from '../common/keyset-page';

@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('api/v1/deliveries')
export class DeliveriesController {
  constructor(
    private readonly deliveries: Deliveries,
    private readonly rejected: RejectedDeliveries,
  ) {}

  @Get()
  @UseGuards(ApiKeyGuard)
  @RequirePermission('deliveries:read')
  @ApiOperation({ summary: 'Every accepted webhook delivery of the tenant, newest first: received/processed times, job state, attempts, last error' })
  @ApiOkResponse({ type: DeliveryPage })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListDeliveriesQuery): Promise<Page<DeliveryRow>> {
    return this.deliveries.list(p.tenantId, q);
  }

  // Before ':id', which would otherwise take 'rejected' as an id.
  @Get('rejected')
  @UseGuards(TenantOrOperatorGuard)
  @RequirePermission('deliveries:read')
  @ApiOperation({
    summary:
      "Refused deliveries (4xx), newest first, from a bounded log: a tenant's rows for a tenant key; with PLATFORM_ADMIN_KEY, platform-wide counts and the rows no tenant could be told for",
  })
  @ApiOkResponse({ type: RejectedPageResource })
  rejectedList(@Req() req: { principal?: Principal; [OPERATOR]?: boolean }, @Query() q: RejectedQuery): Promise<RejectedPage> {
    if (req[OPERATOR]) return this.rejected.forPlatform(q);
    return this.rejected.forTenant(req.principal!.tenantId, q);
  }

  @Get(':id')
  @UseGuards(ApiKeyGuard)
  @RequirePermission('deliveries:read')
  @ApiOperation({ summary: 'One delivery with its raw payload and the retries and replays of it' })
  @ApiOkResponse({ type: DeliveryDetailResource })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<DeliveryDetail> {
    return this.deliveries.get(p.tenantId, id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @UseGuards(ApiKeyGuard)
  @RequirePermission('operations:write')
  @ApiOperation({
    summary: 'Run a kept delivery through its worker again (idempotent: no event is added; one pending replay per delivery). Recorded.',
  })
  @ApiAcceptedResponse({ type: ReplayAnswerResource })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'the delivery is not kept yet: retry its failed job' })
  @ApiForbiddenResponse({ description: 'a role without operations:write' })
  replay(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ReplayAnswer> {
    return this.deliveries.replay(p, id);
  }
}

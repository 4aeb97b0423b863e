import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { QUEUES, type QueueName } from '@retell-ops/queue';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PageQuery, readCursor, rowsToFetch, keysetPage, type Page } from '../common/keyset-page';
import { JobActionResource } from '../deliveries/deliveries.dto';
import { JobActions, type JobActionView } from './job-actions';
import { QueueInspector } from './queue-inspector';

class QueueDepth {
  @ApiProperty() queue: string;
  @ApiProperty({ description: 'Platform-wide: jobs waiting (incl. prioritized)' }) waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() delayed: number;
  @ApiProperty({ description: 'Platform-wide failed jobs kept' }) failed: number;
  @ApiProperty({ description: 'Completed jobs still kept (an hour)' }) completed: number;
  @ApiProperty({ description: "The caller's tenant's failed jobs" }) tenantFailed: number;
}

export class QueuesResource {
  @ApiProperty({ type: [QueueDepth] }) queues: QueueDepth[];
  @ApiProperty({ description: 'Where the queue board is (admin role)' }) board: string;
}

class ActionPage {
  @ApiProperty({ type: [JobActionResource] }) data: JobActionResource[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}

export interface QueueDepthView {
  queue: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  tenantFailed: number;
}

@ApiTags('operations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/operations')
export class OperationsController {
  constructor(
    private readonly inspector: QueueInspector,
    private readonly actions: JobActions,
  ) {}

  @Get('queues')
  @RequirePermission('operations:read')
  @ApiOperation({ summary: "Every queue's depth (platform-wide counts) and the caller's tenant's failed jobs in it" })
  @ApiOkResponse({ type: QueuesResource })
  async queues(@CurrentPrincipal() p: Principal): Promise<{ queues: QueueDepthView[]; board: string }> {
    const queues = await Promise.all(
      (Object.values(QUEUES) as QueueName[]).map(async (name) => {
        const c = await this.inspector.queue(name).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
        const mine = await this.inspector.tenantJobs(name, p.tenantId, ['failed']);
        return {
          queue: name,
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
          completed: c.completed ?? 0,
          tenantFailed: mine.length,
        };
      }),
    );
    return { queues, board: '/admin/queues' };
  }

  @Get('actions')
  @RequirePermission('operations:read')
  @ApiOperation({ summary: 'Retries and replays asked for in this tenant: who, when, on what, with what result; newest first' })
  @ApiOkResponse({ type: ActionPage })
  async actionList(@CurrentPrincipal() p: Principal, @Query() q: PageQuery): Promise<Page<JobActionView>> {
    const cursor = readCursor(q.cursor);
    const rows = await this.actions.list(p.tenantId, { before: cursor }, rowsToFetch(q));
    return keysetPage(
      rows,
      q,
      (r) => ({ at: new Date(r.createdAt), id: r.id }),
      (r) => r,
    );
  }
}

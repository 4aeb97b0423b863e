import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { BulkRetryAnswerResource, BulkRetryBody, FailedJobsPageResource, FailedJobsQuery, RetryAnswerResource } from './failed-jobs.dto';
import { FailedJobs, type BulkRetryAnswer, type FailedJobsPage, type RetryAnswer } from './failed-jobs.service';

@ApiTags('operations')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/failed-jobs')
export class FailedJobsController {
  constructor(private readonly failed: FailedJobs) {}

  @Get()
  @RequirePermission('operations:read')
  @ApiOperation({ summary: "The tenant's failed jobs (dead letters) of every queue, newest failure first, with reason, attempts and a payload summary" })
  @ApiOkResponse({ type: FailedJobsPageResource })
  list(@CurrentPrincipal() p: Principal, @Query() q: FailedJobsQuery): Promise<FailedJobsPage> {
    return this.failed.list(p.tenantId, q);
  }

  @Post(':queue/retry')
  @HttpCode(200)
  @RequirePermission('operations:write')
  @ApiOperation({ summary: "Retry the tenant's failed jobs of one queue that match a filter (at most `limit`); each retry is recorded" })
  @ApiOkResponse({ type: BulkRetryAnswerResource })
  @ApiNotFoundResponse({ description: 'no such queue' })
  @ApiForbiddenResponse({ description: 'a role without operations:write' })
  retryMany(@CurrentPrincipal() p: Principal, @Param('queue') queue: string, @Body() body: BulkRetryBody): Promise<BulkRetryAnswer> {
    return this.failed.retryMany(p, queue, body ?? {});
  }

  @Post(':queue/:jobId/retry')
  @HttpCode(200)
  @RequirePermission('operations:write')
  @ApiOperation({ summary: 'Retry one failed job (attempts reset); a job that is not failed is left as it is (result says why). Recorded.' })
  @ApiOkResponse({ type: RetryAnswerResource })
  @ApiNotFoundResponse({ description: "no such queue, or no such job of the caller's tenant" })
  @ApiForbiddenResponse({ description: 'a role without operations:write' })
  retry(@CurrentPrincipal() p: Principal, @Param('queue') queue: string, @Param('jobId') jobId: string): Promise<RetryAnswer> {
    return this.failed.retry(p, queue, jobId);
  }
}

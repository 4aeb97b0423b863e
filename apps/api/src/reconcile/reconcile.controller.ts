import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isUuid, NotFoundError } from '@retell-ops/domain';
import { ReconcileRuns } from '@retell-ops/dialer';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RequirePermission } from '../auth/permissions.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ListReconcileRunsQuery, ReconcileBody, ReconcileRunList, ReconcileRunResource } from './reconcile.dto';

/** Reconciliation with Retell on demand, and the record of every run (docs/reconciliation.md). */
@ApiTags('reconcile')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('api/v1/reconcile')
export class ReconcileController {
  constructor(private readonly runs: ReconcileRuns) {}

  @Post()
  @RequirePermission('operations:write')
  @HttpCode(202)
  @ApiOperation({ summary: "Reconcile a range with Retell's list-calls: the call worker runs it; poll GET /api/v1/reconcile/runs/:id" })
  @ApiAcceptedResponse({ type: ReconcileRunResource })
  @ApiForbiddenResponse({ description: 'a role without operations:write' })
  async request(@CurrentPrincipal() p: Principal, @Body() body: ReconcileBody): Promise<ReconcileRunResource> {
    const to = body.to ? new Date(body.to) : new Date();
    return this.runs.request(p.tenantId, new Date(body.from), to, 'operator', p.userId ? `user:${p.userId}` : `key:${p.apiKeyId}`);
  }

  @Get('runs')
  @RequirePermission('operations:read')
  @ApiOperation({ summary: "The tenant's reconciliation runs, newest first, each with what it found" })
  @ApiOkResponse({ type: ReconcileRunList })
  async list(@CurrentPrincipal() p: Principal, @Query() q: ListReconcileRunsQuery): Promise<ReconcileRunList> {
    const limit = q.limit ?? 50;
    let before: { createdAt: Date; id: string } | undefined;
    if (q.cursor) {
      const last = await this.runs.get(p.tenantId, q.cursor);
      if (!last) throw new NotFoundError('no such run in this tenant (cursor)');
      before = { createdAt: new Date(last.createdAt), id: last.id };
    }
    const data = await this.runs.list(p.tenantId, limit + 1, before);
    const page = data.slice(0, limit);
    return { data: page, nextCursor: data.length > limit ? page[page.length - 1].id : null };
  }

  @Get('runs/:id')
  @RequirePermission('operations:read')
  @ApiOperation({ summary: 'One reconciliation run' })
  @ApiOkResponse({ type: ReconcileRunResource })
  @ApiNotFoundResponse()
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<ReconcileRunResource> {
    const run = isUuid(id) ? await this.runs.get(p.tenantId, id) : undefined;
    if (!run) throw new NotFoundError('no such reconciliation run');
    return run;
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@retell-ops/db';
import { InvalidInputError } from '@retell-ops/domain';
import { QueueProducers, QUEUES, RECONCILE_JOB_OPTIONS, reconcileRunJobId } from '@retell-ops/queue';

export type ReconcileTrigger = 'schedule' | 'operator' | 'cli';
export type ReconcileRunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** The widest range one operator run may read (Retell's list-calls pages it; longer ranges are split by the caller). */
export const MAX_RECONCILE_RANGE_MS = 31 * 86_400_000;

export interface ReconcileRunView {
  id: string;
  tenantId: string;
  trigger: string;
  status: string;
  from: string;
  to: string;
  pages: number;
  callsSeen: number;
  callsFetched: number;
  eventsAdded: Record<string, number>;
  requestsFreed: number;
  errors: string[];
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

type RunRow = Prisma.ReconcileRunGetPayload<object>;

export function runView(r: RunRow): ReconcileRunView {
  return {
    id: r.id,
    tenantId: r.tenantId,
    trigger: r.trigger,
    status: r.status,
    from: r.rangeFrom.toISOString(),
    to: r.rangeTo.toISOString(),
    pages: r.pages,
    callsSeen: r.callsSeen,
    callsFetched: r.callsFetched,
    eventsAdded: (r.eventsAdded ?? {}) as Record<string, number>,
    requestsFreed: r.requestsFreed,
    errors: (r.errors ?? []) as string[],
    requestedBy: r.requestedBy,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Reconciliation runs as operators see them: ask for one over a range (a ReconcileRun row, queued,
 * and its job on the reconcile queue, which the call worker runs), list them, read one.
 */
@Injectable()
export class ReconcileRuns {
  constructor(
    private readonly prisma: PrismaService,
    private readonly producers: QueueProducers,
  ) {}

  async request(tenantId: string, from: Date, to: Date, trigger: Exclude<ReconcileTrigger, 'schedule'>, requestedBy?: string): Promise<ReconcileRunView> {
    if (!(from.getTime() < to.getTime())) throw new InvalidInputError('from must be before to', { field: 'from' });
    if (to.getTime() - from.getTime() > MAX_RECONCILE_RANGE_MS) throw new InvalidInputError('the range may span at most 31 days', { field: 'to' });
    if (from.getTime() > Date.now()) throw new InvalidInputError('from must not be in the future', { field: 'from' });
    const row = await this.prisma.reconcileRun.create({
      data: { tenantId, trigger, status: 'queued', rangeFrom: from, rangeTo: to, requestedBy: requestedBy ?? null },
    });
    await this.producers.add(QUEUES.reconcile, { tenantId, runId: row.id }, { jobId: reconcileRunJobId(row.id), ...RECONCILE_JOB_OPTIONS });
    return runView(row);
  }

  /** The tenant's runs, newest first; `before` (a run id) pages on. */
  async list(tenantId: string, limit: number, before?: { createdAt: Date; id: string }): Promise<ReconcileRunView[]> {
    const rows = await this.prisma.reconcileRun.findMany({
      where: {
        tenantId,
        ...(before && { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(runView);
  }

  async get(tenantId: string, id: string): Promise<ReconcileRunView | undefined> {
    const row = await this.prisma.reconcileRun.findFirst({ where: { id, tenantId } });
    return row ? runView(row) : undefined;
  }
}

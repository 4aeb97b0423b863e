import { Injectable } from '@nestjs/common';
import { PrismaService, type Batch } from '@retell-ops/db';
import { BadTargetsError, BatchIntake, DialRequests, DialStats } from '@retell-ops/dialer';
import { DIAL_REQUEST_GROUPS, DIAL_REQUEST_STATUSES, InvalidInputError, isUuid, NotFoundError, type DialRequestStatus } from '@retell-ops/domain';
import { ActorResolver } from '../audit/actors';
import { createdByOf } from '../audit/created-by';
import type { Principal } from '../auth/principal';
import { keysetPage, readCursor, rowsToFetch } from '../common/keyset-page';
import { badTargets, readBatchUpload } from './batch-upload';
import type { CreateCallBody, ListBatchesQuery, StatsQuery } from './dial.dto';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

@Injectable()
export class DialerService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly requests: DialRequests,
    private readonly intake: BatchIntake,
    private readonly dialStats: DialStats,
    private readonly actors: ActorResolver,
  ) {}

  async createCall(p: Principal, body: CreateCallBody) {
    const { request, callId } = await this.requests.create(p.tenantId, {
      ...body,
      scheduledAt: body.scheduledAt ? new Date(body.scheduledAt) : undefined,
      createdBy: (await this.actors.actorOf(p)) ?? undefined,
    });
    return {
      id: callId,
      dialRequestId: request.id,
      status: request.status === 'scheduled' ? 'scheduled' : 'queued',
      scheduledAt: request.scheduledAt?.toISOString() ?? null,
      priority: request.priority,
      maxAttempts: request.maxAttempts,
    };
  }

  async cancelCall(tenantId: string, callId: string) {
    return { callId, result: await this.requests.cancelCall(tenantId, callId) };
  }

  /**
   * A batch from JSON or CSV, up to 100,000 targets, written in chunks (BatchIntake). Answers with
   * the batch, what was accepted (duplicates collapsed) and whether an earlier request with the
   * same Idempotency-Key had made it (`replayed`).
   */
  async createBatch(p: Principal, upload: { contentType?: string; body: unknown; query: Record<string, unknown>; idempotencyKey?: string }) {
    const tenantId = p.tenantId;
    const key = upload.idempotencyKey?.trim();
    if (key !== undefined && (key.length < 1 || key.length > 200))
      throw new InvalidInputError('Idempotency-Key must be 1 to 200 characters', { field: 'Idempotency-Key' });
    const { options, targets, rowLabel } = await readBatchUpload(upload.contentType, upload.body, upload.query);
    if (targets.badCount) throw badTargets(targets.bad, targets.badCount);
    const window = options.window ? { start: minutes(options.window.start), end: minutes(options.window.end), timeZone: options.window.timeZone } : undefined;
    if (window && window.start >= window.end)
      throw new InvalidInputError('window.start must be before window.end (windows do not cross midnight)', { field: 'window.start' });
    let accepted;
    try {
      accepted = await this.intake.accept(tenantId, {
        ...options,
        window,
        targets: targets.targets,
        rowLabel,
        idempotencyKey: key,
        scheduledAt: options.scheduledAt ? new Date(options.scheduledAt) : undefined,
        createdBy: (await this.actors.actorOf(p)) ?? undefined,
      });
    } catch (e) {
      if (e instanceof BadTargetsError) throw badTargets(e.bad, e.badCount);
      throw e;
    }
    const { batchId, ...summary } = accepted;
    return { ...(await this.batch(tenantId, batchId)), accepted: summary };
  }

  async batch(tenantId: string, batchId: string) {
    const batch = isUuid(batchId) ? await this.prisma.batch.findFirst({ where: { id: batchId, tenantId } }) : null;
    if (!batch) throw new NotFoundError(`no batch '${batchId}'`);
    const [shown] = await this.withProgress([batch]);
    return shown;
  }

  /** The tenant's batches, newest first, each with its progress; `nextCursor` pages. */
  async listBatches(tenantId: string, q: ListBatchesQuery) {
    const cursor = readCursor(q.cursor);
    const rows = await this.prisma.batch.findMany({
      where: { tenantId, ...(cursor && { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] }) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: rowsToFetch(q),
    });
    const page = keysetPage(
      rows,
      q,
      (b) => ({ at: b.createdAt, id: b.id }),
      (b) => b,
    );
    return { data: await this.withProgress(page.data), nextCursor: page.nextCursor };
  }

  private async withProgress(batches: Batch[]) {
    const counts = batches.length
      ? await this.prisma.dialRequest.groupBy({ by: ['batchId', 'status'], where: { batchId: { in: batches.map((b) => b.id) } }, _count: { _all: true } })
      : [];
    const hhmm = (m: number | null) => (m === null ? null : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    return batches.map((batch) => {
      const mine = counts.filter((c) => c.batchId === batch.id);
      const n = (statuses: readonly DialRequestStatus[]) =>
        mine.filter((c) => statuses.includes(c.status as DialRequestStatus)).reduce((sum, c) => sum + c._count._all, 0);
      return {
        id: batch.id,
        name: batch.name,
        status: batch.status,
        maxConcurrent: batch.maxConcurrent,
        window: batch.windowStart === null ? null : { start: hhmm(batch.windowStart), end: hhmm(batch.windowEnd), timeZone: batch.timeZone },
        progress: {
          total: n(DIAL_REQUEST_STATUSES),
          queued: n(DIAL_REQUEST_GROUPS.waiting),
          live: n(DIAL_REQUEST_GROUPS.holdingSlot),
          completed: n(['completed']),
          failed: n(['failed']),
          cancelled: n(['cancelled']),
        },
        createdAt: batch.createdAt.toISOString(),
        completedAt: batch.completedAt?.toISOString() ?? null,
        cancelledAt: batch.cancelledAt?.toISOString() ?? null,
        createdBy: createdByOf(batch),
      };
    });
  }

  async cancelBatch(tenantId: string, batchId: string) {
    if (!isUuid(batchId)) throw new NotFoundError(`no batch '${batchId}'`);
    const { cancelled } = await this.requests.cancelBatch(tenantId, batchId);
    return { ...(await this.batch(tenantId, batchId)), cancelledNow: cancelled };
  }

  stats(tenantId: string, q: StatsQuery) {
    return this.dialStats.report(tenantId, {
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      agentId: q.agentId,
      batchId: q.batchId,
    });
  }
}

import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Prisma, PrismaService, type Batch } from '@retell-ops/db';
import { DialInputError, DialRequests } from '@retell-ops/dialer';
import { DIAL_REQUEST_GROUPS, DIAL_REQUEST_STATUSES, isUuid, type DialRequestStatus } from '@retell-ops/domain';
import { decodeCursor, encodeCursor } from '../calls/cursor';
import type { CreateBatchBody, CreateCallBody, ListBatchesQuery, StatsQuery } from './dial.dto';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function http(e: unknown): never {
  if (e instanceof DialInputError) {
    if (e.kind === 'not_found') throw new NotFoundException(e.message);
    if (e.kind === 'conflict') throw new ConflictException(e.message);
    throw new BadRequestException(e.message);
  }
  throw e;
}

@Injectable()
export class DialerService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly requests: DialRequests,
  ) {}

  async createCall(tenantId: string, body: CreateCallBody) {
    const { request, callId } = await this.requests.create(tenantId, { ...body, scheduledAt: body.scheduledAt ? new Date(body.scheduledAt) : undefined }).catch(http);
    return { id: callId, dialRequestId: request.id, status: request.status === 'scheduled' ? 'scheduled' : 'queued', scheduledAt: request.scheduledAt?.toISOString() ?? null, priority: request.priority, maxAttempts: request.maxAttempts };
  }

  async cancelCall(tenantId: string, callId: string) {
    return { callId, result: await this.requests.cancelCall(tenantId, callId).catch(http) };
  }

  async createBatch(tenantId: string, body: CreateBatchBody) {
    const targets = body.targets.map((t, i) => {
      if (!t.toNumber && !t.candidateId) throw new BadRequestException(`targets.${i} needs toNumber or candidateId`);
      return t;
    });
    const window = body.window ? { start: minutes(body.window.start), end: minutes(body.window.end), timeZone: body.window.timeZone } : undefined;
    if (window && window.start >= window.end) throw new BadRequestException('window.start must be before window.end (windows do not cross midnight)');
    const { batchId } = await this.requests
      .createBatch(tenantId, { ...body, window, targets, scheduledAt: body.scheduledAt ? new Date(body.scheduledAt) : undefined })
      .catch(http);
    return this.batch(tenantId, batchId);
  }

  async batch(tenantId: string, batchId: string) {
    const batch = isUuid(batchId) ? await this.prisma.batch.findFirst({ where: { id: batchId, tenantId } }) : null;
    if (!batch) throw new NotFoundException(`no batch '${batchId}'`);
    const [shown] = await this.withProgress([batch]);
    return shown;
  }

  /** The tenant's batches, newest first, each with its progress; `nextCursor` pages. */
  async listBatches(tenantId: string, q: ListBatchesQuery) {
    const limit = q.limit ?? 50;
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw new BadRequestException('cursor is not one this API issued');
    const rows = await this.prisma.batch.findMany({
      where: { tenantId, ...(cursor && { OR: [{ createdAt: { lt: cursor.occurredAt } }, { createdAt: cursor.occurredAt, id: { lt: cursor.id } }] }) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { data: await this.withProgress(page), nextCursor: rows.length > limit && last ? encodeCursor({ occurredAt: last.createdAt, id: last.id }) : null };
  }

  private async withProgress(batches: Batch[]) {
    const counts = batches.length
      ? await this.prisma.dialRequest.groupBy({ by: ['batchId', 'status'], where: { batchId: { in: batches.map((b) => b.id) } }, _count: { _all: true } })
      : [];
    const hhmm = (m: number | null) => (m === null ? null : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    return batches.map((batch) => {
      const mine = counts.filter((c) => c.batchId === batch.id);
      const n = (statuses: readonly DialRequestStatus[]) => mine.filter((c) => statuses.includes(c.status as DialRequestStatus)).reduce((sum, c) => sum + c._count._all, 0);
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
      };
    });
  }

  async cancelBatch(tenantId: string, batchId: string) {
    if (!isUuid(batchId)) throw new NotFoundException(`no batch '${batchId}'`);
    const { cancelled } = await this.requests.cancelBatch(tenantId, batchId).catch(http);
    return { ...(await this.batch(tenantId, batchId)), cancelledNow: cancelled };
  }

  /** Calls in a range: volume, success rate (successful among analysed calls), outcomes, average duration; by day, agent and batch. */
  async stats(tenantId: string, q: StatsQuery) {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * 86_400_000);
    if (from >= to) throw new BadRequestException('from must be before to');
    const where = Prisma.sql`c."tenantId" = ${tenantId}::uuid AND c."occurredAt" >= ${from} AND c."occurredAt" < ${to}
      ${q.agentId ? Prisma.sql`AND c."agentId" = ${q.agentId}` : Prisma.empty}
      ${q.batchId ? (isUuid(q.batchId) ? Prisma.sql`AND r."batchId" = ${q.batchId}::uuid` : Prisma.sql`AND false`) : Prisma.empty}`;
    const base = Prisma.sql`FROM "Call" c LEFT JOIN "DialRequest" r ON r."id" = c."dialRequestId" WHERE ${where}`;
    const measures = Prisma.sql`count(*)::int AS "calls",
      count(*) FILTER (WHERE c."status" = 'completed')::int AS "completed",
      count(*) FILTER (WHERE c."status" = 'failed')::int AS "failed",
      count(*) FILTER (WHERE c."successful" IS TRUE)::int AS "successful",
      count(*) FILTER (WHERE c."successful" IS NOT NULL)::int AS "analysed",
      round(avg(c."durationMs") FILTER (WHERE c."durationMs" > 0))::int AS "avgDurationMs"`;
    type Row = { calls: number; completed: number; failed: number; successful: number; analysed: number; avgDurationMs: number | null };
    const shape = (r: Row) => ({ ...r, successRate: r.analysed ? Math.round((r.successful / r.analysed) * 1000) / 1000 : null });

    const [totals] = await this.prisma.$queryRaw<Row[]>`SELECT ${measures} ${base}`;
    const outcomes = await this.prisma.$queryRaw<Array<{ outcome: string | null; calls: number }>>`SELECT c."outcome", count(*)::int AS "calls" ${base} GROUP BY 1 ORDER BY 2 DESC`;
    const byDay = await this.prisma.$queryRaw<Array<Row & { day: string }>>`SELECT to_char(date_trunc('day', c."occurredAt" AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS "day", ${measures} ${base} GROUP BY 1 ORDER BY 1`;
    const byAgent = await this.prisma.$queryRaw<Array<Row & { agentId: string | null }>>`SELECT c."agentId", ${measures} ${base} GROUP BY 1 ORDER BY 2 DESC`;
    const byBatch = await this.prisma.$queryRaw<Array<Row & { batchId: string | null }>>`SELECT r."batchId", ${measures} ${base} GROUP BY 1 ORDER BY 2 DESC`;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      totals: shape(totals),
      outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome ?? 'none', o.calls])),
      byDay: byDay.map(shape),
      byAgent: byAgent.map(shape),
      byBatch: byBatch.map(shape),
    };
  }
}

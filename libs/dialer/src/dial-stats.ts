import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@retell-ops/db';
import { InvalidInputError, isUuid } from '@retell-ops/domain';

const DEFAULT_RANGE_MS = 30 * 86_400_000;

export interface DialStatsFilter {
  /** Default: 30 days before `to` */
  from?: Date;
  /** Exclusive; default: now */
  to?: Date;
  agentId?: string;
  /** Only calls placed for this batch (an id that is no uuid matches nothing) */
  batchId?: string;
}

export interface CallMeasures {
  calls: number;
  completed: number;
  failed: number;
  successful: number;
  analysed: number;
  avgDurationMs: number | null;
  /** Successful among analysed calls, to three decimals; null when none was analysed */
  successRate: number | null;
  /** What the calls cost, in cents (Call.costCents, fractions kept to four places); 0 when none has a cost yet */
  costCents: number;
  /** Average cost of the calls that have one, in cents; null when none has */
  avgCostCents: number | null;
}

export interface DialStatsReport {
  from: string;
  to: string;
  totals: CallMeasures;
  /** Calls per outcome; `none` for calls without one yet */
  outcomes: Record<string, number>;
  byDay: Array<CallMeasures & { day: string }>;
  byAgent: Array<CallMeasures & { agentId: string | null }>;
  byBatch: Array<CallMeasures & { batchId: string | null }>;
}

type Row = Omit<CallMeasures, 'successRate'>;

const withRate = <R extends Row>(r: R): R & { successRate: number | null } => ({
  ...r,
  successRate: r.analysed ? Math.round((r.successful / r.analysed) * 1000) / 1000 : null,
});

/** A tenant's calls in a time range: volume, success rate, outcomes, average duration and cost; in all, by UTC day, agent and batch. */
@Injectable()
export class DialStats {
  constructor(private readonly prisma: PrismaService) {}

  async report(tenantId: string, filter: DialStatsFilter): Promise<DialStatsReport> {
    const to = filter.to ?? new Date();
    const from = filter.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from >= to) throw new InvalidInputError('from must be before to', { field: 'from' });
    const where = Prisma.sql`c."tenantId" = ${tenantId}::uuid AND c."occurredAt" >= ${from} AND c."occurredAt" < ${to}
      ${filter.agentId ? Prisma.sql`AND c."agentId" = ${filter.agentId}` : Prisma.empty}
      ${filter.batchId ? (isUuid(filter.batchId) ? Prisma.sql`AND r."batchId" = ${filter.batchId}::uuid` : Prisma.sql`AND false`) : Prisma.empty}`;
    const base = Prisma.sql`FROM "Call" c LEFT JOIN "DialRequest" r ON r."id" = c."dialRequestId" WHERE ${where}`;
    const measures = Prisma.sql`count(*)::int AS "calls",
      count(*) FILTER (WHERE c."status" = 'completed')::int AS "completed",
      count(*) FILTER (WHERE c."status" = 'failed')::int AS "failed",
      count(*) FILTER (WHERE c."successful" IS TRUE)::int AS "successful",
      count(*) FILTER (WHERE c."successful" IS NOT NULL)::int AS "analysed",
      round(avg(c."durationMs") FILTER (WHERE c."durationMs" > 0))::int AS "avgDurationMs",
      coalesce(round(sum(c."costCents"), 4), 0)::float8 AS "costCents",
      round(avg(c."costCents"), 4)::float8 AS "avgCostCents"`;

    const [totals] = await this.prisma.$queryRaw<Row[]>`SELECT ${measures} ${base}`;
    const outcomes = await this.prisma.$queryRaw<
      Array<{ outcome: string | null; calls: number }>
    >`SELECT c."outcome", count(*)::int AS "calls" ${base} GROUP BY 1 ORDER BY 2 DESC`;
    const byDay = await this.prisma.$queryRaw<
      Array<Row & { day: string }>
    >`SELECT to_char(date_trunc('day', c."occurredAt" AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS "day", ${measures} ${base} GROUP BY 1 ORDER BY 1`;
    const byAgent = await this.prisma.$queryRaw<Array<Row & { agentId: string | null }>>`SELECT c."agentId", ${measures} ${base} GROUP BY 1 ORDER BY 2 DESC`;
    const byBatch = await this.prisma.$queryRaw<Array<Row & { batchId: string | null }>>`SELECT r."batchId", ${measures} ${base} GROUP BY 1 ORDER BY 2 DESC`;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      totals: withRate(totals),
      outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome ?? 'none', o.calls])),
      byDay: byDay.map(withRate),
      byAgent: byAgent.map(withRate),
      byBatch: byBatch.map(withRate),
    };
  }
}

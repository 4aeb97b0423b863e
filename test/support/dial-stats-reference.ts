import { Prisma, type PrismaClient } from '@retell-ops/db';
import { isUuid } from '@retell-ops/domain';
import type { CallMeasures, DialStatsReport } from '@retell-ops/dialer';

type Row = Omit<CallMeasures, 'successRate'>;

const withRate = <R extends Row>(r: R): R & { successRate: number | null } => ({
  ...r,
  successRate: r.analysed ? Math.round((r.successful / r.analysed) * 1000) / 1000 : null,
});

/**
 * The stats report as it was computed before the rollup: every figure straight from the Call rows.
 * Kept as the reference the rollup-backed report must equal (stats-rollup test).
 */
export async function referenceStatsReport(
  prisma: PrismaClient,
  tenantId: string,
  from: Date,
  to: Date,
  filter: { agentId?: string; batchId?: string } = {},
): Promise<DialStatsReport> {
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

  const [totals] = await prisma.$queryRaw<Row[]>`SELECT ${measures} ${base}`;
  const outcomes = await prisma.$queryRaw<
    Array<{ outcome: string | null; calls: number }>
  >`SELECT c."outcome", count(*)::int AS "calls" ${base} GROUP BY 1 ORDER BY 2 DESC`;
  const byDay = await prisma.$queryRaw<
    Array<Row & { day: string }>
  >`SELECT to_char(date_trunc('day', c."occurredAt" AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS "day", ${measures} ${base} GROUP BY 1 ORDER BY 1`;
  const byAgent = await prisma.$queryRaw<Array<Row & { agentId: string | null }>>`SELECT c."agentId", ${measures} ${base} GROUP BY 1 ORDER BY 2 DESC`;
  const byBatch = await prisma.$queryRaw<Array<Row & { batchId: string | null }>>`SELECT r."batchId", ${measures} ${base} GROUP BY 1 ORDER BY 2 DESC`;
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

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

/** GROUPING(day, agentId, batchId, outcome) of each grouping set: a bit is 1 where the column is not grouped. */
const SET = { totals: 0b1111, outcome: 0b1110, day: 0b0111, agent: 0b1011, batch: 0b1101 } as const;

type SetRow = Row & { set: number; day: string | null; agentId: string | null; batchId: string | null; outcome: string | null };

const DAY_MS = 86_400_000;
const startOfUtcDay = (t: Date) => new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS);
const dateOnly = (t: Date) => t.toISOString().slice(0, 10);

/** Larger counts first; equal counts in key order, so equal data gives equal answers. */
const byCallsThenKey =
  <R extends { calls: number }>(key: (r: R) => string | null) =>
  (a: R, b: R) =>
    b.calls - a.calls || (key(a) ?? '').localeCompare(key(b) ?? '') || Number(key(a) !== null) - Number(key(b) !== null);

/** The whole UTC days [firstDay, endDay) of a range, and its partial days [from, leftEnd) and [rightStart, to). */
export function statsWindow(from: Date, to: Date) {
  const firstDay = startOfUtcDay(new Date(from.getTime() + DAY_MS - 1));
  // none when the range lies inside one or two partial days
  const endDay = new Date(Math.max(startOfUtcDay(to).getTime(), firstDay.getTime()));
  const leftEnd = new Date(Math.min(firstDay.getTime(), to.getTime()));
  const rightStart = new Date(Math.max(endDay.getTime(), leftEnd.getTime()));
  return { from, to, firstDay, endDay, leftEnd, rightStart };
}
type StatsWindow = ReturnType<typeof statsWindow>;

/** The days of the window's whole days still marked dirty, 'YYYY-MM-DD'. */
export const dirtyDaysQuery = (tenantId: string, w: StatsWindow) => Prisma.sql`
  SELECT DISTINCT to_char("day", 'YYYY-MM-DD') AS "day" FROM "StatDirtyDay"
  WHERE "tenantId" = ${tenantId}::uuid AND "day" >= ${dateOnly(w.firstDay)}::date AND "day" < ${dateOnly(w.endDay)}::date`;

/** The time ranges read from the calls: the partial days and the dirty days, adjacent ones merged. */
function callRanges(w: StatsWindow, dirtyDays: string[]): Array<[Date, Date]> {
  const ranges: Array<[Date, Date]> = [
    [w.from, w.leftEnd],
    [w.rightStart, w.to],
    ...dirtyDays.map((d): [Date, Date] => [new Date(`${d}T00:00:00Z`), new Date(Date.parse(`${d}T00:00:00Z`) + DAY_MS)]),
  ];
  const merged: Array<[Date, Date]> = [];
  for (const r of ranges.filter(([lo, hi]) => lo < hi).sort((x, y) => x[0].getTime() - y[0].getTime())) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = r[1] > last[1] ? r[1] : last[1];
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/**
 * The report's statement: the rollup's rows for the whole UTC days of the window not marked dirty,
 * and the calls of the partial days and of the dirty days (each range with constant bounds, so the
 * planner sees how little of Call it reads), summed by GROUPING SETS into totals, outcomes, days,
 * agents and batches (a row's `set` says which). `dirtyDays` must be read in the same snapshot.
 */
export function statsReportQuery(tenantId: string, filter: DialStatsFilter & { from: Date; to: Date }, dirtyDays: string[] = []): Prisma.Sql {
  const w = statsWindow(filter.from, filter.to);
  if (!(filter.batchId === undefined || isUuid(filter.batchId)))
    return Prisma.sql`SELECT ${SET.totals}::int AS "set", 0 AS "calls", 0 AS "completed",
    0 AS "failed", 0 AS "successful", 0 AS "analysed", NULL::int AS "avgDurationMs", 0::float8 AS "costCents", NULL::float8 AS "avgCostCents"`;
  const callFilter = Prisma.sql`${filter.agentId ? Prisma.sql`AND c."agentId" = ${filter.agentId}` : Prisma.empty}
      ${filter.batchId ? Prisma.sql`AND r."batchId" = ${filter.batchId}::uuid` : Prisma.empty}`;
  const rollupFilter = Prisma.sql`${filter.agentId ? Prisma.sql`AND s."agentId" = ${filter.agentId}` : Prisma.empty}
      ${filter.batchId ? Prisma.sql`AND s."batchId" = ${filter.batchId}::uuid` : Prisma.empty}`;
  const parts: Prisma.Sql[] = [];
  if (w.firstDay < w.endDay)
    parts.push(Prisma.sql`
      SELECT s."day", s."agentId", s."batchId", s."outcome", s."calls", s."completed", s."failed", s."successful", s."analysed",
        s."durationSumMs", s."durationCount", s."costSumCents", s."costCount"
      FROM "CallDayStat" s
      WHERE s."tenantId" = ${tenantId}::uuid AND s."day" >= ${dateOnly(w.firstDay)}::date AND s."day" < ${dateOnly(w.endDay)}::date
        AND s."day" <> ALL(${dirtyDays}::date[]) ${rollupFilter}`);
  for (const [lo, hi] of callRanges(w, dirtyDays))
    parts.push(Prisma.sql`
      SELECT (c."occurredAt" AT TIME ZONE 'UTC')::date, c."agentId", r."batchId", c."outcome", 1,
        (c."status" = 'completed')::int, (c."status" = 'failed')::int, (c."successful" IS TRUE)::int, (c."successful" IS NOT NULL)::int,
        CASE WHEN c."durationMs" > 0 THEN c."durationMs" END, CASE WHEN c."durationMs" > 0 THEN 1 ELSE 0 END,
        c."costCents", (c."costCents" IS NOT NULL)::int
      FROM "Call" c LEFT JOIN "DialRequest" r ON r."id" = c."dialRequestId"
      WHERE c."tenantId" = ${tenantId}::uuid AND c."occurredAt" >= ${lo} AND c."occurredAt" < ${hi} ${callFilter}`);
  return Prisma.sql`
    SELECT GROUPING("day", "agentId", "batchId", "outcome") AS "set", to_char("day", 'YYYY-MM-DD') AS "day", "agentId", "batchId", "outcome",
      coalesce(sum("calls"), 0)::int AS "calls", coalesce(sum("completed"), 0)::int AS "completed", coalesce(sum("failed"), 0)::int AS "failed",
      coalesce(sum("successful"), 0)::int AS "successful", coalesce(sum("analysed"), 0)::int AS "analysed",
      round(sum("durationSumMs")::numeric / nullif(sum("durationCount"), 0))::int AS "avgDurationMs",
      coalesce(round(sum("costSumCents"), 4), 0)::float8 AS "costCents",
      round(sum("costSumCents") / nullif(sum("costCount"), 0), 4)::float8 AS "avgCostCents"
    FROM (${Prisma.join(parts, ' UNION ALL ')}) AS parts ("day", "agentId", "batchId", "outcome", "calls", "completed", "failed", "successful", "analysed",
      "durationSumMs", "durationCount", "costSumCents", "costCount")
    GROUP BY GROUPING SETS ((), ("outcome"), ("day"), ("agentId"), ("batchId"))`;
}

/**
 * A tenant's calls in a time range: volume, success rate, outcomes, average duration and cost; in
 * all, by UTC day, agent and batch. Whole UTC days come from CallDayStat (the rollup,
 * docs/stats.md); the partial days at either end and the days still marked dirty come from the
 * Call rows, in one snapshot, so every figure equals one computed from the calls alone.
 */
@Injectable()
export class DialStats {
  constructor(private readonly prisma: PrismaService) {}

  async report(tenantId: string, filter: DialStatsFilter): Promise<DialStatsReport> {
    const to = filter.to ?? new Date();
    const from = filter.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from >= to) throw new InvalidInputError('from must be before to', { field: 'from' });
    // Repeatable read: the dirty days and the rollup rows from one snapshot.
    const rows = await this.prisma.$transaction(
      async (tx) => {
        const dirty = await tx.$queryRaw<Array<{ day: string }>>(dirtyDaysQuery(tenantId, statsWindow(from, to)));
        return tx.$queryRaw<SetRow[]>(
          statsReportQuery(
            tenantId,
            { ...filter, from, to },
            dirty.map((d) => d.day),
          ),
        );
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    const measures = ({ set: _s, day: _d, agentId: _a, batchId: _b, outcome: _o, ...m }: SetRow): Row => m;
    const of = (set: number) => rows.filter((r) => r.set === set);
    const totals = of(SET.totals)[0];
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      totals: withRate(measures(totals)),
      outcomes: Object.fromEntries(
        of(SET.outcome)
          .sort(byCallsThenKey((r) => r.outcome))
          .map((o) => [o.outcome ?? 'none', o.calls]),
      ),
      byDay: of(SET.day)
        .sort((a, b) => String(a.day).localeCompare(String(b.day)))
        .map((r) => withRate({ day: String(r.day), ...measures(r) })),
      byAgent: of(SET.agent)
        .sort(byCallsThenKey((r) => r.agentId))
        .map((r) => withRate({ agentId: r.agentId, ...measures(r) })),
      byBatch: of(SET.batch)
        .sort(byCallsThenKey((r) => r.batchId))
        .map((r) => withRate({ batchId: r.batchId, ...measures(r) })),
    };
  }
}

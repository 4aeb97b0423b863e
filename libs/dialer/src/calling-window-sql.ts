import { Prisma } from '@retell-ops/db';

export interface WindowColumns {
  /** minutes since local midnight, inclusive (null: no window) */
  start: Prisma.Sql;
  /** minutes since local midnight, exclusive */
  end: Prisma.Sql;
  /**
   * The window's zone if PostgreSQL knows it, else null (e.g. a join on pg_timezone_names): an
   * unknown zone given to AT TIME ZONE raises, and CASE does not stop the planner from folding it.
   */
  knownZone: Prisma.Sql;
}

/**
 * The rule of `withinCallingWindow` (libs/domain calling-window.ts) as a SQL boolean, so the
 * dispatcher can filter in the query: inside [start, end) counted in the zone at `at`; no window
 * always; an unknown zone never. A test holds the two to the same table of cases.
 */
export function withinCallingWindowSql(at: Date | Prisma.Sql, w: WindowColumns): Prisma.Sql {
  const instant = at instanceof Date ? Prisma.sql`${at}::timestamptz` : at;
  const local = Prisma.sql`(${instant} AT TIME ZONE coalesce(${w.knownZone}, 'UTC'))`;
  const minute = Prisma.sql`(extract(hour FROM ${local}) * 60 + extract(minute FROM ${local}))`;
  return Prisma.sql`(CASE
    WHEN ${w.start} IS NULL OR ${w.end} IS NULL THEN true
    WHEN ${w.knownZone} IS NULL THEN false
    ELSE ${minute} >= ${w.start} AND ${minute} < ${w.end}
  END)`;
}

import { Prisma } from '@retell-ops/db';

export interface WindowColumns {
  /** minutes since local midnight, inclusive (null: no window) */
  start: Prisma.Sql;
  /** minutes since local midnight, exclusive */
  end: Prisma.Sql;
  /** IANA zone the minutes are counted in (null: UTC) */
  zone: Prisma.Sql;
  /** true when PostgreSQL knows the zone (an unknown zone makes AT TIME ZONE raise) */
  zoneKnown: Prisma.Sql;
}

/**
 * The rule of `withinCallingWindow` (libs/domain calling-window.ts) as a SQL boolean, so the
 * dispatcher can filter in the query: inside [start, end) counted in the zone at `at`; no window
 * always; an unknown zone never. A test holds the two to the same table of cases.
 */
export function withinCallingWindowSql(at: Date, w: WindowColumns): Prisma.Sql {
  const local = Prisma.sql`(${at}::timestamptz AT TIME ZONE coalesce(${w.zone}, 'UTC'))`;
  return Prisma.sql`(CASE
    WHEN ${w.start} IS NULL OR ${w.end} IS NULL THEN true
    WHEN NOT (${w.zoneKnown}) THEN false
    ELSE (extract(hour FROM ${local}) * 60 + extract(minute FROM ${local})) >= ${w.start}
     AND (extract(hour FROM ${local}) * 60 + extract(minute FROM ${local})) < ${w.end}
  END)`;
}

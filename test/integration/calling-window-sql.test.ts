import { createPrismaClient, Prisma, type PrismaClient } from '@retell-ops/db';
import { withinCallingWindowSql } from '@retell-ops/dialer';
import { withinCallingWindow } from '@retell-ops/domain';
import { testEnv } from '../support/test-env';

/** The dispatcher filters windows in SQL; the pure rule in libs/domain is the truth. They must agree. */
describe('calling window: SQL and the pure rule agree', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  beforeAll(() => (prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL })));
  afterAll(() => prisma.$disconnect());

  const zones = ['UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Mars/Olympus'];
  const windows: Array<[number, number] | null> = [
    null,
    [0, 1440],
    [9 * 60, 17 * 60],
    [8 * 60 + 30, 8 * 60 + 31],
    [0, 1],
    [23 * 60 + 59, 1440],
    [12 * 60, 12 * 60],
  ];
  // DST changes, half- and quarter-hour zones, the edges of a day, and instants around now.
  const instants = [
    '2026-03-08T06:59:00Z',
    '2026-03-08T07:00:00Z',
    '2026-03-29T00:59:00Z',
    '2026-03-29T01:00:00Z',
    '2026-11-01T05:30:00Z',
    '2026-11-01T06:30:00Z',
    '2026-07-06T03:00:00Z',
    '2026-07-06T13:00:00Z',
    '2026-07-06T20:59:59Z',
    '2026-07-06T21:00:00Z',
    '2026-01-05T14:00:00Z',
    '2026-01-05T22:00:00Z',
    '2026-01-05T23:59:30Z',
    '2026-01-06T00:00:00Z',
    '2026-04-05T15:30:00Z',
    '2026-04-05T16:00:00Z',
  ].map((s) => new Date(s));
  for (let h = 0; h < 24; h += 1) instants.push(new Date(Date.now() + h * 3600_000 + 17 * 60_000));

  const cases = instants.flatMap((at) => zones.flatMap((timeZone) => windows.map((w) => ({ at, window: w ? { start: w[0], end: w[1], timeZone } : null }))));

  it(`agrees on ${cases.length} instants × zones × windows`, async () => {
    const values = Prisma.join(
      cases.map(
        (c, i) =>
          Prisma.sql`(${i}::int, ${c.at}::timestamptz, ${c.window?.start ?? null}::int, ${c.window?.end ?? null}::int, ${c.window?.timeZone ?? null}::text)`,
      ),
    );
    const open = withinCallingWindowSql(Prisma.sql`c."at"`, {
      start: Prisma.sql`c."start"`,
      end: Prisma.sql`c."end"`,
      knownZone: Prisma.sql`CASE WHEN c."zone" IS NULL THEN 'UTC' ELSE z."name" END`,
    });
    const rows = await prisma.$queryRaw<Array<{ i: number; open: boolean }>>`
      WITH cases("i", "at", "start", "end", "zone") AS (VALUES ${values}),
      zones AS (SELECT "name" FROM pg_timezone_names WHERE "name" IN (SELECT "zone" FROM cases))
      SELECT c."i", ${open} AS "open" FROM cases c LEFT JOIN zones z ON z."name" = c."zone" ORDER BY c."i"`;
    expect(rows).toHaveLength(cases.length);
    const disagreements = rows
      .filter((r) => r.open !== withinCallingWindow(cases[r.i].at, cases[r.i].window))
      .map((r) => `${cases[r.i].at.toISOString()} ${JSON.stringify(cases[r.i].window)}: sql ${r.open}`);
    expect(disagreements).toEqual([]);
    // the table is not trivial: both answers occur
    expect(new Set(cases.map((c) => withinCallingWindow(c.at, c.window)))).toEqual(new Set([true, false]));
  });
});

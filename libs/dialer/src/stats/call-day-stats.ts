import type { Pool, PoolClient } from 'pg';

/** Taken by whoever rewrites CallDayStat rows, so replicas never recompute one day at once (pg_advisory_xact_lock). */
const ROLLUP_LOCK = 0x5ca1_ab1e;

/** Days recomputed per transaction, so one run never holds its locks long. */
const DAYS_PER_TRANSACTION = 200;

/**
 * The CallDayStat rows of the given (tenant, day) pairs, from the Call rows: `$1` tenant ids,
 * `$2` days, paired by position. One statement, so it reads the calls in one snapshot.
 */
const RECOMPUTE = `
  WITH d AS (SELECT DISTINCT t, day FROM unnest($1::uuid[], $2::date[]) AS u(t, day))
  INSERT INTO "CallDayStat" ("tenantId", "day", "agentId", "batchId", "outcome", "calls", "completed", "failed", "successful", "analysed",
    "durationSumMs", "durationCount", "costSumCents", "costCount")
  SELECT d.t, d.day, c."agentId", r."batchId", c."outcome",
    count(*), count(*) FILTER (WHERE c."status" = 'completed'), count(*) FILTER (WHERE c."status" = 'failed'),
    count(*) FILTER (WHERE c."successful" IS TRUE), count(*) FILTER (WHERE c."successful" IS NOT NULL),
    coalesce(sum(c."durationMs") FILTER (WHERE c."durationMs" > 0), 0), count(*) FILTER (WHERE c."durationMs" > 0),
    coalesce(sum(c."costCents"), 0), count(c."costCents")
  FROM d
  JOIN "Call" c ON c."tenantId" = d.t AND c."occurredAt" >= (d.day::timestamp AT TIME ZONE 'UTC') AND c."occurredAt" < ((d.day + 1)::timestamp AT TIME ZONE 'UTC')
  LEFT JOIN "DialRequest" r ON r."id" = c."dialRequestId"
  GROUP BY d.t, d.day, c."agentId", r."batchId", c."outcome"`;

const DELETE_ROWS = `
  DELETE FROM "CallDayStat" s USING unnest($1::uuid[], $2::date[]) AS u(t, day) WHERE s."tenantId" = u.t AND s."day" = u.day`;

export interface RollupResult {
  /** (tenant, day) pairs recomputed */
  days: number;
  /** False when another process held the rollup lock (it does the work) */
  ran: boolean;
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/**
 * Recomputes the days marked dirty (StatDirtyDay), up to `maxDays`, oldest marks first. Each
 * transaction removes the marks it can see (committed ones: their calls are visible to the next
 * statement), then replaces those days' rows from the calls. Exact whatever the order or number of
 * the changes that marked them; marks committed meanwhile stay for the next run.
 */
export async function rollUpDirtyDays(pool: Pool, opts: { maxDays?: number } = {}): Promise<RollupResult> {
  const maxDays = opts.maxDays ?? 10_000;
  let days = 0;
  while (days < maxDays) {
    const step = await inTransaction(pool, async (client) => {
      const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [ROLLUP_LOCK]);
      if (!lock.rows[0].ok) return null;
      const taken = await client.query<{ tenantId: string; day: string }>(
        `WITH picked AS (SELECT DISTINCT "tenantId", "day" FROM "StatDirtyDay" ORDER BY "day", "tenantId" LIMIT $1)
         DELETE FROM "StatDirtyDay" m USING picked p WHERE m."tenantId" = p."tenantId" AND m."day" = p."day"
         RETURNING m."tenantId", to_char(m."day", 'YYYY-MM-DD') AS "day"`,
        [Math.min(DAYS_PER_TRANSACTION, maxDays - days)],
      );
      const unique = new Map(taken.rows.map((r) => [`${r.tenantId}/${r.day}`, r]));
      if (!unique.size) return 0;
      const params = [[...unique.values()].map((r) => r.tenantId), [...unique.values()].map((r) => r.day)];
      await client.query(DELETE_ROWS, params);
      await client.query(RECOMPUTE, params);
      return unique.size;
    });
    if (step === null) return { days, ran: false };
    if (step === 0) break;
    days += step;
  }
  return { days, ran: true };
}

/**
 * Rebuilds a tenant's rows (every tenant's without `tenantId`) from its calls, day by day, and
 * drops rows of days that have no call any more. For data written around the triggers (COPY with
 * triggers off, TRUNCATE) and after a restore; returns the days recomputed.
 */
export async function rebuildCallDayStats(pool: Pool, opts: { tenantId?: string } = {}): Promise<number> {
  const tenantFilter = opts.tenantId ? `WHERE "tenantId" = $1::uuid` : '';
  const args = opts.tenantId ? [opts.tenantId] : [];
  const { rows } = await pool.query<{ tenantId: string; day: string }>(
    `SELECT DISTINCT "tenantId", to_char(("occurredAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS "day" FROM "Call" ${tenantFilter}
     UNION SELECT DISTINCT "tenantId", to_char("day", 'YYYY-MM-DD') FROM "CallDayStat" ${tenantFilter}`,
    args,
  );
  let done = 0;
  for (let i = 0; i < rows.length; i += DAYS_PER_TRANSACTION) {
    const slice = rows.slice(i, i + DAYS_PER_TRANSACTION);
    const params = [slice.map((r) => r.tenantId), slice.map((r) => r.day)];
    await inTransaction(pool, async (client) => {
      // Waits for a running rollup rather than skipping: the rebuild must happen.
      await client.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK]);
      await client.query(`DELETE FROM "StatDirtyDay" m USING unnest($1::uuid[], $2::date[]) AS u(t, day) WHERE m."tenantId" = u.t AND m."day" = u.day`, params);
      await client.query(DELETE_ROWS, params);
      await client.query(RECOMPUTE, params);
    });
    done += slice.length;
  }
  return done;
}

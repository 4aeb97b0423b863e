import { randomBytes } from 'node:crypto';
import { createPrismaClient, PgPool, Prisma, type PrismaClient } from '@retell-ops/db';
import { DialStats, rebuildCallDayStats, rollUpDirtyDays, statsReportQuery, type DialStatsReport } from '@retell-ops/dialer';
import { referenceStatsReport } from '../support/dial-stats-reference';
import { postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { startPipeline, type InProcessPipeline } from '../support/pipeline';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The stats report reads whole UTC days from the rollup (CallDayStat) and the rest from the calls;
 * whatever the order, repetition and timing of the writes, it must equal the report computed from
 * the calls alone (the reference, the query the report used before the rollup).
 */

/** A small seeded PRNG, so a failure names the seed that reproduces it. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const DAY_MS = 86_400_000;
/** The calls of the property test fall in these 40 days (2021, far from now). */
const BASE = Date.parse('2021-03-01T00:00:00Z');

/** Report keys whose order SQL left open (equal counts) put in one order, for comparison. */
function normalised(r: DialStatsReport) {
  const byKey =
    <T>(key: (x: T) => string | null) =>
    (a: T, b: T) =>
      String(key(a)).localeCompare(String(key(b)));
  return {
    ...r,
    outcomes: Object.fromEntries(Object.entries(r.outcomes).sort(([a], [b]) => a.localeCompare(b))),
    byAgent: [...r.byAgent].sort(byKey((x) => x.agentId)),
    byBatch: [...r.byBatch].sort(byKey((x) => x.batchId)),
  };
}

describe('stats rollup: exact under duplicates, reordering, late writes and calls moving days', () => {
  const env = testEnv({ STATS_ROLLUP_INTERVAL_MS: '200' });
  let prisma: PrismaClient;
  let pool: PgPool;
  let stats: DialStats;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 6 });
    stats = new DialStats(prisma as never);
    [a, b] = await Promise.all([createTestTenant(prisma, env, 'rollup-a'), createTestTenant(prisma, env, 'rollup-b')]);
  });

  afterAll(async () => {
    if (prisma) {
      await prisma.tenant.deleteMany({ where: { id: { in: [a?.tenantId, b?.tenantId].filter(Boolean) } } });
      await prisma.$disconnect();
    }
    await pool?.end();
  });

  async function expectReportsEqualReference(
    tenantId: string,
    rnd: ReturnType<typeof prng>,
    ranges: number,
    extraFilters: Array<{ agentId?: string; batchId?: string }>,
  ) {
    const cases: Array<{ from: Date; to: Date; filter: { agentId?: string; batchId?: string } }> = [
      { from: new Date(BASE - 5 * DAY_MS), to: new Date(BASE + 50 * DAY_MS), filter: {} },
      { from: new Date(BASE + 3 * DAY_MS), to: new Date(BASE + 4 * DAY_MS), filter: {} },
    ];
    for (let i = 0; i < ranges; i++) {
      const from = BASE - DAY_MS + rnd.int(42 * DAY_MS);
      // short ranges inside one or two days as often as long ones
      const span = rnd.next() < 0.3 ? 1 + rnd.int(DAY_MS) : 1 + rnd.int(30 * DAY_MS);
      cases.push({ from: new Date(from), to: new Date(from + span), filter: rnd.next() < 0.4 ? rnd.pick(extraFilters) : {} });
    }
    for (const c of cases) {
      const got = await stats.report(tenantId, { from: c.from, to: c.to, ...c.filter });
      const want = await referenceStatsReport(prisma, tenantId, c.from, c.to, c.filter);
      expect({ range: c, report: normalised(got) }).toEqual({ range: c, report: normalised(want) });
    }
  }

  it('random writes in random order, rollups in between and beside open transactions: every report equals the reference', async () => {
    const seed = Number(process.env.STATS_SEED ?? Date.now() % 1_000_000);
    const rnd = prng(seed);
    console.log(`stats-rollup seed ${seed}`);
    const t = a.tenantId;
    const batches: string[] = [];
    for (let i = 0; i < 3; i++) batches.push((await prisma.batch.create({ data: { tenantId: t, name: `r${i}`, maxConcurrent: 1, status: 'completed' } })).id);
    const requests: string[] = [];
    for (const batchId of [...batches, null, batches[0]]) {
      const r = await prisma.dialRequest.create({
        data: { tenantId: t, batchId, toNumber: '+14155550161', fromNumber: '+14155550100', agentId: 'agent_a', dynamicVariables: {}, status: 'completed' },
      });
      requests.push(r.id);
    }
    const agents = ['agent_a', 'agent_b', null] as const;
    const outcomes = [null, 'successful', 'voicemail', 'dial_failed', 'no_answer'] as const;
    const statuses = ['queued', 'initiated', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
    // near a UTC midnight half the time, so moves across days happen
    const when = () => new Date(BASE + rnd.int(40) * DAY_MS + (rnd.next() < 0.5 ? DAY_MS - 1 - rnd.int(120_000) : rnd.int(DAY_MS)));
    const fields = () => ({
      agentId: rnd.pick(agents),
      status: rnd.pick(statuses),
      outcome: rnd.pick(outcomes),
      successful: rnd.pick([null, true, false]),
      durationMs: rnd.pick([null, 0, 1 + rnd.int(600_000)]),
      costCents: rnd.pick([null, 0, Math.round(rnd.next() * 10_000_000) / 10_000]),
      dialRequestId: rnd.pick([null, ...requests]),
    });
    const ids: string[] = [];
    const insert = async () => {
      const row = await prisma.call.create({ data: { tenantId: t, retellCallId: `call_${randomBytes(8).toString('hex')}`, occurredAt: when(), ...fields() } });
      ids.push(row.id);
    };
    for (let i = 0; i < 120; i++) await insert();
    // the other tenant's calls fall on the same days and never count
    for (let i = 0; i < 20; i++)
      await prisma.call.create({ data: { tenantId: b.tenantId, occurredAt: when(), status: 'completed', agentId: 'agent_a', costCents: 5 } });

    const ops: Array<() => Promise<unknown>> = [
      insert,
      // the same change twice (a duplicate delivery)
      async () => {
        const id = rnd.pick(ids);
        const f = fields();
        await prisma.call.update({ where: { id }, data: f });
        await prisma.call.update({ where: { id }, data: f });
      },
      // call_started after the platform first saw the call: occurredAt moves, often to another day
      () => prisma.call.update({ where: { id: rnd.pick(ids) }, data: { occurredAt: when() } }),
      async () => {
        const id = ids.splice(rnd.int(ids.length), 1)[0];
        if (id) await prisma.call.delete({ where: { id } });
      },
      // a dial request moved to another batch, or out of every batch
      () => prisma.dialRequest.update({ where: { id: rnd.pick(requests) }, data: { batchId: rnd.pick([null, ...batches]) } }),
      () => rollUpDirtyDays(pool),
      // a write that commits only after a rollup read the calls: its mark must survive that rollup
      async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query(`UPDATE "Call" SET "occurredAt" = $1, "status" = 'completed', "costCents" = 1.2345 WHERE "id" = $2`, [when(), rnd.pick(ids)]);
          await rollUpDirtyDays(pool);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      },
    ];
    for (let i = 0; i < 150; i++) await rnd.pick(ops)();

    const filters = [{ agentId: 'agent_a' }, { agentId: 'agent_b' }, { batchId: batches[0] }, { batchId: batches[2] }, { batchId: 'not-a-uuid' }];
    // some days still dirty: those come from the calls
    await expectReportsEqualReference(t, rnd, 25, filters);
    await rollUpDirtyDays(pool);
    expect(await prisma.statDirtyDay.count({ where: { tenantId: t } })).toBe(0);
    expect(await prisma.callDayStat.count({ where: { tenantId: t } })).toBeGreaterThan(0);
    // every whole day from the rollup now
    await expectReportsEqualReference(t, rnd, 40, filters);

    // written around the triggers: the rollup is wrong until a rebuild puts it right
    await pool.query(`DELETE FROM "CallDayStat" WHERE "tenantId" = $1 AND "day" = $2`, [t, new Date(BASE + 3 * DAY_MS).toISOString().slice(0, 10)]);
    const broken = await stats.report(t, { from: new Date(BASE), to: new Date(BASE + 40 * DAY_MS) });
    const want = await referenceStatsReport(prisma, t, new Date(BASE), new Date(BASE + 40 * DAY_MS));
    expect(broken.totals.calls).toBeLessThanOrEqual(want.totals.calls);
    expect(await rebuildCallDayStats(pool, { tenantId: t })).toBeGreaterThan(0);
    await expectReportsEqualReference(t, rnd, 10, filters);
  });

  it('the call worker rolls up what it records from webhooks (duplicates, any order): the report still equals the reference', async () => {
    const rnd = prng(7);
    let pipeline: InProcessPipeline | undefined;
    try {
      pipeline = await startPipeline(env);
      const deliveries: string[] = [];
      const calls: string[] = [];
      for (let i = 0; i < 12; i++) {
        // calls starting in 2021, a few seconds before a UTC midnight for some
        const start = BASE + (45 + rnd.int(5)) * DAY_MS + (i % 3 === 0 ? DAY_MS - 5_000 : rnd.int(DAY_MS - 100_000));
        const l = lifecycle(b.agentId, undefined, start);
        calls.push(l.callId);
        for (const e of ['call_started', 'call_ended', 'call_analyzed'] as const) {
          deliveries.push(JSON.stringify(l[e]));
          if (rnd.next() < 0.5) deliveries.push(JSON.stringify(l[e]));
        }
      }
      deliveries.sort(() => rnd.next() - 0.5);
      await Promise.all(
        deliveries.map(async (body) => {
          const res = await postSigned(`${pipeline!.gatewayUrl}/webhooks/retell/${b.slug}`, body, b.retellApiKey);
          expect(res.status).toBe(204);
        }),
      );
      const events = new Set(deliveries).size;
      await waitFor(
        async () =>
          (await prisma.callEvent.count({ where: { tenantId: b.tenantId, processedAt: { not: null }, call: { retellCallId: { in: calls } } } })) === events,
        {
          what: 'every delivery to be recorded',
        },
      );
      await waitFor(async () => (await prisma.statDirtyDay.count({ where: { tenantId: b.tenantId } })) === 0, {
        what: 'the worker to roll up the marked days',
      });
      const days = await prisma.callDayStat.findMany({ where: { tenantId: b.tenantId, day: { gte: new Date(BASE + 45 * DAY_MS) } } });
      expect(days.reduce((n, d) => n + d.calls, 0)).toBe(12);
      const from = new Date(BASE + 44 * DAY_MS);
      const to = new Date(BASE + 52 * DAY_MS);
      expect(normalised(await stats.report(b.tenantId, { from, to }))).toEqual(normalised(await referenceStatsReport(prisma, b.tenantId, from, to)));
    } finally {
      await pipeline?.stop();
    }
  }, 120_000);

  it('EXPLAIN: 365 days read the rollup through its index and the calls only at the partial edges, never a Seq Scan on Call', async () => {
    const t = b.tenantId;
    // a year of calls, ~40 a day, and a rolled-up year beside it for other tenants' rows to skip
    await pool.query(
      `INSERT INTO "Call" ("id", "tenantId", "status", "agentId", "occurredAt", "durationMs", "costCents", "updatedAt")
       SELECT gen_random_uuid(), $1, 'completed', 'agent_' || (i % 3), now() - (i * interval '35 minutes'), 1000 + i % 5000, (i % 97) / 7.0, now()
       FROM generate_series(1, 15000) i`,
      [t],
    );
    await rollUpDirtyDays(pool);
    // another tenant's year of rolled-up rows beside it, as on a shared database
    await pool.query(
      `INSERT INTO "CallDayStat" ("tenantId", "day", "agentId", "outcome", "calls", "completed", "failed", "successful", "analysed",
         "durationSumMs", "durationCount", "costSumCents", "costCount")
       SELECT $1, current_date - (i % 365), 'agent_' || (i % 7), 'o' || (i % 11), 1, 1, 0, 0, 0, 0, 0, 0, 0 FROM generate_series(1, 40000) i`,
      [a.tenantId],
    );
    await pool.query('ANALYZE "Call"; ANALYZE "CallDayStat"; ANALYZE "StatDirtyDay"');
    const to = new Date();
    const from = new Date(to.getTime() - 365 * DAY_MS);
    const plan = (await prisma.$queryRaw<Array<{ 'QUERY PLAN': string }>>(Prisma.sql`EXPLAIN ${statsReportQuery(t, { from, to })}`))
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toMatch(/Index Scan using "CallDayStat_tenantId_day_idx"|Bitmap Index Scan on "CallDayStat_tenantId_day_idx"/);
    expect(plan).not.toMatch(/Seq Scan on "Call"/);
    expect(plan).toMatch(/Index Scan (using|on) "Call_tenantId_occurredAt_id_idx"/);
    const got = await stats.report(t, { from, to });
    expect(normalised(got)).toEqual(normalised(await referenceStatsReport(prisma, t, from, to)));
    // other suites delete candidates, and each delete scans Call for the rows to unlink
    await pool.query(`DELETE FROM "Call" WHERE "tenantId" = $1`, [t]);
  });
});

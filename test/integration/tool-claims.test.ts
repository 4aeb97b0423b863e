import { randomBytes } from 'node:crypto';
import { createPrismaClient, PgPool, type PrismaClient } from '@retell-ops/db';
import { ToolInvocations, type Claim } from '@retell-ops/recruiting/live';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

/**
 * One answer per (call, tool, args), on the real database: the first request claims the call, a
 * repeat waits for its answer, and a claim left unanswered past TOOL_CLAIM_STALE_MS (its gateway
 * died) is taken over by the next identical request, in one statement, by exactly one of them.
 */
describe('tool call claims', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let pool: PgPool;
  let tenant: TestTenant;
  /** Separate pools, as separate gateways would have. */
  let gateways: ToolInvocations[];
  const pools: PgPool[] = [];
  const hex = () => randomBytes(5).toString('hex');
  const args = { date_from: '2030-01-07' }; // fixed-date-ok: arguments only hashed, never compared with now
  const claimOf = (g: ToolInvocations, callId: string) => g.claim(tenant.tenantId, callId, 'check_interview_slots', args);
  const first = (c: Claim) => {
    if (!c.first) throw new Error(`expected to win the claim, got ${JSON.stringify(c)}`);
    return c;
  };
  const rowOf = (callId: string) => prisma.toolInvocation.findFirstOrThrow({ where: { tenantId: tenant.tenantId, retellCallId: callId } });
  /** What a gateway that died mid-call leaves behind: its claim, aged past the bound. */
  const age = (callId: string) =>
    pool.query(
      `UPDATE "ToolInvocation" SET "claimedAt" = now() - make_interval(secs => $3::double precision / 1000) WHERE "tenantId" = $1 AND "retellCallId" = $2`,
      [tenant.tenantId, callId, env.TOOL_CLAIM_STALE_MS + 1_000],
    );

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'claims');
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
    gateways = [0, 1, 2].map(() => {
      const p = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 2 });
      pools.push(p);
      return new ToolInvocations(p, env);
    });
  });

  afterAll(async () => {
    for (const p of pools) await p.end();
    await pool?.end();
    if (tenant) await prisma.tenant.delete({ where: { id: tenant.tenantId } });
    await prisma?.$disconnect();
  });

  it('the claim and its answer commit without waiting for the WAL flush, and leave the connection durable for what comes next', async () => {
    const one = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 1 });
    try {
      const g = new ToolInvocations(one, env);
      const callId = `call_${hex()}`;
      const claim = first(
        await g.claim(tenant.tenantId, callId, 'check_interview_slots', args, { sql: `SELECT current_setting('synchronous_commit') AS "during"`, params: [] }),
      );
      expect(claim.read).toEqual({ during: 'off' });
      expect((await one.query(`SHOW synchronous_commit`)).rows[0].synchronous_commit).toBe('on');
      await g.complete(claim, { ok: true }, 5);
      expect((await one.query(`SHOW synchronous_commit`)).rows[0].synchronous_commit).toBe('on');
      expect(await rowOf(callId)).toMatchObject({ ok: true, durationMs: 5 });
    } finally {
      await one.end();
    }
  });

  it('the gateway’s pool runs prepared statements on generic plans; a plain pool does not', async () => {
    const generic = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 1, genericPlans: true });
    try {
      expect((await generic.query(`SHOW plan_cache_mode`)).rows[0].plan_cache_mode).toBe('force_generic_plan');
      expect((await pool.query(`SHOW plan_cache_mode`)).rows[0].plan_cache_mode).toBe('auto');
    } finally {
      await generic.end();
    }
  });

  it('a repeat of a fresh claim waits for its answer and does not take it over', async () => {
    const callId = `call_${hex()}`;
    const a = first(await claimOf(gateways[0], callId));
    const repeat = claimOf(gateways[1], callId);
    await new Promise((r) => setTimeout(r, 300));
    await gateways[0].complete(a, { ok: true, slots: ['a'] }, 300);
    expect(await repeat).toEqual({ first: false, result: { ok: true, slots: ['a'] } });
    expect(await rowOf(callId)).toMatchObject({ id: a.id, claimedAt: a.claimedAt, ok: true, durationMs: 300 });
  });

  it('a claim unanswered past the bound is taken over; the old claimant can then neither answer nor release it', async () => {
    const callId = `call_${hex()}`;
    const dead = first(await claimOf(gateways[0], callId));
    await age(callId);
    const taker = first(await claimOf(gateways[1], callId));
    expect(taker.id).toBe(dead.id); // the same row, claimed anew
    expect(taker.claimedAt.getTime()).toBeGreaterThan(dead.claimedAt.getTime());

    await gateways[0].complete(dead, { ok: true, from: 'the old claimant' }, 1);
    await gateways[0].release(dead);
    expect(await rowOf(callId)).toMatchObject({ result: null, claimedAt: taker.claimedAt });

    await gateways[1].complete(taker, { ok: true, from: 'the taker' }, 2);
    expect(await claimOf(gateways[2], callId)).toEqual({ first: false, result: { ok: true, from: 'the taker' } });
  });

  it('two requests at a stale claim at once: exactly one takes it over, the other gets its answer', async () => {
    const callId = `call_${hex()}`;
    first(await claimOf(gateways[0], callId));
    await age(callId);
    const both = [claimOf(gateways[1], callId), claimOf(gateways[2], callId)];
    const winner = await Promise.race(both.map((p, i) => p.then((c) => (c.first ? { i, c } : new Promise<never>(() => undefined)))));
    await gateways[winner.i + 1].complete(winner.c, { ok: true, from: `gateway ${winner.i + 1}` }, 5);
    const claims = await Promise.all(both);
    expect(claims.filter((c) => c.first)).toHaveLength(1);
    expect(claims[1 - winner.i]).toEqual({ first: false, result: { ok: true, from: `gateway ${winner.i + 1}` } });
  });

  it('a claim released after a failure is claimed by the waiting repeat, which runs the tool', async () => {
    const callId = `call_${hex()}`;
    const failed = first(await claimOf(gateways[0], callId));
    const repeat = claimOf(gateways[1], callId);
    await new Promise((r) => setTimeout(r, 200));
    await gateways[0].release(failed);
    const again = first(await repeat);
    expect(again.id).not.toBe(failed.id);
  });
});

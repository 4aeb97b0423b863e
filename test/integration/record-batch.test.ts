import { Client } from 'pg';
import { createPrismaClient, PgPool, type PrismaClient } from '@retell-ops/db';
import { Calls } from '@retell-ops/call-records';
import type { CallEventJob } from '@retell-ops/queue';
import { lifecycle } from '../support/payloads';
import { comparable } from '../support/pipeline';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';

type Event = 'call_started' | 'call_ended' | 'call_analyzed';

// Several deliveries committed in one transaction must give exactly the rows one transaction each gives.
describe('Calls.recordDeliveriesTogether (RecordCallEvent.executeBatch) on PostgreSQL', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let pool: PgPool;
  let record: Calls;
  let tenant: TestTenant;

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
    record = new Calls(pool);
    tenant = await createTestTenant(prisma, env, 'batch');
  });
  afterAll(async () => {
    await pool.end();
    await prisma.$disconnect();
  });

  const jobOf = (l: ReturnType<typeof lifecycle>, event: Event, body?: string): CallEventJob => ({
    tenantId: tenant.tenantId,
    callId: l.callId,
    event,
    receivedAt: Date.now(),
    body: body ?? JSON.stringify(l[event]),
  });
  const batch = (jobs: CallEventJob[]) => Promise.all(record.recordDeliveriesTogether(jobs).outcomes);
  const row = (callId: string) => prisma.call.findUniqueOrThrow({ where: { tenantId_retellCallId: { tenantId: tenant.tenantId, retellCallId: callId } } });

  it('ten calls, three events each in three batches, equal the same calls recorded one by one', async () => {
    const batched = Array.from({ length: 10 }, () => lifecycle(tenant.agentId));
    const single = Array.from({ length: 10 }, () => lifecycle(tenant.agentId));
    // Reversed lifecycle order for half of them: the batch path must fold any order too.
    const order = (i: number): Event[] => (i % 2 ? ['call_analyzed', 'call_started', 'call_ended'] : ['call_started', 'call_ended', 'call_analyzed']);
    for (let step = 0; step < 3; step++) {
      const outcomes = await batch(batched.map((l, i) => jobOf(l, order(i)[step])));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(outcomes.map((o) => (o.ok ? o.value.retellCallId : null))).toEqual(batched.map((l) => l.callId));
      for (const [i, l] of single.entries()) await record.recordDeliveryAlone(jobOf(l, order(i)[step]));
    }
    for (let i = 0; i < 10; i++) expect(comparable(await row(batched[i].callId))).toEqual(comparable(await row(single[i].callId)));
    const events = await prisma.callEvent.count({ where: { tenantId: tenant.tenantId, call: { retellCallId: { in: batched.map((l) => l.callId) } } } });
    expect(events).toBe(30);
  });

  it('a duplicate in a batch changes nothing', async () => {
    const l = lifecycle(tenant.agentId);
    await batch([jobOf(l, 'call_started')]);
    await batch([jobOf(l, 'call_ended')]);
    const before = comparable(await row(l.callId));
    const [again] = await batch([jobOf(l, 'call_ended')]);
    expect(again.ok).toBe(true);
    expect(comparable(await row(l.callId))).toEqual(before);
  });

  it('a delivery PostgreSQL refuses fails alone; the others in its batch are kept', async () => {
    const good = [lifecycle(tenant.agentId), lifecycle(tenant.agentId)];
    const bad = lifecycle(tenant.agentId);
    // jsonb cannot hold \u0000: valid JSON the gateway would accept, refused by PostgreSQL.
    const refused = JSON.stringify(bad.call_started).replace('"Ana"', '"A\\u0000na"');
    const notJson = { ...jobOf(lifecycle(tenant.agentId), 'call_started'), body: '{not json' };
    const outcomes = await batch([jobOf(good[0], 'call_started'), jobOf(bad, 'call_started', refused), notJson, jobOf(good[1], 'call_started')]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true]);
    expect(!outcomes[2].ok && outcomes[2].error.name).toBe('UnrecoverableError');
    for (const l of good) expect((await row(l.callId)).status).toBe('in_progress');
    expect(await prisma.call.count({ where: { tenantId: tenant.tenantId, retellCallId: bad.callId } })).toBe(0);
  });

  it('a call whose row is locked elsewhere holds back no other delivery of its batch', async () => {
    const held = lifecycle(tenant.agentId);
    const free = [lifecycle(tenant.agentId), lifecycle(tenant.agentId)];
    await record.recordDeliveryAlone(jobOf(held, 'call_started'));
    const blocker = new Client({ connectionString: env.DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM "Call" WHERE "tenantId" = $1 AND "retellCallId" = $2 FOR UPDATE', [tenant.tenantId, held.callId]);
      const pending = batch([jobOf(free[0], 'call_started'), jobOf(held, 'call_ended'), jobOf(free[1], 'call_started')]);
      // The batch gives up on the lock after about a second; the free calls then commit on their own.
      const deadline = Date.now() + 10_000;
      while ((await prisma.call.count({ where: { tenantId: tenant.tenantId, retellCallId: { in: free.map((l) => l.callId) } } })) < 2) {
        if (Date.now() > deadline) throw new Error('the free calls were held back by the locked one');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await row(held.callId)).status).toBe('in_progress'); // still waiting for its lock
      await blocker.query('ROLLBACK');
      const outcomes = await pending;
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
      expect((await row(held.callId)).status).toBe('completed');
    } finally {
      await blocker.end();
    }
  });
});

import { createPrismaClient, PgPool, type PrismaClient } from '@retell-ops/db';
import { Calls } from '@retell-ops/call-records';
import { postSigned } from '../support/http';
import { lifecycle } from '../support/payloads';
import { comparable, startPipeline, type InProcessPipeline } from '../support/pipeline';
import { waitForIdleLifecycleQueues } from '../support/reliability';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

type Event = 'call_started' | 'call_ended' | 'call_analyzed';
const EVENTS: Event[] = ['call_started', 'call_ended', 'call_analyzed'];
const permutations = <T>(xs: T[]): T[][] =>
  xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

describe('call worker: gateway → queue → worker → PostgreSQL', () => {
  const env = testEnv();
  let prisma: PrismaClient;
  let pool: PgPool;
  let pipeline: InProcessPipeline;
  let tenant: TestTenant;

  beforeAll(async () => {
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
    tenant = await createTestTenant(prisma, env, 'worker');
    pipeline = await startPipeline(env);
  });

  afterAll(async () => {
    await pipeline.stop();
    await pool.end();
    await prisma.$disconnect();
  });

  const deliver = async (body: object) => {
    const res = await postSigned(`${pipeline.gatewayUrl}/webhooks/retell/${tenant.slug}`, JSON.stringify(body), tenant.retellApiKey);
    expect(res.status).toBe(204);
  };
  const processedEvents = (callId: string) =>
    prisma.callEvent.count({ where: { tenantId: tenant.tenantId, processedAt: { not: null }, call: { retellCallId: callId } } });
  const callRow = (callId: string) => prisma.call.findUniqueOrThrow({ where: { tenantId_retellCallId: { tenantId: tenant.tenantId, retellCallId: callId } } });

  it('records one event delivered three times as one CallEvent and one Call', async () => {
    const l = lifecycle(tenant.agentId);
    for (let i = 0; i < 3; i++) await deliver(l.call_ended);
    await waitFor(async () => (await processedEvents(l.callId)) === 1, { what: 'the event to be processed' });
    // Once more after it was processed: BullMQ still holds the completed id, the database the unique key.
    await deliver(l.call_ended);
    await waitForIdleLifecycleQueues(env.REDIS_URL, env.QUEUE_PREFIX);
    expect(await prisma.callEvent.count({ where: { call: { retellCallId: l.callId } } })).toBe(1);
    expect(await prisma.call.count({ where: { retellCallId: l.callId } })).toBe(1);
    expect(await callRow(l.callId)).toMatchObject({
      status: 'completed',
      outcome: 'connected',
      retellStatus: 'ended',
      transcript: l.call_ended.call.transcript,
    });
  });

  it('gives the same final row for all 6 arrival orders of the lifecycle events', async () => {
    const rows: Array<Record<string, unknown>> = [];
    for (const order of permutations(EVENTS)) {
      const l = lifecycle(tenant.agentId);
      for (const [i, event] of order.entries()) {
        await deliver(l[event]);
        await waitFor(async () => (await processedEvents(l.callId)) === i + 1, { what: `${event} (#${i + 1} of ${order.join(' → ')}) to be processed` });
      }
      rows.push(comparable(await callRow(l.callId)));
    }
    for (const row of rows.slice(1)) expect(row).toEqual(rows[0]);
    expect(rows[0]).toMatchObject({ status: 'completed', outcome: 'successful', summary: expect.any(String), costCents: '34.45', durationMs: 75000 });
  });

  it('gives that same row when every event arrives three times at once', async () => {
    const reference = lifecycle(tenant.agentId);
    for (const e of EVENTS) await deliver(reference[e]);
    await waitFor(async () => (await processedEvents(reference.callId)) === 3, { what: 'reference call' });

    const l = lifecycle(tenant.agentId);
    await Promise.all([...EVENTS, ...EVENTS, ...EVENTS].reverse().map((e) => deliver(l[e])));
    await waitFor(async () => (await processedEvents(l.callId)) === 3, { what: 'all three events' });
    expect(comparable(await callRow(l.callId))).toEqual(comparable(await callRow(reference.callId)));
  });

  it('keeps the row identical when the worker runs the same delivery concurrently', async () => {
    const record = new Calls(pool);
    const l = lifecycle(tenant.agentId);
    const job = (event: Event) => ({ tenantId: tenant.tenantId, event, callId: l.callId, receivedAt: Date.now(), body: JSON.stringify(l[event]) });
    await Promise.all(EVENTS.flatMap((e) => [record.recordDeliveryAlone(job(e)), record.recordDeliveryAlone(job(e))]));
    expect(await prisma.callEvent.count({ where: { call: { retellCallId: l.callId } } })).toBe(3);
    expect(await callRow(l.callId)).toMatchObject({ status: 'completed', outcome: 'successful' });
  });

  it('fails a job whose body cannot be a call event for good (no retries)', async () => {
    const record = new Calls(pool);
    await expect(
      record.recordDeliveryAlone({
        tenantId: tenant.tenantId,
        event: 'call_ended',
        callId: 'c-mismatch',
        receivedAt: Date.now(),
        body: '{"event":"call_ended","call":{"call_id":"other"}}',
      }),
    ).rejects.toThrow(/does not match/);
    await expect(
      record.recordDeliveryAlone({ tenantId: tenant.tenantId, event: 'call_ended', callId: 'c-bad', receivedAt: Date.now(), body: 'nope' }),
    ).rejects.toMatchObject({ name: 'UnrecoverableError' });
  });
});

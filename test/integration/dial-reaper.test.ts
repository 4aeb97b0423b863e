import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Retell from 'retell-sdk';
import { Calls } from '@retell-ops/call-records';
import { createPrismaClient, PgPool, type PrismaClient, type PrismaService } from '@retell-ops/db';
import { DialOutcome, DialReaper, DialRequestStore, DispatchTrigger, PlaceCall, RetellClients } from '@retell-ops/dialer';
import { placeJobId, QueueProducers, QUEUES } from '@retell-ops/queue';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The reaper against the simulator as Retell, whose webhooks go nowhere (every one is lost):
 * each kind of request left holding a slot is settled from get-call / list-calls.
 */
describe('DialReaper', () => {
  let sim: AppProcess;
  let prisma: PrismaClient;
  let pool: PgPool;
  let producers: QueueProducers;
  let tenant: TestTenant;
  let reaper: DialReaper;
  let retell: Retell;
  let calls: Calls;
  let env: ReturnType<typeof testEnv>;

  beforeAll(async () => {
    Logger.overrideLogger(['error', 'warn']); // the in-process dialer classes log every move
    const port = await freePort();
    env = testEnv({ RETELL_BASE_URL: `http://127.0.0.1:${port}`, DIAL_STALE_MS: '1000' });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'reaper');
    // webhooks to a port nothing listens on: the platform never hears of these calls' ends
    sim = await startApp(
      'retell-sim',
      { ...envVars(env), RETELL_SIM_PORT: String(port), RETELL_API_KEY: tenant.retellApiKey, GATEWAY_URL: 'http://127.0.0.1:1' },
      /listening on/,
    );
    retell = new Retell({ apiKey: tenant.retellApiKey, baseURL: env.RETELL_BASE_URL, maxRetries: 0 });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
    producers = new QueueProducers(env);
    const db = prisma as unknown as PrismaService;
    const store = new DialRequestStore(db);
    const clients = new RetellClients(db, env);
    const dispatch = new DispatchTrigger(producers);
    calls = new Calls(pool, env);
    reaper = new DialReaper(env, db, store, calls, new DialOutcome(db, store), clients, new PlaceCall(db, store, clients, dispatch), producers, dispatch);
  }, 60000);

  afterAll(async () => {
    await sim?.stop();
    await producers.onModuleDestroy();
    await pool.end();
    await prisma.$disconnect();
  });

  /** A request holding a slot since a minute ago, with its current call row. */
  async function stale(status: 'dialing' | 'live', opts: { retellCallId?: string; minutesAgo?: number; callId?: string } = {}) {
    const requestId = randomUUID();
    const callId = opts.callId ?? randomUUID();
    const toNumber = `+1415555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    await prisma.dialRequest.create({
      data: {
        id: requestId,
        tenantId: tenant.tenantId,
        toNumber,
        fromNumber: '+14155550100',
        agentId: tenant.agentId,
        dynamicVariables: {},
        status,
        attempts: 1,
        tries: 1,
        maxAttempts: 1,
        statusChangedAt: new Date(Date.now() - (opts.minutesAgo ?? 1) * 60_000),
      },
    });
    await prisma.call.create({
      data: {
        id: callId,
        tenantId: tenant.tenantId,
        dialRequestId: requestId,
        attempt: 1,
        status: opts.retellCallId ? 'initiated' : 'queued',
        retellCallId: opts.retellCallId,
        direction: 'outbound',
        toNumber,
      },
    });
    await prisma.dialRequest.update({ where: { id: requestId }, data: { currentCallId: callId } });
    return { requestId, callId, toNumber };
  }
  const createAtRetell = (callId: string, metadata: Record<string, unknown>) =>
    retell.call
      .createPhoneCall({ from_number: '+14155550100', to_number: '+14155550120', metadata: { rops_call_id: callId, ...metadata } })
      .then((c) => c.call_id);
  const request = (id: string) => prisma.dialRequest.findUniqueOrThrow({ where: { id } });
  const row = (id: string) => prisma.call.findUniqueOrThrow({ where: { id } });

  it('a call that ended at Retell (its webhooks lost): recorded as its call_ended, the request settles and frees its slot; the real webhook later is a duplicate', async () => {
    const callId = randomUUID();
    const retellCallId = await createAtRetell(callId, { sim_ring_ms: 0, sim_talk_ms: 0, sim_analysis_ms: 0 });
    await waitFor(async () => (await retell.call.retrieve(retellCallId)).call_status === 'ended' || undefined, { what: 'the call to end at Retell' });
    const r = await stale('live', { retellCallId, callId });

    expect(await reaper.reap(tenant.tenantId)).toBeGreaterThanOrEqual(1);
    expect(await request(r.requestId)).toMatchObject({ status: 'completed', lastOutcome: expect.any(String) });
    const settled = await row(callId);
    expect(settled).toMatchObject({ status: 'completed', retellStatus: 'ended', disconnectionReason: expect.any(String) });
    expect(await prisma.callEvent.count({ where: { callId } })).toBe(1);

    // Retell's own call_ended after all: the same event, kept once, the row unchanged.
    const fromRetell = await retell.call.retrieve(retellCallId);
    const { call_analysis: _a, ...ended } = fromRetell as unknown as Record<string, unknown>;
    await calls.recordDeliveryAlone({
      tenantId: tenant.tenantId,
      event: 'call_ended',
      callId: retellCallId,
      receivedAt: Date.now(),
      body: JSON.stringify({ event: 'call_ended', call: ended }),
    });
    expect(await prisma.callEvent.count({ where: { callId } })).toBe(1);
    const again = await row(callId);
    expect({ ...again, updatedAt: null }).toEqual({ ...settled, updatedAt: null });
  });

  it('a call still under way: left live, checkedAt set, not asked again until DIAL_STALE_MS has passed', async () => {
    const callId = randomUUID();
    const retellCallId = await createAtRetell(callId, { sim_ring_ms: 0, sim_talk_ms: 60000 });
    const r = await stale('live', { retellCallId, callId });
    await reaper.reap(tenant.tenantId);
    const after = await request(r.requestId);
    expect(after).toMatchObject({ status: 'live' });
    expect(after.checkedAt).not.toBeNull();
    await reaper.reap(tenant.tenantId);
    expect((await request(r.requestId)).checkedAt).toEqual(after.checkedAt);
    await retell.call.stop(retellCallId);
  });

  it('a call Retell does not know (get-call 422): the request fails with the reason', async () => {
    const r = await stale('live', { retellCallId: `call_${'0'.repeat(32)}${Math.random().toString(16).slice(2, 6)}` });
    await reaper.reap(tenant.tenantId);
    const after = await request(r.requestId);
    expect(after.status).toBe('failed');
    expect(after.lastError).toMatch(/does not know call .* \(get-call 422\)/);
  });

  it('dialing with no Retell id, but Retell has the call (found by the platform call id): linked, live', async () => {
    const callId = randomUUID();
    const retellCallId = await createAtRetell(callId, { sim_ring_ms: 60000 });
    const r = await stale('dialing', { callId });
    await reaper.reap(tenant.tenantId);
    expect(await request(r.requestId)).toMatchObject({ status: 'live' });
    expect((await row(callId)).retellCallId).toBe(retellCallId);
    await retell.call.stop(retellCallId);
  });

  it('dialing with no call anywhere and no place job: handed out again as a new try (the same unplaced row)', async () => {
    const r = await stale('dialing');
    await reaper.reap(tenant.tenantId);
    expect(await request(r.requestId)).toMatchObject({
      status: 'queued',
      tries: 1,
      currentCallId: r.callId,
      lastError: expect.stringContaining('handed out again'),
    });
    expect(await row(r.callId)).toMatchObject({ status: 'queued', retellCallId: null });
  });

  it('dialing while its place job still waits: left alone', async () => {
    const r = await stale('dialing');
    await producers.add(
      QUEUES.dialPlace,
      { tenantId: tenant.tenantId, dialRequestId: r.requestId, callId: r.callId, attempt: 1, try: 1 },
      { jobId: placeJobId({ dialRequestId: r.requestId, try: 1 }) },
    );
    await reaper.reap(tenant.tenantId);
    const after = await request(r.requestId);
    expect(after.status).toBe('dialing');
    expect(after.checkedAt).not.toBeNull();
  });

  it('a request that has not held its slot for DIAL_STALE_MS is not looked at', async () => {
    const r = await stale('dialing', { minutesAgo: 0 });
    await reaper.reap(tenant.tenantId);
    expect(await request(r.requestId)).toMatchObject({ status: 'dialing', checkedAt: null });
  });
});

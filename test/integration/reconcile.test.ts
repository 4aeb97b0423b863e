import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Retell from 'retell-sdk';
import { Calls } from '@retell-ops/call-records';
import { createPrismaClient, PgPool, type PrismaClient, type PrismaService } from '@retell-ops/db';
import { DialOutcome, DialRequestStore, DispatchTrigger, Reconciler, ReconcileRuns, RetellClients } from '@retell-ops/dialer';
import { QueueProducers, QUEUES, type LifecycleEvent } from '@retell-ops/queue';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { createTestTenant, type TestTenant } from '../support/tenants';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

type Envelope = { event: LifecycleEvent; call: { call_id: string } & Record<string, unknown> };

/**
 * Reconciliation against the simulator as Retell. The simulator's webhooks go to a capturing
 * server here, and the test hands them to the platform when it wants (as the call worker would),
 * so each order of webhook and reconciliation can be played exactly.
 */
describe('reconciliation with Retell', () => {
  let sim: AppProcess;
  let capture: Server;
  let failing: Server;
  let failingHits = 0;
  const captured = new Map<string, Envelope[]>();
  let prisma: PrismaClient;
  let pool: PgPool;
  let producers: QueueProducers;
  let env: ReturnType<typeof testEnv>;
  let tenant: TestTenant;
  let control: TestTenant;
  let calls: Calls;
  let reconciler: Reconciler;
  let runs: ReconcileRuns;
  let retell: Retell;
  let simUrl: string;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    capture = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope;
        captured.set(body.call.call_id, [...(captured.get(body.call.call_id) ?? []), body]);
        res.writeHead(204).end();
      });
    });
    failing = createServer((req, res) => {
      req.resume();
      failingHits++;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":"error","message":"Internal server error"}');
    });
    await Promise.all([capture, failing].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    const port = await freePort();
    simUrl = `http://127.0.0.1:${port}`;
    env = testEnv({ RETELL_BASE_URL: simUrl, RECONCILE_RETRIES: '1', RECONCILE_OVERLAP_MS: '60000', RECONCILE_INITIAL_LOOKBACK_MS: '3600000' });
    prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL });
    tenant = await createTestTenant(prisma, env, 'reconcile');
    control = await createTestTenant(prisma, env, 'reconcile-control');
    sim = await startApp(
      'retell-sim',
      {
        ...envVars(env),
        RETELL_SIM_PORT: String(port),
        RETELL_API_KEY: tenant.retellApiKey,
        RETELL_SIM_OTHER_API_KEYS: control.retellApiKey, // one Retell workspace, two tenants
        GATEWAY_URL: `http://127.0.0.1:${(capture.address() as AddressInfo).port}`,
        RETELL_SIM_RING_MS: '50',
        RETELL_SIM_TALK_MS: '200',
        RETELL_SIM_ANALYSIS_MS: '50',
      },
      /listening on/,
    );
    retell = new Retell({ apiKey: tenant.retellApiKey, baseURL: simUrl, maxRetries: 0 });
    pool = new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 });
    producers = new QueueProducers(env);
    const db = prisma as unknown as PrismaService;
    const store = new DialRequestStore(db);
    calls = new Calls(pool, env);
    reconciler = new Reconciler(env, db, calls, new RetellClients(db, env), new DialOutcome(db, store), new DispatchTrigger(producers));
    runs = new ReconcileRuns(db, producers);
  }, 60000);

  afterAll(async () => {
    await sim?.stop();
    await producers?.queue(QUEUES.reconcile).obliterate({ force: true });
    await producers?.queue(QUEUES.dialDispatch).obliterate({ force: true });
    await producers?.onModuleDestroy();
    await pool?.end();
    await prisma?.$disconnect();
    for (const s of [capture, failing]) {
      s?.closeAllConnections();
      await new Promise((resolve) => s?.close(resolve));
    }
  });

  /** Plays a call at the simulator (its webhooks captured here); the call's captured envelopes by event. */
  async function play(scenario: 'answered' | 'busy' | 'voicemail'): Promise<{ callId: string; envelopes: Map<LifecycleEvent, Envelope> }> {
    const res = await fetch(`${simUrl}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario, agentId: tenant.agentId }),
    });
    expect(res.status).toBe(201);
    const { callId } = (await res.json()) as { callId: string };
    return { callId, envelopes: new Map((captured.get(callId) ?? []).map((e) => [e.event, e])) };
  }

  /** Hands a webhook to the platform as the call worker does. */
  const webhook = (tenantId: string, e: Envelope) =>
    calls.recordDeliveryAlone({ tenantId, event: e.event, callId: e.call.call_id, receivedAt: Date.now(), body: JSON.stringify(e) });

  /** An operator's run over the last hour, executed here as the call worker would. */
  async function reconcile(tenantId: string) {
    const run = await runs.request(tenantId, new Date(Date.now() - 3_600_000), new Date(Date.now() + 1000), 'operator', 'test');
    const findings = await reconciler.execute({ tenantId, runId: run.id });
    expect(findings?.status).toBe('succeeded');
    return { findings: findings!, row: await prisma.reconcileRun.findUniqueOrThrow({ where: { id: run.id } }) };
  }

  const events = (tenantId: string, callId: string) =>
    prisma.callEvent.findMany({ where: { tenantId, call: { retellCallId: callId } }, select: { type: true, source: true }, orderBy: { type: 'asc' } });

  /** The row without what differs between two tenants' copies of one call. */
  async function row(tenantId: string, callId: string) {
    const c = await prisma.call.findUniqueOrThrow({ where: { tenantId_retellCallId: { tenantId, retellCallId: callId } } });
    const { id: _id, tenantId: _t, createdAt: _c, updatedAt: _u, ...rest } = c;
    return rest;
  }

  it('webhooks first, then reconciliation: nothing is added, one event each', async () => {
    const { callId, envelopes } = await play('answered');
    for (const e of envelopes.values()) await webhook(tenant.tenantId, e);
    const before = await row(tenant.tenantId, callId);
    const { findings } = await reconcile(tenant.tenantId);
    expect(findings.eventsAdded).toEqual({ call_started: 0, call_ended: 0, call_analyzed: 0 });
    expect(await events(tenant.tenantId, callId)).toEqual([
      { type: 'call_analyzed', source: 'webhook' },
      { type: 'call_ended', source: 'webhook' },
      { type: 'call_started', source: 'webhook' },
    ]);
    expect(await row(tenant.tenantId, callId)).toEqual(before);
  });

  it('reconciliation first, then the late webhooks: one event each, the row as with webhooks alone', async () => {
    const answered = await play('answered');
    const busy = await play('busy'); // never connected: no call_started at all, nothing delivered here
    await webhook(tenant.tenantId, answered.envelopes.get('call_started')!);
    // the control tenant gets every webhook and nothing else
    for (const p of [answered, busy]) for (const e of p.envelopes.values()) await webhook(control.tenantId, e);

    const { findings, row: run } = await reconcile(tenant.tenantId);
    expect(findings.eventsAdded).toEqual({ call_started: 0, call_ended: 2, call_analyzed: 2 });
    expect(findings.callsFetched).toBe(2);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'operator', callsFetched: 2, eventsAdded: findings.eventsAdded, requestedBy: 'test' });
    expect(run.finishedAt).not.toBeNull();
    expect(await events(tenant.tenantId, answered.callId)).toEqual([
      { type: 'call_analyzed', source: 'reconcile' },
      { type: 'call_ended', source: 'reconcile' },
      { type: 'call_started', source: 'webhook' },
    ]);

    // the late webhooks are duplicates now
    for (const p of [answered, busy]) {
      for (const event of ['call_ended', 'call_analyzed'] as const) expect((await webhook(tenant.tenantId, p.envelopes.get(event)!)).eventAdded).toBe(false);
    }
    expect((await events(tenant.tenantId, answered.callId)).map((e) => e.type)).toEqual(['call_analyzed', 'call_ended', 'call_started']);
    expect((await events(tenant.tenantId, busy.callId)).map((e) => e.type)).toEqual(['call_analyzed', 'call_ended']);
    for (const p of [answered, busy]) expect(await row(tenant.tenantId, p.callId)).toEqual(await row(control.tenantId, p.callId));
    expect(await row(tenant.tenantId, answered.callId)).toMatchObject({ status: 'completed', transcript: expect.any(String), summary: expect.any(String) });

    // a second run finds nothing more
    expect((await reconcile(tenant.tenantId)).findings.eventsAdded).toEqual({ call_started: 0, call_ended: 0, call_analyzed: 0 });
  });

  it("a tenant sharing the Retell workspace never takes another tenant's call (only calls of its own agents)", async () => {
    const res = await fetch(`${simUrl}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'answered', agentId: control.agentId }),
    });
    expect(res.status).toBe(201);
    const { callId } = (await res.json()) as { callId: string };
    await reconcile(tenant.tenantId);
    expect(await prisma.call.count({ where: { tenantId: tenant.tenantId, retellCallId: callId } })).toBe(0);
    await reconcile(control.tenantId);
    expect(await prisma.call.findUniqueOrThrow({ where: { tenantId_retellCallId: { tenantId: control.tenantId, retellCallId: callId } } })).toMatchObject({
      status: 'completed',
    });
  });

  it('a live dial request whose call ended (its webhooks lost) is freed', async () => {
    const callRowId = randomUUID();
    const requestId = randomUUID();
    const created = await retell.call.createPhoneCall({
      from_number: '+14155550100',
      to_number: '+14155550170',
      override_agent_id: tenant.agentId,
      metadata: { rops_call_id: callRowId },
    });
    await prisma.dialRequest.create({
      data: {
        id: requestId,
        tenantId: tenant.tenantId,
        toNumber: '+14155550170',
        fromNumber: '+14155550100',
        agentId: tenant.agentId,
        dynamicVariables: {},
        status: 'live',
        attempts: 1,
        tries: 1,
        maxAttempts: 1,
      },
    });
    await prisma.call.create({
      data: {
        id: callRowId,
        tenantId: tenant.tenantId,
        dialRequestId: requestId,
        attempt: 1,
        status: 'initiated',
        retellCallId: created.call_id,
        direction: 'outbound',
        toNumber: '+14155550170',
        fromNumber: '+14155550100',
        occurredAt: new Date(),
      },
    });
    await prisma.dialRequest.update({ where: { id: requestId }, data: { currentCallId: callRowId } });
    await waitFor(async () => !!(await retell.call.retrieve(created.call_id)).call_analysis, { what: 'the call analysed at Retell' });

    const { findings } = await reconcile(tenant.tenantId);
    expect(findings.requestsFreed).toBe(1);
    expect(await prisma.dialRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({ status: 'completed' });
    expect(await prisma.call.findUniqueOrThrow({ where: { id: callRowId } })).toMatchObject({ status: 'completed', outcome: 'successful' });
  });

  it('the watermark: a scheduled run reads from it, an unfinished call holds it back, and it moves on once the call is final', async () => {
    await prisma.reconcileState.deleteMany({ where: { tenantId: tenant.tenantId } });
    // a run older than the retention is pruned by the next scheduled run
    const old = await prisma.reconcileRun.create({
      data: {
        tenantId: tenant.tenantId,
        trigger: 'schedule',
        status: 'succeeded',
        rangeFrom: new Date(0),
        rangeTo: new Date(1),
        createdAt: new Date(Date.now() - 31 * 86_400_000),
      },
    });
    const first = await reconciler.execute({ tenantId: tenant.tenantId });
    expect(await prisma.reconcileRun.findUnique({ where: { id: old.id } })).toBeNull();
    expect(first).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
    // the first run reads RECONCILE_INITIAL_LOOKBACK_MS back
    expect(first!.to.getTime() - first!.from.getTime()).toBe(3_600_000);
    const mark1 = (await prisma.reconcileState.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } })).watermark;
    expect(mark1.getTime()).toBe(first!.to.getTime());

    // a call still under way
    const live = await retell.call.createPhoneCall({
      from_number: '+14155550100',
      to_number: '+14155550180',
      override_agent_id: tenant.agentId,
      metadata: { sim_talk_ms: 600000 },
    });
    const ongoing = await waitFor(async () => {
      const c = await retell.call.retrieve(live.call_id);
      return c.call_status === 'ongoing' ? c : undefined;
    });
    const second = await reconciler.execute({ tenantId: tenant.tenantId });
    // it reads from the watermark less the overlap
    expect(second!.from.getTime()).toBe(mark1.getTime() - 60_000);
    expect(second!.eventsAdded).toMatchObject({ call_started: 1 });
    expect(await events(tenant.tenantId, live.call_id)).toEqual([{ type: 'call_started', source: 'reconcile' }]);
    const mark2 = (await prisma.reconcileState.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } })).watermark;
    expect(mark2.getTime()).toBe(Math.max(mark1.getTime(), ongoing.start_timestamp!));
    expect(mark2.getTime()).toBeLessThan(second!.to.getTime());

    await retell.call.stop(live.call_id);
    await waitFor(async () => !!(await retell.call.retrieve(live.call_id)).call_analysis, { what: 'the stopped call analysed' });
    const third = await reconciler.execute({ tenantId: tenant.tenantId });
    expect(third!.from.getTime()).toBe(mark2.getTime() - 60_000);
    expect(third!.eventsAdded).toMatchObject({ call_ended: 1, call_analyzed: 1 });
    const mark3 = (await prisma.reconcileState.findUniqueOrThrow({ where: { tenantId: tenant.tenantId } })).watermark;
    expect(mark3.getTime()).toBe(third!.to.getTime());
    expect(await row(tenant.tenantId, live.call_id)).toMatchObject({ status: 'completed', disconnectionReason: 'manual_stopped' });
  });

  it("Retell's 5xx: the run waits it out, then ends failed and keeps the watermark", async () => {
    const broken = await createTestTenant(prisma, env, 'reconcile-5xx');
    await prisma.tenant.update({ where: { id: broken.tenantId }, data: { retellBaseUrl: `http://127.0.0.1:${(failing.address() as AddressInfo).port}` } });
    const mark = new Date(Date.now() - 600_000);
    await prisma.reconcileState.create({ data: { tenantId: broken.tenantId, watermark: mark } });
    failingHits = 0;
    const findings = await reconciler.execute({ tenantId: broken.tenantId });
    expect(findings).toMatchObject({ status: 'failed', pages: 0 });
    expect(findings!.errors[0]).toMatch(/list-calls: Retell answered 500 2 time\(s\)/);
    expect(failingHits).toBe(2); // RECONCILE_RETRIES=1: one more try
    expect((await prisma.reconcileState.findUniqueOrThrow({ where: { tenantId: broken.tenantId } })).watermark).toEqual(mark);
    expect(await prisma.reconcileRun.findUniqueOrThrow({ where: { id: findings!.runId } })).toMatchObject({ status: 'failed', trigger: 'schedule' });
  });

  it('an operator run is run once: its job run again finds it finished', async () => {
    const run = await runs.request(tenant.tenantId, new Date(Date.now() - 60_000), new Date(), 'operator', 'test');
    expect(await reconciler.execute({ tenantId: tenant.tenantId, runId: run.id })).toMatchObject({ status: 'succeeded' });
    expect(await reconciler.execute({ tenantId: tenant.tenantId, runId: run.id })).toBeUndefined();
    // another tenant's run id does nothing either
    expect(await reconciler.execute({ tenantId: control.tenantId, runId: run.id })).toBeUndefined();
  });
});

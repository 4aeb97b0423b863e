import type { PrismaClient } from '@retell-ops/db';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * The dialer as `npm start` runs it, against the simulator as Retell: the API takes dial
 * requests, the dialer worker places them with retell-sdk, the simulator plays them and sends
 * webhooks, the call worker records them and frees the slots.
 */
describe('end to end: dialling through the simulator', () => {
  const SIM_LIMIT = 10;
  let stack: DialerStack;
  let simUrl: string;
  let prisma: PrismaClient;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startDialerStack({ simVars: { RETELL_SIM_CONCURRENCY: String(SIM_LIMIT) } });
    ({ simUrl, prisma, tenantId } = stack);
  }, 90000);

  afterAll(() => stack?.stop());

  const api: DialerStack['api'] = (...args) => stack.api(...args);
  const simStats = async () => (await (await fetch(`${simUrl}/sim/stats`)).json()) as { maxConcurrentObserved: number; created: number };
  const number = simNumber;

  it('a batch of 50 with maxConcurrent 5 under a simulator limit of 10: never more than 5 live, all final, no-answers redialled', async () => {
    await fetch(`${simUrl}/sim/reset`, { method: 'POST' });
    // 40 answered (…0), 10 no answer (…1)
    const targets = [...Array.from({ length: 40 }, () => ({ toNumber: number('0') })), ...Array.from({ length: 10 }, () => ({ toNumber: number('1') }))];
    const created = await api('POST', '/api/v1/batches', { name: 'e2e fifty', maxConcurrent: 5, maxAttempts: 2, retryBackoffSec: 1, targets });
    expect(created.status).toBe(201);
    const batchId = created.json.id;

    let last: unknown;
    const done = await waitFor(
      async () => {
        const b = (await api('GET', `/api/v1/batches/${batchId}`)).json;
        last = b.progress;
        return b.progress.completed + b.progress.failed === 50 ? b : undefined;
      },
      { what: 'all 50 to end', timeoutMs: 150000, intervalMs: 500 },
    ).catch(async (e) => {
      const rows = await prisma.dialRequest.findMany({ where: { batchId, status: { notIn: ['completed', 'failed'] } }, include: { calls: true } });
      const logs = ['dialer-worker', 'call-worker', 'gateway', 'retell-sim'].map((n) => `${n}:\n${stack.logTail(n, 3000)}`).join('\n');
      throw new Error(`${String(e)}\nlast progress ${JSON.stringify(last)}\nunfinished ${JSON.stringify(rows, null, 1).slice(0, 6000)}\n${logs}`);
    });
    expect(done.progress).toMatchObject({ total: 50, queued: 0, live: 0, completed: 40, failed: 10 });
    expect((await simStats()).maxConcurrentObserved).toBeLessThanOrEqual(5);

    const requests = await prisma.dialRequest.findMany({ where: { batchId }, include: { calls: true } });
    const unanswered = requests.filter((r) => r.toNumber.endsWith('1'));
    for (const r of unanswered) {
      expect(r).toMatchObject({ status: 'failed', attempts: 2, lastOutcome: 'no_answer' });
      expect(r.calls.map((c) => [c.attempt, c.outcome]).sort()).toEqual([
        [1, 'no_answer'],
        [2, 'no_answer'],
      ]);
    }
    for (const r of requests.filter((x) => x.toNumber.endsWith('0'))) expect(r).toMatchObject({ status: 'completed', attempts: 1 });

    // Stats agree with the rows (each attempt is a call; analysed calls count toward the success rate).
    await waitFor(async () => (await prisma.call.count({ where: { dialRequest: { batchId }, successful: null } })) === 0, { what: 'every call analysed' });
    const stats = (await api('GET', `/api/v1/stats?batchId=${batchId}&from=2020-01-01T00:00:00Z`)).json;
    const rows = await prisma.call.findMany({ where: { dialRequest: { batchId } } });
    expect(stats.totals.calls).toBe(rows.length);
    expect(rows.length).toBe(60);
    expect(stats.outcomes.no_answer).toBe(20);
    expect(stats.totals.successful).toBe(rows.filter((c) => c.successful).length);
    expect(stats.byBatch).toEqual([expect.objectContaining({ batchId, calls: 60 })]);
  }, 180000);

  it('a scheduled call dials at its time; a cancelled one never dials', async () => {
    // Far enough ahead that a loaded machine still reads it as scheduled before its time comes.
    const at = new Date(Date.now() + 8000);
    const kept = await api('POST', '/api/v1/calls', { toNumber: number('0'), scheduledAt: at.toISOString() });
    const dropped = await api('POST', '/api/v1/calls', { toNumber: number('0'), scheduledAt: at.toISOString() });
    expect([kept.status, dropped.status]).toEqual([202, 202]);
    expect((await api('GET', `/api/v1/calls/${kept.json.id}`)).json.status).toBe('scheduled');
    expect((await api('DELETE', `/api/v1/calls/${dropped.json.id}`)).json.result).toBe('cancelled');

    const placed = await waitFor(
      async () => {
        const c = (await api('GET', `/api/v1/calls/${kept.json.id}`)).json;
        return c.callId ? c : undefined;
      },
      { what: 'the scheduled call to be placed', timeoutMs: 30000 },
    );
    const request = await prisma.dialRequest.findUniqueOrThrow({ where: { id: kept.json.dialRequestId }, include: { calls: true } });
    expect(request.calls[0].updatedAt.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect(placed.status).not.toBe('scheduled');

    await new Promise((r) => setTimeout(r, 2000));
    const cancelled = await prisma.dialRequest.findUniqueOrThrow({ where: { id: dropped.json.dialRequestId }, include: { calls: true } });
    expect(cancelled).toMatchObject({ status: 'cancelled', attempts: 0 });
    expect(cancelled.calls.every((c) => c.retellCallId === null && c.status === 'cancelled')).toBe(true);
  }, 60000);

  it("a large high-priority batch whose window is closed never holds back the tenant's other calls", async () => {
    const now = new Date();
    const start = ((now.getUTCHours() * 60 + now.getUTCMinutes() + 720) % 1440) % 1439;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    // More queued requests than the old dispatcher ever read (it took 1000 in priority order and skipped in JS).
    // Distinct numbers (1200 random ones would often collide, and duplicates are collapsed).
    const block = String(Math.floor(Math.random() * 100)).padStart(2, '0');
    const targets = Array.from({ length: 1200 }, (_, i) => `+1415${block}${String(i).padStart(4, '0')}0`);
    const batch = await api('POST', '/api/v1/batches', {
      maxConcurrent: 5,
      priority: 'high',
      window: { start: hhmm(start), end: hhmm(start + 1), timeZone: 'UTC' },
      targets,
    });
    expect(batch.status).toBe(201);
    const single = await api('POST', '/api/v1/calls', { toNumber: number('0'), priority: 'low' });
    await waitFor(async () => ((await api('GET', `/api/v1/calls/${single.json.id}`)).json.callId ? true : undefined), {
      what: 'the single call to be placed',
      timeoutMs: 20000,
    });
    expect((await api('GET', `/api/v1/batches/${batch.json.id}`)).json.progress).toMatchObject({ total: 1200, queued: 1200, live: 0 });
    const cancelled = await api('DELETE', `/api/v1/batches/${batch.json.id}`);
    expect(cancelled.json).toMatchObject({ status: 'cancelled', cancelledNow: 1200, progress: { cancelled: 1200 } });
  }, 60000);

  it('under a saturated limit, high priority goes first', async () => {
    // Fill every slot of the tenant (the simulator's limit) with calls that outlast the test: no
    // slot frees until the test frees one.
    const fillers = await Promise.all(
      Array.from({ length: SIM_LIMIT }, () => api('POST', '/api/v1/calls', { toNumber: number('0'), metadata: { sim_talk_ms: 300_000 }, priority: 'low' })),
    );
    const liveFillers = () => prisma.dialRequest.count({ where: { tenantId, id: { in: fillers.map((f) => f.json.dialRequestId) }, status: 'live' } });
    await waitFor(async () => (await liveFillers()) === SIM_LIMIT, { what: 'every slot taken', timeoutMs: 30000 });
    const lows = [
      await api('POST', '/api/v1/calls', { toNumber: number('0'), priority: 'low' }),
      await api('POST', '/api/v1/calls', { toNumber: number('0'), priority: 'low' }),
    ];
    const high = await api('POST', '/api/v1/calls', { toNumber: number('0'), priority: 'high' });
    const waiting = [...lows, high].map((r) => r.json.dialRequestId);
    expect(await prisma.dialRequest.count({ where: { id: { in: waiting }, status: 'queued' } })).toBe(3);
    expect(await liveFillers()).toBe(SIM_LIMIT);

    // Free exactly one slot: stop one filler, and see it end.
    expect((await api('DELETE', `/api/v1/calls/${fillers[0].json.id}`)).status).toBeLessThan(300);
    await waitFor(async () => (await liveFillers()) === SIM_LIMIT - 1, { what: 'the stopped filler to leave its slot', timeoutMs: 30000 });

    await waitFor(async () => ((await api('GET', `/api/v1/calls/${high.json.id}`)).json.callId ? true : undefined), {
      what: 'the high-priority call to be placed',
      timeoutMs: 30000,
    });
    // The one freed slot went to the high request, queued last; both lows still wait, and the
    // other fillers still hold theirs.
    const lowStates = await prisma.dialRequest.findMany({ where: { id: { in: lows.map((l) => l.json.dialRequestId) } } });
    expect(lowStates.map((l) => l.status)).toEqual(['queued', 'queued']);
    expect(await liveFillers()).toBe(SIM_LIMIT - 1);

    // Leave no long call running: cancel the waiting lows, stop the long fillers.
    for (const r of [...lows, ...fillers.slice(1)]) expect((await api('DELETE', `/api/v1/calls/${r.json.id}`)).status).toBeLessThan(300);
    await waitFor(async () => (await liveFillers()) === 0, { what: 'every filler stopped', timeoutMs: 30000 });
  }, 120000);
});

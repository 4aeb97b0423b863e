import { DIAL_REQUEST_GROUPS } from '@retell-ops/domain';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * A bad day at Retell: a share of creates answered 429 (with Retry-After), a share of calls ended
 * at once with concurrency_limit_reached, a share of final webhooks never sent. A batch of 50
 * still completes: nothing stays dialing/live (the reaper settles what the webhooks did not say),
 * nobody is dialled twice in one attempt, and the batch's cap is never passed.
 */
describe('reliability: the dialer under Retell faults', () => {
  const SIM_LIMIT = 10;
  const CAP = 5;
  let stack: DialerStack;

  beforeAll(async () => {
    stack = await startDialerStack({
      envOverrides: { DIAL_STALE_MS: '2000' },
      simVars: {
        RETELL_SIM_CONCURRENCY: String(SIM_LIMIT),
        RETELL_SIM_FAULT_SEED: '9',
        RETELL_SIM_RATE_LIMIT_SHARE: '0.25',
        RETELL_SIM_RATE_LIMIT_RETRY_AFTER_S: '1',
        RETELL_SIM_CONCURRENCY_FAULT_SHARE: '0.2',
        RETELL_SIM_DROP_FINAL_WEBHOOK_SHARE: '0.25',
      },
    });
  }, 90000);
  afterAll(() => stack?.stop());

  it('a batch of 50 completes; no request stays dialing/live; nobody dialled twice in one attempt; the cap holds', async () => {
    const { api, prisma } = stack;
    await stack.sim('POST', '/sim/reset');
    // 40 answered (…0), 10 no answer (…1), redialled once
    const targets = [...Array.from({ length: 40 }, () => simNumber('0')), ...Array.from({ length: 10 }, () => simNumber('1'))];
    const created = await api('POST', '/api/v1/batches', { name: 'bad day', maxConcurrent: CAP, maxAttempts: 2, retryBackoffSec: 1, targets });
    expect(created.status).toBe(201);
    const batchId = created.json.id as string;

    // Sample the batch's slots while it runs.
    let maxHeld = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const held = await prisma.dialRequest.count({ where: { batchId, status: { in: [...DIAL_REQUEST_GROUPS.holdingSlot] } } });
        maxHeld = Math.max(maxHeld, held);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const done = await waitFor(
      async () => {
        const b = (await api('GET', `/api/v1/batches/${batchId}`)).json;
        return b.status === 'completed' ? b : undefined;
      },
      { what: 'the batch to complete', timeoutMs: 200000, intervalMs: 500 },
    );
    sampling = false;
    await sampler;

    expect(done).toMatchObject({
      status: 'completed',
      completedAt: expect.any(String),
      progress: { total: 50, queued: 0, live: 0, completed: 40, failed: 10, cancelled: 0 },
    });
    expect(await prisma.dialRequest.count({ where: { batchId, status: { in: [...DIAL_REQUEST_GROUPS.holdingSlot] } } })).toBe(0);
    expect(maxHeld).toBeLessThanOrEqual(CAP);

    const stats = await stack.sim<{
      maxConcurrentObserved: number;
      rateLimited: number;
      droppedWebhooks: number;
      byDisconnectionReason: Record<string, number>;
    }>('GET', '/sim/stats');
    expect(stats.maxConcurrentObserved).toBeLessThanOrEqual(CAP);
    // every fault happened, so the run proves something
    expect(stats.rateLimited).toBeGreaterThan(0);
    expect(stats.droppedWebhooks).toBeGreaterThan(0);
    expect(stats.byDisconnectionReason.concurrency_limit_reached).toBeGreaterThan(0);

    const requests = await prisma.dialRequest.findMany({ where: { batchId }, include: { calls: true } });
    const creates = await stack.simCreates();
    // A 429 created no call; every other create names a call.
    for (const c of creates) expect(c.result === 'rate_limited' ? c.callId : typeof c.callId).toBe(c.result === 'rate_limited' ? undefined : 'string');
    for (const r of requests) {
      const mine = creates.filter((c) => c.toNumber === r.toNumber);
      const rang = mine.filter((c) => c.result === 'dialled');
      // no number dialled more often than its counted attempts; each attempt's call row dialled once at most
      expect({ number: r.toNumber, rang: rang.length <= r.attempts }).toEqual({ number: r.toNumber, rang: true });
      const perRow = new Map<string, number>();
      for (const c of rang) perRow.set(c.platformCallId!, (perRow.get(c.platformCallId!) ?? 0) + 1);
      expect([...perRow.values()].every((n) => n === 1)).toBe(true);
      // a call Retell ended for concurrency stays as it ended, and is not an attempt
      const limited = r.calls.filter((c) => c.outcome === 'concurrency_limited');
      for (const c of limited) expect(c.status).toBe('failed');
      expect(r.calls.length - limited.length).toBe(r.attempts);
      if (r.toNumber.endsWith('1')) expect(r).toMatchObject({ status: 'failed', attempts: 2, lastOutcome: 'no_answer' });
      else expect(r).toMatchObject({ status: 'completed', attempts: 1 });
    }
    // The reaper settled the calls whose final webhooks never came, from get-call.
    expect(stack.dialer().output()).toMatch(/held a slot too long: ended/);
    // A try refused with 429 and one whose call Retell ended for concurrency were both tried again.
    expect(requests.some((r) => r.tries > r.attempts)).toBe(true);
  }, 240000);
});

import type { AppProcess } from '../support/processes';
import { startApp } from '../support/processes';
import { startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * A campaign dialled by three dialer-worker processes at once against the simulator at a
 * concurrency cap: the simulator never sees more calls at once than the cap, every target is
 * dialled exactly once, and the batch completes. (600 targets at a cap of 60 here, a size a loaded CI machine places in time; bench --campaign runs more.)
 */
describe('end to end: a campaign dialled by three dialer workers under a concurrency cap', () => {
  // CI's size: bench --campaign runs 20,000 at a cap of 1,000. A loaded machine is slow to place calls, so this stays small.
  const CAP = 60;
  const TARGETS = 600;
  let stack: DialerStack;
  const extraDialers: AppProcess[] = [];

  beforeAll(async () => {
    stack = await startDialerStack({
      simVars: { RETELL_SIM_CONCURRENCY: String(CAP), RETELL_SIM_RING_MS: '100', RETELL_SIM_TALK_MS: '400', RETELL_SIM_CALL_STORE_LIMIT: '10000' },
    });
    for (let i = 0; i < 2; i++) extraDialers.push(await startApp('dialer-worker', stack.vars, /consuming/));
  }, 120000);

  afterAll(async () => {
    await Promise.all(extraDialers.map((d) => d.stop()));
    await stack?.stop();
  });

  it(`${TARGETS} targets, cap ${CAP}, three dialers: never above the cap, each dialled once, the batch completes`, async () => {
    await stack.sim('POST', '/sim/reset');
    const numbers = Array.from({ length: TARGETS }, (_, i) => `+1415${String(i).padStart(6, '0')}0`);
    const created = await stack.api('POST', '/api/v1/batches', { name: 'three dialers', maxConcurrent: 1000, targets: numbers });
    expect(created.status).toBe(201);
    const batchId = created.json.id as string;

    const done = await waitFor(
      async () => {
        const b = (await stack.api('GET', `/api/v1/batches/${batchId}`)).json;
        return b.status === 'completed' ? b : undefined;
      },
      { what: `all ${TARGETS} calls to end`, timeoutMs: 170000, intervalMs: 1000 },
    );
    expect(done.progress).toMatchObject({ total: TARGETS, completed: TARGETS, failed: 0, queued: 0, live: 0 });

    const stats = await stack.sim<{ maxConcurrentObserved: number; created: number; byDisconnectionReason: Record<string, number> }>('GET', '/sim/stats');
    expect(stats.maxConcurrentObserved).toBeLessThanOrEqual(CAP);
    expect(stats.maxConcurrentObserved).toBeGreaterThan(CAP / 4); // the dialers did run in parallel
    expect(stats.byDisconnectionReason.concurrency_limit_reached ?? 0).toBe(0);
    expect(stats.created).toBe(TARGETS);

    // The simulator's create log: each number exactly once, each of our call ids exactly once.
    const creates = await stack.simCreates();
    const perNumber = new Map<string, number>();
    for (const c of creates) perNumber.set(c.toNumber, (perNumber.get(c.toNumber) ?? 0) + 1);
    expect(perNumber.size).toBe(TARGETS);
    expect([...perNumber.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(creates.map((c) => c.platformCallId)).size).toBe(TARGETS);

    const tries = await stack.prisma.dialRequest.groupBy({ by: ['tries', 'attempts', 'status'], where: { batchId }, _count: { _all: true } });
    expect(tries).toEqual([{ tries: 1, attempts: 1, status: 'completed', _count: { _all: TARGETS } }]);
  }, 190000);
});

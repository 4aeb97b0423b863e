import { DIAL_REQUEST_GROUPS } from '@retell-ops/domain';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * "Never dial a person twice": the dialer-worker process is SIGKILLed while its creates are under
 * way at Retell (the simulator holds each create's answer back, after the call is made), then
 * started again. Its place jobs come back as stalled; each asks Retell for the call it made before
 * creating again, links it, and every request ends with exactly one call per attempt.
 */
describe('end to end: a dialer worker killed mid-create', () => {
  const CALLS = 6;
  const CREATE_DELAY_MS = 4000;
  // Longer than a restart plus the stalled-job pickup on a loaded machine, so the restarted placer, not a webhook, links each call.
  const RING_MS = 25000;
  let stack: DialerStack;

  beforeAll(async () => {
    // a short lock: the killed worker's jobs are seen as stalled soon after the restart
    stack = await startDialerStack({ envOverrides: { WORKER_LOCK_MS: '2000', DIAL_STALE_MS: '120000' }, simVars: { RETELL_SIM_CONCURRENCY: '20' } });
  }, 90000);
  afterAll(() => stack?.stop());

  it('every request ends with one call per attempt, and no call Retell already had is created again', async () => {
    const { prisma, api } = stack;
    const posted = await Promise.all(
      Array.from({ length: CALLS }, async () => {
        const toNumber = simNumber('0');
        // a long ring too: no webhook can link the call while the dialer is down
        const res = await api('POST', '/api/v1/calls', { toNumber, metadata: { sim_create_delay_ms: CREATE_DELAY_MS, sim_ring_ms: RING_MS } });
        expect(res.status).toBe(202);
        return { toNumber, requestId: res.json.dialRequestId as string, callRef: res.json.id as string };
      }),
    );
    const numbers = new Set(posted.map((p) => p.toNumber));

    // Every create has reached Retell (the call exists, its answer is held back): kill now.
    await waitFor(async () => (await stack.simCreates()).filter((c) => numbers.has(c.toNumber)).length === CALLS || undefined, {
      what: 'every create to reach the simulator',
      intervalMs: 25,
    });
    await stack.dialer().stop('SIGKILL');

    // It landed mid-create: the dialer never got Retell's ids, and the answers found it gone.
    const rows = await prisma.call.findMany({ where: { id: { in: posted.map((p) => p.callRef) } } });
    expect(rows.map((c) => c.retellCallId)).toEqual(rows.map(() => null));
    const requests = await prisma.dialRequest.findMany({ where: { id: { in: posted.map((p) => p.requestId) } } });
    expect(requests.map((r) => r.status)).toEqual(requests.map(() => 'dialing'));
    const answered = await waitFor(
      async () => {
        const mine = (await stack.simCreates()).filter((c) => numbers.has(c.toNumber));
        return mine.every((c) => c.callerGone !== undefined) ? mine : undefined;
      },
      { what: 'the held-back answers to be ready', timeoutMs: CREATE_DELAY_MS + 10000 },
    );
    expect(answered.map((c) => [c.result, c.callerGone])).toEqual(answered.map(() => ['dialled', true]));

    await stack.startDialer();

    // Linked by the restarted placer (the calls are still ringing: no webhook did it).
    const linked = await waitFor(
      async () => {
        const rs = await prisma.dialRequest.findMany({ where: { id: { in: posted.map((p) => p.requestId) } }, include: { calls: true } });
        return rs.every((r) => r.status !== 'dialing') ? rs : undefined;
      },
      { what: 'every request to leave dialing', timeoutMs: 30000 },
    );
    for (const r of linked)
      expect({ id: r.id, status: r.status, started: r.calls.map((c) => c.startedAt) }).toEqual({ id: r.id, status: 'live', started: [null] });

    const ended = await waitFor(
      async () => {
        const rs = await prisma.dialRequest.findMany({ where: { id: { in: posted.map((p) => p.requestId) } }, include: { calls: true } });
        return rs.every((r) => (DIAL_REQUEST_GROUPS.final as readonly string[]).includes(r.status)) ? rs : undefined;
      },
      { what: 'every request to end', timeoutMs: RING_MS + 60000, intervalMs: 250 },
    );
    const creates = (await stack.simCreates()).filter((c) => numbers.has(c.toNumber));
    for (const r of ended) {
      expect(r).toMatchObject({ status: 'completed', attempts: 1 });
      expect(r.calls).toHaveLength(1);
      expect(r.calls[0]).toMatchObject({ status: 'completed', retellCallId: expect.any(String) });
      // one create for the attempt, and it is the call the platform has
      const mine = creates.filter((c) => c.toNumber === r.toNumber);
      expect(mine.map((c) => [c.platformCallId, c.callId])).toEqual([[r.calls[0].id, r.calls[0].retellCallId]]);
    }
    expect(creates).toHaveLength(CALLS);
  }, 150000);
});

import { DIAL_REQUEST_GROUPS } from '@retell-ops/domain';
import { simNumber, startDialerStack, type DialerStack, type SimCreate } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

/**
 * What the placer does when a create goes wrong, and what an unanswered call leads to, against the
 * real processes with the simulator as Retell. The tenant has one line (the simulator's limit is
 * 1), so a request that kept its slot after a failure would stop every later call.
 * - a 500 before Retell made the call: the request fails as dial_failed and frees its slot;
 * - a 500 after Retell made the call, and a create that outlasts the client's timeout: the placer
 *   finds the call by the platform's call id and links it; nobody is dialled twice;
 * - busy and voicemail are redialled after retryBackoffSec until maxAttempts, each attempt its own
 *   call row; dial_failed and invalid_destination are not redialled.
 */
describe('end to end: the dialer when a create fails, and redials', () => {
  const TIMEOUT_MS = 2500;
  let stack: DialerStack;

  beforeAll(async () => {
    stack = await startDialerStack({
      envOverrides: { RETELL_TIMEOUT_MS: String(TIMEOUT_MS), DIAL_STALE_MS: '120000' },
      simVars: { RETELL_SIM_CONCURRENCY: '1' },
    });
  }, 90000);
  afterAll(() => stack?.stop());

  const requestOf = (id: string) => stack.prisma.dialRequest.findUniqueOrThrow({ where: { id }, include: { calls: { orderBy: { attempt: 'asc' } } } });
  const post = async (body: Record<string, unknown>) => {
    const res = await stack.api('POST', '/api/v1/calls', body);
    expect(res.status).toBe(202);
    return { callRef: res.json.id as string, requestId: res.json.dialRequestId as string, toNumber: body.toNumber as string };
  };
  const until = (id: string, statuses: readonly string[], what: string, timeoutMs = 40000) =>
    waitFor(
      async () => {
        const r = await requestOf(id);
        return statuses.includes(r.status) ? r : undefined;
      },
      { what, timeoutMs, intervalMs: 100 },
    );
  const createsFor = async (toNumber: string): Promise<SimCreate[]> => (await stack.simCreates()).filter((c) => c.toNumber === toNumber);
  const held = () => stack.prisma.dialRequest.count({ where: { tenantId: stack.tenantId, status: { in: [...DIAL_REQUEST_GROUPS.holdingSlot] } } });

  it('a 500 before the call was made: dial_failed, no call at Retell, and the one slot is free for the next call', async () => {
    const p = await post({ toNumber: simNumber('0'), metadata: { sim_create_fault: 'server_error' } });
    const failed = await until(p.requestId, DIAL_REQUEST_GROUPS.final, 'the request to end');
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastOutcome: 'dial_failed', lastError: expect.stringContaining('(500)') });
    expect(failed.calls).toHaveLength(1);
    expect(failed.calls[0]).toMatchObject({ id: p.callRef, status: 'failed', outcome: 'dial_failed', retellCallId: null });
    const creates = await createsFor(p.toNumber);
    expect(creates.map((c) => [c.result, c.status, c.callId])).toEqual([['server_error', 500, undefined]]);
    expect(await held()).toBe(0);

    // one line only: the next call can go only if the failed request let go of it
    const next = await post({ toNumber: simNumber('0') });
    expect(await until(next.requestId, DIAL_REQUEST_GROUPS.final, 'the next call to end')).toMatchObject({ status: 'completed', attempts: 1 });
    // and the failed one was not dialled again meanwhile
    expect(await createsFor(p.toNumber)).toHaveLength(1);
  }, 60000);

  it('a 500 after Retell made the call: the placer finds the call by its id and links it; one create, one call', async () => {
    // a long ring: no webhook comes before the placer has had its say
    const p = await post({ toNumber: simNumber('0'), metadata: { sim_create_fault: 'server_error_after_create', sim_ring_ms: 4000 } });
    const live = await until(p.requestId, ['live', ...DIAL_REQUEST_GROUPS.final], 'the request to be linked');
    const [create] = await createsFor(p.toNumber);
    expect(create).toMatchObject({ result: 'dialled', status: 500, platformCallId: p.callRef, callId: expect.any(String) });
    expect(live.status).toBe('live');
    expect(live.calls).toHaveLength(1);
    // linked by the placer, not by a webhook: the call has not connected yet
    expect(live.calls[0]).toMatchObject({ id: p.callRef, retellCallId: create.callId, startedAt: null });

    const done = await until(p.requestId, DIAL_REQUEST_GROUPS.final, 'the call to end');
    expect(done).toMatchObject({ status: 'completed', attempts: 1, tries: 1 });
    expect(done.calls.map((c) => [c.id, c.retellCallId, c.status])).toEqual([[p.callRef, create.callId, 'completed']]);
    expect(await createsFor(p.toNumber)).toHaveLength(1);
  }, 60000);

  it('a create that outlasts the client timeout: the call is made, the placer gives up waiting, finds it and links it', async () => {
    const p = await post({ toNumber: simNumber('0'), metadata: { sim_create_delay_ms: TIMEOUT_MS + 3000, sim_ring_ms: TIMEOUT_MS + 5000 } });
    const live = await until(p.requestId, ['live', ...DIAL_REQUEST_GROUPS.final], 'the request to be linked');
    const [create] = await createsFor(p.toNumber);
    expect(live.status).toBe('live');
    expect(live.calls[0]).toMatchObject({ id: p.callRef, retellCallId: create.callId, startedAt: null });
    // the answer, when it was ready, found the dialer gone: it had timed out
    const answered = await waitFor(async () => ((await createsFor(p.toNumber))[0]?.callerGone !== undefined ? (await createsFor(p.toNumber))[0] : undefined), {
      what: 'the slow answer to be ready',
      timeoutMs: 20000,
    });
    expect(answered).toMatchObject({ result: 'dialled', status: 201, answerDelayMs: TIMEOUT_MS + 3000, callerGone: true, platformCallId: p.callRef });

    const done = await until(p.requestId, DIAL_REQUEST_GROUPS.final, 'the call to end');
    expect(done).toMatchObject({ status: 'completed', attempts: 1, tries: 1 });
    expect(done.calls.map((c) => [c.id, c.retellCallId, c.status])).toEqual([[p.callRef, create.callId, 'completed']]);
    expect(await createsFor(p.toNumber)).toHaveLength(1);
  }, 60000);

  it('a slow create inside the client timeout: the placer waits for the answer and places the call (the answer found it there)', async () => {
    const p = await post({ toNumber: simNumber('0'), metadata: { sim_create_delay_ms: 600 } });
    const done = await until(p.requestId, DIAL_REQUEST_GROUPS.final, 'the call to end');
    const creates = await waitFor(
      async () => {
        const mine = await createsFor(p.toNumber);
        return mine[0]?.callerGone !== undefined ? mine : undefined;
      },
      { what: 'the answer to be recorded' },
    );
    expect(creates.map((c) => [c.result, c.status, c.answerDelayMs, c.callerGone])).toEqual([['dialled', 201, 600, false]]);
    expect(done).toMatchObject({ status: 'completed', attempts: 1, tries: 1 });
    expect(done.calls.map((c) => c.retellCallId)).toEqual([creates[0].callId]);
  }, 60000);

  const BACKOFF_SEC = 2;
  const redials: Array<[string, string, { status: string; attempts: number; lastOutcome: string }]> = [
    ['busy', '2', { status: 'failed', attempts: 3, lastOutcome: 'busy' }],
    ['voicemail', '3', { status: 'failed', attempts: 3, lastOutcome: 'voicemail' }],
    ['dial_failed', '4', { status: 'failed', attempts: 1, lastOutcome: 'dial_failed' }],
    ['invalid_destination', '5', { status: 'failed', attempts: 1, lastOutcome: 'wrong_number' }],
  ];

  it('busy and voicemail are redialled after the backoff up to maxAttempts, each attempt its own call; dial_failed and invalid_destination are not', async () => {
    const started = await Promise.all(redials.map(([, last]) => post({ toNumber: simNumber(last), maxAttempts: 3, retryBackoffSec: BACKOFF_SEC })));
    const ended = await Promise.all(started.map((p, i) => until(p.requestId, DIAL_REQUEST_GROUPS.final, `the ${redials[i][0]} request to end`, 90000)));

    for (const [i, [scenario, , expected]] of redials.entries()) {
      const request = ended[i];
      expect({ scenario, ...request }).toMatchObject({ scenario, ...expected });
      // one call row per attempt, numbered 1..n, each with its own Retell call and the attempt's outcome
      expect(request.calls.map((c) => c.attempt)).toEqual(Array.from({ length: expected.attempts }, (_, k) => k + 1));
      expect(request.calls.every((c) => c.outcome === expected.lastOutcome && c.retellCallId)).toBe(true);
      expect(new Set(request.calls.map((c) => c.retellCallId)).size).toBe(expected.attempts);
      // Retell saw exactly those calls, one create per call row, in attempt order
      const creates = await createsFor(started[i].toNumber);
      expect(creates.map((c) => [c.result, c.platformCallId, c.callId])).toEqual(request.calls.map((c) => ['dialled', c.id, c.retellCallId]));
      // each redial waited at least the backoff after the attempt before it
      for (let k = 1; k < creates.length; k++) expect(creates[k].at - creates[k - 1].at).toBeGreaterThanOrEqual(BACKOFF_SEC * 1000);
    }

    // Nothing is dialled after the final verdict: by the time a later call has been placed and has
    // ended, well past every backoff, any redial due would have been dispatched before it.
    const count = async () => Promise.all(started.map(async (p) => (await createsFor(p.toNumber)).length));
    const before = await count();
    await new Promise((r) => setTimeout(r, BACKOFF_SEC * 1000 + 500));
    const sentinel = await post({ toNumber: simNumber('0') });
    await until(sentinel.requestId, ['completed'], 'a later call to complete');
    expect(await count()).toEqual(before);
    expect(before).toEqual(redials.map(([, , e]) => e.attempts));
  }, 120000);
});

/**
 * The same faults as seeded shares of every create (RETELL_SIM_SERVER_ERROR_SHARE,
 * _SERVER_ERROR_AFTER_CREATE_SHARE, _SLOW_CREATE_SHARE), under a batch running five at a time.
 */
describe('end to end: a batch while a share of creates fails or is slow', () => {
  const TIMEOUT_MS = 2500;
  let stack: DialerStack;

  beforeAll(async () => {
    stack = await startDialerStack({
      envOverrides: { RETELL_TIMEOUT_MS: String(TIMEOUT_MS), DIAL_STALE_MS: '120000' },
      simVars: {
        RETELL_SIM_CONCURRENCY: '10',
        RETELL_SIM_FAULT_SEED: '5',
        RETELL_SIM_SERVER_ERROR_SHARE: '0.15',
        RETELL_SIM_SERVER_ERROR_AFTER_CREATE_SHARE: '0.15',
        RETELL_SIM_SLOW_CREATE_SHARE: '0.15',
        RETELL_SIM_SLOW_CREATE_MS: String(TIMEOUT_MS + 1500),
      },
    });
  }, 90000);
  afterAll(() => stack?.stop());

  it('every request ends; a 500 before the call fails it as dial_failed, every call Retell made is linked and completes; nobody dialled twice', async () => {
    const targets = Array.from({ length: 30 }, () => simNumber('0'));
    const created = await stack.api('POST', '/api/v1/batches', { name: 'flaky creates', maxConcurrent: 5, maxAttempts: 2, retryBackoffSec: 1, targets });
    expect(created.status).toBe(201);
    const batchId = created.json.id as string;
    const done = await waitFor(
      async () => {
        const b = (await stack.api('GET', `/api/v1/batches/${batchId}`)).json;
        return b.status === 'completed' ? b : undefined;
      },
      { what: 'the batch to complete', timeoutMs: 120000, intervalMs: 500 },
    );

    // the last slow answers may still be held back
    const creates = await waitFor(
      async () => {
        const all = await stack.simCreates();
        return all.every((c) => !c.answerDelayMs || c.callerGone !== undefined) ? all : undefined;
      },
      { what: 'every slow answer to be ready', timeoutMs: 20000 },
    );
    // every fault happened, so the run proves something
    expect(creates.filter((c) => c.result === 'server_error').length).toBeGreaterThan(0);
    expect(creates.filter((c) => c.result === 'dialled' && c.status === 500).length).toBeGreaterThan(0);
    const slow = creates.filter((c) => c.answerDelayMs);
    expect(slow.length).toBeGreaterThan(0);
    // each slow answer came after the dialer had given up on it
    expect(slow.map((c) => c.callerGone)).toEqual(slow.map(() => true));

    const requests = await stack.prisma.dialRequest.findMany({ where: { batchId }, include: { calls: true } });
    const refused = requests.filter((r) => creates.some((c) => c.toNumber === r.toNumber && c.result === 'server_error'));
    expect(done.progress).toMatchObject({ total: 30, queued: 0, live: 0, completed: 30 - refused.length, failed: refused.length, cancelled: 0 });
    for (const r of requests) {
      const mine = creates.filter((c) => c.toNumber === r.toNumber);
      // one create, for the request's one call row
      expect({ number: r.toNumber, creates: mine.map((c) => c.platformCallId), calls: r.calls.map((c) => c.id) }).toEqual({
        number: r.toNumber,
        creates: [r.calls[0]?.id],
        calls: [r.calls[0]?.id],
      });
      if (mine[0].result === 'server_error') {
        expect(r).toMatchObject({ status: 'failed', attempts: 1, lastOutcome: 'dial_failed' });
        expect(r.calls[0]).toMatchObject({ status: 'failed', retellCallId: null });
      } else {
        expect(r).toMatchObject({ status: 'completed', attempts: 1 });
        expect(r.calls[0]).toMatchObject({ status: 'completed', retellCallId: mine[0].callId });
      }
    }
  }, 180000);
});

import { Logger } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { QueueProducers } from '@retell-ops/queue';
import type { PrismaService } from '@retell-ops/db';
import { DialDispatcher, DialRequestStore, RetellClients, TenantConcurrency } from '@retell-ops/dialer';
import { simNumber, startDialerStack, type DialerStack } from '../support/dialer-stack';
import { waitFor } from '../support/wait';

type Expect = {
  result: 'cancelled' | 'stopping' | 'final';
  request: string;
  call: { status: string; outcome?: string | null; disconnectionReason?: string | null };
  /** calls the simulator created for the number, in all */
  creates: number;
  /** whether Retell was asked to stop the call (its report says manual_stopped) */
  stopped: boolean;
};

interface Prepared {
  callRef: string;
  requestId: string;
  toNumber: string;
  /** what is left to do after the DELETE (e.g. restart the dialer) */
  after?: () => Promise<void>;
}

/**
 * DELETE /api/v1/calls/:id in each state of a dial request, against the real processes and the
 * simulator as Retell: the answer, the request's and the call's final states, whether Retell saw
 * a stop, and that a cancelled request is never dialled or redialled.
 */
describe('end to end: cancel in every dial-request state', () => {
  let stack: DialerStack;
  beforeAll(async () => {
    Logger.overrideLogger(['error', 'warn']); // the in-process dialer classes log every move
    stack = await startDialerStack({ envOverrides: { DIAL_STALE_MS: '60000' }, simVars: { RETELL_SIM_CONCURRENCY: '20' } });
  }, 90000);
  afterAll(() => stack?.stop());

  const requestOf = (id: string) => stack.prisma.dialRequest.findUniqueOrThrow({ where: { id } });
  const call = async (body: Record<string, unknown>) => {
    const res = await stack.api('POST', '/api/v1/calls', body);
    expect(res.status).toBe(202);
    return { callRef: res.json.id as string, requestId: res.json.dialRequestId as string, toNumber: body.toNumber as string };
  };
  const until = (id: string, statuses: string[], what: string) =>
    waitFor(
      async () => {
        const r = await requestOf(id);
        return statuses.includes(r.status) ? r : undefined;
      },
      { what, timeoutMs: 30000 },
    );

  /** A window of one minute half a day away: closed for the whole test. */
  const closedWindow = () => {
    const now = new Date();
    const start = ((now.getUTCHours() * 60 + now.getUTCMinutes() + 720) % 1440) % 1439;
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    return { start: hhmm(start), end: hhmm(start + 1), timeZone: 'UTC' };
  };

  const cases: Array<[string, () => Promise<Prepared>, Expect]> = [
    [
      'scheduled',
      () => call({ toNumber: simNumber('0'), scheduledAt: new Date(Date.now() + 3600_000).toISOString() }),
      { result: 'cancelled', request: 'cancelled', call: { status: 'cancelled', outcome: 'stopped' }, creates: 0, stopped: false },
    ],
    [
      'queued (its batch window is closed)',
      async () => {
        const toNumber = simNumber('0');
        const batch = await stack.api('POST', '/api/v1/batches', { maxConcurrent: 1, window: closedWindow(), targets: [toNumber] });
        expect(batch.status).toBe(201);
        const r = await stack.prisma.dialRequest.findFirstOrThrow({ where: { batchId: batch.json.id } });
        expect(r.status).toBe('queued');
        return { callRef: r.currentCallId!, requestId: r.id, toNumber };
      },
      { result: 'cancelled', request: 'cancelled', call: { status: 'cancelled', outcome: 'stopped' }, creates: 0, stopped: false },
    ],
    [
      'retry_wait (cancelled by its first call, which stays as it ended)',
      async () => {
        const p = await call({ toNumber: simNumber('1'), maxAttempts: 3, retryBackoffSec: 2 });
        await until(p.requestId, ['retry_wait'], 'the first attempt to go unanswered');
        return p;
      },
      { result: 'cancelled', request: 'cancelled', call: { status: 'failed', outcome: 'no_answer' }, creates: 1, stopped: false },
    ],
    [
      'dialing, before the create (the place job has not run)',
      async () => {
        await stack.stopDialer();
        const p = await call({ toNumber: simNumber('0') });
        await handOutHere(stack);
        expect((await requestOf(p.requestId)).status).toBe('dialing');
        return { ...p, after: () => stack.startDialer() };
      },
      { result: 'stopping', request: 'cancelled', call: { status: 'cancelled', outcome: 'stopped' }, creates: 0, stopped: false },
    ],
    [
      'dialing, during the create (Retell has the call, its answer has not come back)',
      async () => {
        const p = await call({ toNumber: simNumber('0'), metadata: { sim_create_delay_ms: 3000, sim_ring_ms: 20000 } });
        await waitFor(async () => (await stack.simCreates()).some((c) => c.toNumber === p.toNumber) || undefined, {
          what: 'the create to reach the simulator',
        });
        expect((await requestOf(p.requestId)).status).toBe('dialing');
        return p;
      },
      {
        result: 'stopping',
        request: 'cancelled',
        call: { status: 'cancelled', outcome: 'stopped', disconnectionReason: 'manual_stopped' },
        creates: 1,
        stopped: true,
      },
    ],
    [
      'live (connected, talking)',
      async () => {
        const p = await call({ toNumber: simNumber('0'), metadata: { sim_talk_ms: 60000 } });
        await until(p.requestId, ['live'], 'the call to be live');
        await waitFor(async () => (await stack.prisma.call.findUniqueOrThrow({ where: { id: p.callRef } })).status === 'in_progress' || undefined, {
          what: 'the call to connect',
        });
        return p;
      },
      {
        result: 'stopping',
        request: 'cancelled',
        call: { status: 'completed', outcome: 'stopped', disconnectionReason: 'manual_stopped' },
        creates: 1,
        stopped: true,
      },
    ],
    [
      'completed',
      async () => {
        const p = await call({ toNumber: simNumber('0') });
        await until(p.requestId, ['completed'], 'the call to complete');
        return p;
      },
      { result: 'final', request: 'completed', call: { status: 'completed' }, creates: 1, stopped: false },
    ],
    [
      'failed',
      async () => {
        const p = await call({ toNumber: simNumber('4') });
        await until(p.requestId, ['failed'], 'the call to fail');
        return p;
      },
      { result: 'final', request: 'failed', call: { status: 'failed', outcome: 'dial_failed' }, creates: 1, stopped: false },
    ],
    [
      'cancelled',
      async () => {
        const p = await call({ toNumber: simNumber('0'), scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
        expect((await stack.api('DELETE', `/api/v1/calls/${p.callRef}`)).json.result).toBe('cancelled');
        return p;
      },
      { result: 'final', request: 'cancelled', call: { status: 'cancelled', outcome: 'stopped' }, creates: 0, stopped: false },
    ],
  ];

  const cancelled: Prepared[] = [];

  it.each(cases)(
    '%s',
    async (_name, prepare, expected) => {
      const p = await prepare();
      const answer = await stack.api('DELETE', `/api/v1/calls/${p.callRef}`);
      expect({ status: answer.status, result: answer.json.result }).toEqual({ status: 202, result: expected.result });
      await p.after?.();

      const request = await until(p.requestId, [expected.request], `the request to end ${expected.request}`);
      const row = await waitFor(
        async () => {
          const c = await stack.prisma.call.findUniqueOrThrow({ where: { id: p.callRef } });
          return c.status === expected.call.status ? c : undefined;
        },
        { what: `the call to be ${expected.call.status}` },
      );
      expect(row).toMatchObject(expected.call);
      if (expected.request === 'cancelled') expect(request.lastOutcome).toBe('stopped');
      // a cancel that could not finish at once was recorded, so nothing redials it
      expect(request.cancelRequestedAt !== null).toBe(expected.result === 'stopping');
      const creates = (await stack.simCreates()).filter((c) => c.toNumber === p.toNumber);
      expect(creates.filter((c) => c.result !== 'rate_limited')).toHaveLength(expected.creates);
      const reason = row.retellCallId ? (await stack.prisma.call.findUniqueOrThrow({ where: { id: p.callRef } })).disconnectionReason : null;
      expect(reason === 'manual_stopped').toBe(expected.stopped);
      if (expected.request === 'cancelled') cancelled.push(p);
    },
    60000,
  );

  it('a cancelled request is never dialled or redialled afterwards', async () => {
    expect(cancelled.length).toBe(7);
    const dialled = async () => {
      const creates = await stack.simCreates();
      return Object.fromEntries(cancelled.map((p) => [p.toNumber, creates.filter((c) => c.toNumber === p.toNumber).length]));
    };
    const before = await dialled();
    // By the time a fresh call has been dispatched, placed and ended, every redial that was due
    // (the retry_wait one's backoff is long past) would have been dispatched too.
    await new Promise((r) => setTimeout(r, 2500));
    const sentinel = await call({ toNumber: simNumber('0') });
    await until(sentinel.requestId, ['completed'], 'a later call to complete');
    expect(await dialled()).toEqual(before);
    for (const p of cancelled) expect((await requestOf(p.requestId)).status).toBe('cancelled');
  }, 60000);
});

/** The dispatcher, run in the test while the dialer worker is stopped: hands the queued request out (a place job waits). */
async function handOutHere(stack: DialerStack): Promise<void> {
  const env = stack.env as AppEnv;
  const prisma = stack.prisma as unknown as PrismaService;
  const producers = new QueueProducers(env);
  const clients = new RetellClients(prisma, env);
  const dispatcher = new DialDispatcher(prisma, new DialRequestStore(prisma), new TenantConcurrency(clients, env), producers);
  try {
    await waitFor(async () => (await dispatcher.dispatch(stack.tenantId)) > 0 || undefined, { what: 'the request to be handed out' });
  } finally {
    await producers.onModuleDestroy();
  }
}

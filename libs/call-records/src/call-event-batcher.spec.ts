import type { CallEventJob } from '@retell-ops/queue';
import { CallEventBatcher } from './call-event-batcher';
import type { RecordedCall, RecordOutcome, StartedBatch } from './record-call-event';

const T = '00000000-0000-4000-8000-000000000001';
const job = (callId: string, event: CallEventJob['event'] = 'call_started', tenantId = T): CallEventJob => ({
  tenantId,
  callId,
  event,
  receivedAt: 0,
  body: '{}',
});
const recorded = (j: CallEventJob): RecordedCall => ({
  id: `row-${j.callId}`,
  tenantId: j.tenantId,
  retellCallId: j.callId,
  candidateId: null,
  metadata: null,
  dialRequestId: null,
  status: 'queued',
  outcome: null,
  eventAdded: true,
});

/** A recorder whose batches finish when the test says, remembering what each batch held. */
function controlledRun() {
  const batches: CallEventJob[][] = [];
  const finish: Array<(fail?: (j: CallEventJob) => Error | undefined) => void> = [];
  const run = (jobs: CallEventJob[]): StartedBatch => {
    batches.push(jobs);
    const settle: Array<(o: RecordOutcome) => void> = [];
    const outcomes = jobs.map(() => new Promise<RecordOutcome>((resolve) => settle.push(resolve)));
    let attempted!: () => void;
    const done = new Promise<void>((resolve) => (attempted = resolve));
    finish.push((fail) => {
      jobs.forEach((j, i) => settle[i](fail?.(j) ? { ok: false, error: fail(j)! } : { ok: true, value: recorded(j) }));
      attempted();
    });
    return { outcomes, attempted: done };
  };
  return { run, batches, finish };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('CallEventBatcher', () => {
  it('deliveries handed in during one turn share a batch; each caller gets its own row', async () => {
    const c = controlledRun();
    const b = new CallEventBatcher(c.run, { maxBatch: 10, maxInFlight: 1 });
    const p = ['a', 'b', 'c'].map((id) => b.record(job(id)));
    await tick();
    expect(c.batches.map((x) => x.map((j) => j.callId))).toEqual([['a', 'b', 'c']]);
    c.finish[0]();
    expect((await Promise.all(p)).map((r) => r.id)).toEqual(['row-a', 'row-b', 'row-c']);
  });

  it.each<[string, { maxBatch: number; maxInFlight: number }, string[], string[][]]>([
    ['maxBatch splits a turn into batches', { maxBatch: 2, maxInFlight: 3 }, ['a', 'b', 'c', 'd', 'e'], [['a', 'b'], ['c', 'd'], ['e']]],
    ['maxInFlight holds the rest back', { maxBatch: 2, maxInFlight: 1 }, ['a', 'b', 'c'], [['a', 'b']]],
    ['a call is in a batch once; its next delivery waits', { maxBatch: 10, maxInFlight: 3 }, ['a', 'a', 'b'], [['a', 'b']]],
  ])('%s', async (_name, options, calls, expected) => {
    const c = controlledRun();
    const b = new CallEventBatcher(c.run, options);
    calls.forEach((id) => void b.record(job(id)));
    await tick();
    expect(c.batches.map((x) => x.map((j) => j.callId))).toEqual(expected);
  });

  it('the same call id of another tenant is another call', async () => {
    const c = controlledRun();
    const b = new CallEventBatcher(c.run, { maxBatch: 10, maxInFlight: 1 });
    void b.record(job('a'));
    void b.record(job('a', 'call_started', '00000000-0000-4000-8000-000000000002'));
    await tick();
    expect(c.batches[0]).toHaveLength(2);
  });

  it('a held-back delivery goes in the next batch once the one before it ends, after its call', async () => {
    const c = controlledRun();
    const b = new CallEventBatcher(c.run, { maxBatch: 10, maxInFlight: 2 });
    const first = b.record(job('a', 'call_started'));
    const second = b.record(job('a', 'call_ended'));
    await tick();
    expect(c.batches).toHaveLength(1); // the second delivery of call a may not run beside the first
    c.finish[0]();
    await first;
    await tick();
    expect(c.batches[1].map((j) => j.event)).toEqual(['call_ended']);
    c.finish[1]();
    expect((await second).retellCallId).toBe('a');
  });

  it('one failed delivery rejects only its own caller', async () => {
    const c = controlledRun();
    const b = new CallEventBatcher(c.run, { maxBatch: 10, maxInFlight: 1 });
    const ok = b.record(job('a'));
    const bad = b.record(job('b'));
    await tick();
    c.finish[0]((j) => (j.callId === 'b' ? new Error('bad b') : undefined));
    await expect(ok).resolves.toMatchObject({ retellCallId: 'a' });
    await expect(bad).rejects.toThrow('bad b');
  });

  it('a batch that cannot start rejects every caller in it, and the next batch still runs', async () => {
    let calls = 0;
    const b = new CallEventBatcher(
      (jobs) => {
        if (calls++ === 0) throw new Error('database down');
        return { outcomes: jobs.map((j) => Promise.resolve({ ok: true as const, value: recorded(j) })), attempted: Promise.resolve() };
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const failed = [b.record(job('a')), b.record(job('b'))];
    await expect(failed[0]).rejects.toThrow('database down');
    await expect(failed[1]).rejects.toThrow('database down');
    await expect(b.record(job('c'))).resolves.toMatchObject({ retellCallId: 'c' });
  });

  it('a settled delivery is answered before the rest of its batch, and frees its call', async () => {
    const settle: Array<(o: RecordOutcome) => void> = [];
    const batches: string[][] = [];
    const b = new CallEventBatcher(
      (jobs) => {
        batches.push(jobs.map((j) => `${j.callId}:${j.event}`));
        return { outcomes: jobs.map(() => new Promise<RecordOutcome>((r) => settle.push(r))), attempted: Promise.resolve() };
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const a = b.record(job('a'));
    void b.record(job('b')); // stays unsettled, as a delivery waiting for a locked row would
    const aAgain = b.record(job('a', 'call_ended'));
    await tick();
    settle[0]({ ok: true, value: recorded(job('a')) });
    await expect(a).resolves.toMatchObject({ retellCallId: 'a' });
    await tick();
    expect(batches).toEqual([['a:call_started', 'b:call_started'], ['a:call_ended']]);
    settle[2]({ ok: true, value: recorded(job('a', 'call_ended')) });
    await expect(aAgain).resolves.toMatchObject({ retellCallId: 'a' });
  });
});

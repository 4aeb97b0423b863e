import { Logger } from '@nestjs/common';
import { Queue, UnrecoverableError } from 'bullmq';
import { defineConsumer, DISPATCH_JOB, QueueConsumers, QueueWiringError, QUEUES, type DispatchJob } from '@retell-ops/queue';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/** Keeps what QueueConsumers logs, to count the outage lines. */
class KeptLogger extends Logger {
  readonly lines: string[] = [];
  override log(message: string) {
    this.lines.push(`LOG ${message}`);
  }
  override warn(message: string) {
    this.lines.push(`WARN ${message}`);
  }
  override error(message: string) {
    this.lines.push(`ERROR ${message}`);
  }
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** The test's payload rides in the dispatch job's tenantId: what the handler meets. */
type Kind = 'outage' | 'outage-wrapped' | 'bad' | 'own';

/**
 * QueueConsumers on real BullMQ and Redis (the dispatch queue under the test's own prefix), with
 * handlers that meet a dependency outage, a bad payload, or an error of their own: only the last
 * uses attempts. Generic: the same for a job of one attempt (the dialer's place job) as for one of many.
 */
describe('QueueConsumers: dependency outages do not use attempts', () => {
  const env = testEnv({ DEPENDENCY_RETRY_MAX_MS: '200' });
  const logger = new KeptLogger('Test');
  const consumers = new QueueConsumers(env, logger);
  const queue = new Queue<DispatchJob>(QUEUES.dialDispatch, { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
  const add = (kind: Kind, opts: { jobId: string; attempts: number; backoff?: { type: 'fixed'; delay: number } }) =>
    queue.add(DISPATCH_JOB, { tenantId: kind }, opts);
  /** job id → how many more runs meet a down dependency */
  const outageRuns = new Map<string, number>();
  const runs = new Map<string, number>();
  /** a dependency all jobs share, down while set */
  const shared = { down: false };

  beforeAll(async () => {
    await consumers.start(
      [QUEUES.dialDispatch],
      [
        defineConsumer(
          QUEUES.dialDispatch,
          async (data: DispatchJob, job) => {
            const kind = data.tenantId as Kind;
            runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
            if (kind === 'bad') throw new UnrecoverableError('payload is not JSON');
            if (kind === 'own') throw new Error('the event is wrong');
            if (shared.down) throw refused();
            const left = outageRuns.get(job.id!) ?? 0;
            if (left > 0) {
              outageRuns.set(job.id!, left - 1);
              throw kind === 'outage-wrapped' ? new Error('recording failed', { cause: refused() }) : refused();
            }
            return 'done';
          },
          { concurrency: 4 },
        ),
      ],
    );
  });

  afterAll(async () => {
    await consumers.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  const settled = (id: string) =>
    waitFor(
      async () => {
        // State first, then the job: a job read before it settled would show its attempts of then.
        const state = await queue.getJobState(id);
        return state === 'completed' || state === 'failed' ? { job: (await queue.getJob(id))!, state } : undefined;
      },
      { what: `job ${id} to settle`, timeoutMs: 30_000 },
    );

  it.each([
    ['one attempt (a place job)', 1, false],
    ['three attempts', 3, false],
    ['one attempt, the outage error wrapped in a cause', 1, true],
  ])('%s: 5 runs meet a down dependency, then it completes with attemptsMade 1', async (_, attempts, wrap) => {
    const id = `outage-${attempts}-${wrap}`;
    outageRuns.set(id, 5);
    await add(wrap ? 'outage-wrapped' : 'outage', { jobId: id, attempts, backoff: { type: 'fixed', delay: 10 } });
    const { job, state } = await settled(id);
    expect({ state, attemptsMade: job.attemptsMade, runs: runs.get(id), attemptsStarted: job.attemptsStarted }).toEqual({
      state: 'completed',
      attemptsMade: 1,
      runs: 6,
      attemptsStarted: 6,
    });
  });

  it('an outage is logged once when it starts and once when it ends, however many jobs wait', async () => {
    logger.lines.length = 0;
    shared.down = true;
    const ids = Array.from({ length: 8 }, (_, i) => `many-${i}`);
    await queue.addBulk(ids.map((id) => ({ name: DISPATCH_JOB, data: { tenantId: 'outage' }, opts: { jobId: id, attempts: 1 } })));
    // Jobs sent back go to the head of the wait list: the first four (the concurrency) meet the outage again and again.
    try {
      await waitFor(() => ids.reduce((n, id) => n + (runs.get(id) ?? 0), 0) >= 12, { what: 'three rounds of runs to meet the outage' });
    } finally {
      shared.down = false;
    }
    for (const id of ids) expect((await settled(id)).state).toBe('completed');
    expect(logger.lines.filter((l) => /a dependency is unavailable \(ECONNREFUSED: connect ECONNREFUSED/.test(l))).toHaveLength(1);
    expect(logger.lines.filter((l) => /dependencies are back after/.test(l))).toHaveLength(1);
    expect(logger.lines.filter((l) => /attempt \d+\/\d+/.test(l))).toEqual([]);
  });

  it('a bad payload (UnrecoverableError) still fails at once', async () => {
    await add('bad', { jobId: 'bad', attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    const { job, state } = await settled('bad');
    expect({ state, attemptsMade: job.attemptsMade, runs: runs.get('bad') }).toEqual({ state: 'failed', attemptsMade: 1, runs: 1 });
  });

  it("the job's own error uses its attempts as before", async () => {
    await add('own', { jobId: 'own', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const { job, state } = await settled('own');
    expect({ state, attemptsMade: job.attemptsMade, runs: runs.get('own'), reason: job.failedReason }).toEqual({
      state: 'failed',
      attemptsMade: 3,
      runs: 3,
      reason: 'the event is wrong',
    });
  });
});

/**
 * The boot check of a worker's queues, on real Redis: a mismatch stops start() before any worker
 * exists, and QUEUES narrows the workers to the named queues.
 */
describe('QueueConsumers: declared queues and QUEUES', () => {
  const declared = [QUEUES.dialDispatch, QUEUES.dialPlace] as const;
  const dispatch = defineConsumer(QUEUES.dialDispatch, async () => 'dispatched');
  const place = defineConsumer(QUEUES.dialPlace, async () => 'placed');

  async function workersOn(prefix: string, url: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const name of declared) {
      const q = new Queue(name, { connection: { url }, prefix });
      counts[name] = (await q.getWorkers()).length;
      await q.close();
    }
    return counts;
  }

  it.each([
    ['a declared queue without a handler', [dispatch], /declared queue dial-place\.v1 has no handler/],
    ['two handlers for one queue', [dispatch, place, place], /declared queue dial-place\.v1 has 2 handlers/],
    [
      'a handler for a queue not declared',
      [dispatch, place, defineConsumer(QUEUES.callStarted, async () => undefined)],
      /handler is given for queue call-started\.v1, which this worker does not declare/,
    ],
  ])('%s: start() throws and no worker is started', async (_, handlers, message) => {
    const env = testEnv();
    const consumers = new QueueConsumers(env, new KeptLogger('Test'));
    try {
      const started = consumers.start(declared, handlers);
      await expect(started).rejects.toThrow(QueueWiringError);
      await expect(started).rejects.toThrow(message);
      expect(await workersOn(env.QUEUE_PREFIX, env.REDIS_URL)).toEqual({ [QUEUES.dialDispatch]: 0, [QUEUES.dialPlace]: 0 });
    } finally {
      await consumers.close();
    }
  });

  it('QUEUES=dial-place.v1 starts a worker on the place queue only', async () => {
    const env = testEnv({ QUEUES: 'dial-place.v1' });
    const consumers = new QueueConsumers(env, new KeptLogger('Test'));
    try {
      expect(await consumers.start(declared, [dispatch, place])).toEqual([QUEUES.dialPlace]);
      expect(await workersOn(env.QUEUE_PREFIX, env.REDIS_URL)).toEqual({ [QUEUES.dialDispatch]: 0, [QUEUES.dialPlace]: 1 });
    } finally {
      await consumers.close();
    }
  });

  it('QUEUES naming a queue the worker does not declare fails with the valid ones', async () => {
    const consumers = new QueueConsumers(testEnv({ QUEUES: 'dial-place.v1,call-started.v1' }), new KeptLogger('Test'));
    await expect(consumers.start(declared, [dispatch, place])).rejects.toThrow(
      "QUEUES names 'call-started.v1', which this worker does not consume (valid: dial-dispatch.v1, dial-place.v1)",
    );
    await consumers.close();
  });
});

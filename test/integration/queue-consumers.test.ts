import { Logger } from '@nestjs/common';
import { Queue, UnrecoverableError } from 'bullmq';
import { QueueConsumers } from '@retell-ops/config';
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

/**
 * QueueConsumers on real BullMQ and Redis, with handlers that meet a dependency outage, a bad
 * payload, or an error of their own: only the last uses attempts. Generic: the same for a job of
 * one attempt (the dialer's place job) as for one of many.
 */
describe('QueueConsumers: dependency outages do not use attempts', () => {
  const env = testEnv({ DEPENDENCY_RETRY_MAX_MS: '200' });
  const logger = new KeptLogger('Test');
  const consumers = new QueueConsumers(env, logger);
  const queue = new Queue('consumers-test', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
  /** job id → how many more runs meet a down dependency */
  const outageRuns = new Map<string, number>();
  const runs = new Map<string, number>();
  /** a dependency all jobs share, down while set */
  const shared = { down: false };

  beforeAll(async () => {
    await consumers.start([
      {
        queue: 'consumers-test',
        jobName: 'work',
        concurrency: 4,
        handle: async (data: { kind: 'outage' | 'bad' | 'own'; wrap?: boolean }, job) => {
          runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
          if (data.kind === 'bad') throw new UnrecoverableError('payload is not JSON');
          if (data.kind === 'own') throw new Error('the event is wrong');
          if (shared.down) throw refused();
          const left = outageRuns.get(job.id!) ?? 0;
          if (left > 0) {
            outageRuns.set(job.id!, left - 1);
            throw data.wrap ? new Error('recording failed', { cause: refused() }) : refused();
          }
          return 'done';
        },
      },
    ]);
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
    await queue.add('work', { kind: 'outage', wrap }, { jobId: id, attempts, backoff: { type: 'fixed', delay: 10 } });
    const { job, state } = await settled(id);
    expect({ state, attemptsMade: job.attemptsMade, runs: runs.get(id), attemptsStarted: job.attemptsStarted }).toEqual({ state: 'completed', attemptsMade: 1, runs: 6, attemptsStarted: 6 });
  });

  it('an outage is logged once when it starts and once when it ends, however many jobs wait', async () => {
    logger.lines.length = 0;
    shared.down = true;
    const ids = Array.from({ length: 8 }, (_, i) => `many-${i}`);
    await queue.addBulk(ids.map((id) => ({ name: 'work', data: { kind: 'outage' as const }, opts: { jobId: id, attempts: 1 } })));
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
    await queue.add('work', { kind: 'bad' }, { jobId: 'bad', attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    const { job, state } = await settled('bad');
    expect({ state, attemptsMade: job.attemptsMade, runs: runs.get('bad') }).toEqual({ state: 'failed', attemptsMade: 1, runs: 1 });
  });

  it("the job's own error uses its attempts as before", async () => {
    await queue.add('work', { kind: 'own' }, { jobId: 'own', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const { job, state } = await settled('own');
    expect({ state, attemptsMade: job.attemptsMade, runs: runs.get('own'), reason: job.failedReason }).toEqual({ state: 'failed', attemptsMade: 3, runs: 3, reason: 'the event is wrong' });
  });
});

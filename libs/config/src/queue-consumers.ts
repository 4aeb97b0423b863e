import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import { isDependencyUnavailable } from './dependency-errors';
import { DependencyOutage } from './dependency-outage';
import type { AppEnv } from './env';
import { createRedis } from './redis';

// `any` by default so one list can hold consumers of different job types (`unknown` would refuse their handlers).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Consumer<T = any> {
  queue: string;
  /** The one job name this queue carries; any other is refused (a producer/consumer mismatch). */
  jobName: string;
  handle: (data: T, job: Job<T>) => Promise<unknown>;
  concurrency?: number;
}

/**
 * BullMQ workers for a worker app: one per queue, on one connection, with the platform's lock and
 * stalled-job settings. A handler that throws is retried per the job's options; nothing is
 * swallowed. `close` lets in-flight jobs finish.
 *
 * A job that cannot reach a dependency (PostgreSQL or Redis down: `isDependencyUnavailable`) is
 * not failed: it goes back to wait without using an attempt, and its worker pauses (1 s, doubling
 * to DEPENDENCY_RETRY_MAX_MS) before taking jobs again, for as long as the outage lasts. Attempts
 * count only the job's own errors; an UnrecoverableError still fails it at once.
 */
export class QueueConsumers {
  private readonly workers: Worker[] = [];
  private readonly queues: Queue[] = [];
  private connection: IORedis | undefined;
  private readonly outage: DependencyOutage;

  constructor(
    private readonly env: AppEnv,
    private readonly logger: Logger,
  ) {
    this.outage = new DependencyOutage(env.DEPENDENCY_RETRY_MAX_MS);
  }

  async start(consumers: Consumer[]): Promise<void> {
    this.connection = createRedis(this.env.REDIS_URL, 'worker');
    for (const c of consumers) {
      // Sets the queue's rate-limit key, whose time to live the worker waits out after a RateLimitError.
      const queue = new Queue(c.queue, { connection: this.connection, prefix: this.env.QUEUE_PREFIX, skipMetasUpdate: true });
      const worker = new Worker(
        c.queue,
        async (job: Job) => {
          if (job.name !== c.jobName) throw new Error(`no handler for job '${job.name}' on ${c.queue}`);
          try {
            const result = await c.handle(job.data, job);
            this.reached();
            return result;
          } catch (e) {
            if (!isDependencyUnavailable(e)) {
              this.reached();
              throw e;
            }
            await this.pause(queue, e as Error);
            throw Worker.RateLimitError();
          }
        },
        {
          connection: this.connection,
          prefix: this.env.QUEUE_PREFIX,
          concurrency: c.concurrency ?? this.env.CALL_WORKER_CONCURRENCY,
          lockDuration: this.env.WORKER_LOCK_MS,
          stalledInterval: this.env.WORKER_LOCK_MS,
          maxStalledCount: 5,
        },
      );
      worker.on('failed', (job, err) => this.logger.warn(`${c.queue} job ${job?.id} attempt ${job?.attemptsMade}/${job?.opts.attempts}: ${err.message}`));
      worker.on('error', (err) => this.logger.error(`${c.queue} worker: ${err.message}`));
      this.queues.push(queue);
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.logger.log(`consuming ${consumers.map((c) => c.queue).join(', ')}`);
  }

  /** The job goes back to wait (BullMQ's RateLimitError) and its worker takes no job for the pause. */
  private async pause(queue: Queue, error: Error): Promise<void> {
    const { delayMs, started } = this.outage.unavailable();
    if (started) {
      this.logger.warn(
        `a dependency is unavailable (${oneLine(error)}): jobs go back to wait and are tried again, without using an attempt, every ${delayMs} ms up to ${this.env.DEPENDENCY_RETRY_MAX_MS} ms until it is back`,
      );
    }
    // If Redis itself is down this fails too; the job then stays active until its lock expires and is retried as stalled.
    await queue.rateLimit(delayMs).catch(() => undefined);
  }

  private reached(): void {
    if (!this.outage.ongoing) return;
    const end = this.outage.reached();
    if (end) this.logger.log(`dependencies are back after ${(end.lastedMs / 1000).toFixed(1)} s; ${end.waits} job runs waited meanwhile`);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.queues.map((q) => q.close()));
    this.connection?.disconnect();
  }
}

/** An error's code and the last line of its message (Prisma puts the driver's reason there), bounded: enough to recognise the outage. */
function oneLine(error: Error): string {
  const lines = String(error?.message ?? error).slice(-2000).split('\n').map((l) => l.trim()).filter(Boolean);
  const code = (error as { code?: unknown })?.code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${(lines[lines.length - 1] ?? '').slice(0, 200)}`;
}

import { Logger } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import type { AppEnv } from './env';
import { createRedis } from './redis';

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
 */
export class QueueConsumers {
  private readonly workers: Worker[] = [];
  private connection: IORedis | undefined;

  constructor(
    private readonly env: AppEnv,
    private readonly logger: Logger,
  ) {}

  async start(consumers: Consumer[]): Promise<void> {
    this.connection = createRedis(this.env.REDIS_URL, 'worker');
    for (const c of consumers) {
      const worker = new Worker(
        c.queue,
        async (job: Job) => {
          if (job.name !== c.jobName) throw new Error(`no handler for job '${job.name}' on ${c.queue}`);
          return c.handle(job.data, job);
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
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.logger.log(`consuming ${consumers.map((c) => c.queue).join(', ')}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.connection?.disconnect();
  }
}

import { Logger } from '@nestjs/common';
import { Queue, Worker, type Job } from 'bullmq';
import type IORedis from 'ioredis';
import { createRedis, queuePrefix, isDependencyUnavailable, withLogContext, workerReadiness, type AppEnv } from '@retell-ops/config';
import { metrics } from '@retell-ops/metrics';
import { parseQueueSelection, planConsumers } from './consumer-plan';
import { DependencyOutage } from './dependency-outage';
import { JOB_NAMES, type JobNameOf, type JobOf, type PayloadOf } from './job-map';
import type { QueueName } from './queues';

/** The handler of queue Q: it receives exactly Q's payload (and the BullMQ job, typed the same). */
export type Handler<Q extends QueueName> = (data: PayloadOf<Q>, job: JobOf<Q>) => Promise<unknown>;

export interface Consumer<Q extends QueueName> {
  readonly queue: Q;
  /** The one job name this queue carries; any other is refused (a producer/consumer mismatch). */
  readonly jobName: JobNameOf<Q>;
  readonly handle: Handler<Q>;
  readonly concurrency?: number;
}

/** A consumer of any one queue (a union over the job map, so each keeps its own payload type). */
export type AnyConsumer = { [Q in QueueName]: Consumer<Q> }[QueueName];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** A handler whose first parameter is declared wider or narrower than the queue's payload does not type-check. */
type ExactPayload<Q extends QueueName, H> = H extends (...args: infer A) => unknown
  ? A extends []
    ? unknown
    : Same<A[0], PayloadOf<Q>> extends true
      ? unknown
      : { 'the handler must take exactly the payload of': Q }
  : never;

/** The consumer of `queue`, typed from the job map: `defineConsumer(QUEUES.dialPlace, (job: PlaceJob) => …)`. */
export function defineConsumer<Q extends QueueName, H extends Handler<Q>>(
  queue: Q,
  handle: H & ExactPayload<Q, H>,
  options: { concurrency?: number } = {},
): Consumer<Q> {
  return { queue, jobName: JOB_NAMES[queue], handle, concurrency: options.concurrency };
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
  private readonly workers: Worker<unknown, unknown, string>[] = [];
  private readonly queues: Queue<unknown, unknown, string>[] = [];
  private connection: IORedis | undefined;
  private readonly outage: DependencyOutage;
  private readonly unregister: Array<() => void> = [];

  constructor(
    private readonly env: AppEnv,
    private readonly logger: Logger,
  ) {
    this.outage = new DependencyOutage(env.DEPENDENCY_RETRY_MAX_MS);
  }

  /**
   * Starts a worker for each queue of `declared` (the worker app's constant) that QUEUES selects,
   * or all of them when QUEUES is unset; returns those queues. Throws before connecting when the
   * handlers do not match the declared queues one to one, or QUEUES names a queue not declared.
   */
  async start(declared: readonly QueueName[], consumers: readonly AnyConsumer[]): Promise<QueueName[]> {
    const planned = planConsumers(declared, consumers, parseQueueSelection(this.env.QUEUES));
    this.connection = createRedis(this.env.REDIS_URL, 'worker');
    for (const c of planned) {
      // Erased here only: a job whose name is this queue's job name carries this queue's payload.
      const handle = c.handle as (data: unknown, job: Job<unknown, unknown, string>) => Promise<unknown>;
      // Sets the queue's rate-limit key, whose time to live the worker waits out after a RateLimitError.
      const queue = new Queue<unknown, unknown, string>(c.queue, { connection: this.connection, prefix: queuePrefix(this.env), skipMetasUpdate: true });
      const worker = new Worker(
        c.queue,
        (job: Job<unknown, unknown, string>) =>
          withLogContext(jobLogFields(c.queue, job), async () => {
            if (job.name !== c.jobName) throw new Error(`no handler for job '${job.name}' on ${c.queue}`);
            const end = metrics.jobDurationSeconds.startTimer({ queue: c.queue });
            try {
              const result = await handle(job.data, job);
              end({ outcome: 'completed' });
              this.logger.debug(`${c.queue} job ${job.id} done`);
              this.reached();
              return result;
            } catch (e) {
              if (!isDependencyUnavailable(e)) {
                end({ outcome: 'failed' });
                this.reached();
                throw e;
              }
              end({ outcome: 'deferred' });
              await this.pause(queue, e as Error);
              throw Worker.RateLimitError();
            }
          }),
        {
          connection: this.connection,
          prefix: queuePrefix(this.env),
          concurrency: c.concurrency ?? this.env.CALL_WORKER_CONCURRENCY,
          lockDuration: this.env.WORKER_LOCK_MS,
          stalledInterval: this.env.WORKER_LOCK_MS,
          maxStalledCount: 5,
        },
      );
      worker.on('failed', (job, err) => {
        const final = !!job && job.attemptsMade >= (job.opts.attempts ?? 1);
        metrics.jobFailures.inc({ queue: c.queue, final: String(final) });
        withLogContext(job ? jobLogFields(c.queue, job) : { queue: c.queue }, () =>
          this.logger.warn(`${c.queue} job ${job?.id} attempt ${job?.attemptsMade}/${job?.opts.attempts}: ${err.message}`),
        );
      });
      worker.on('error', (err) => this.logger.error(`${c.queue} worker: ${err.message}`));
      this.queues.push(queue);
      this.workers.push(worker);
      this.unregister.push(workerReadiness.add({ queue: c.queue, isRunning: () => worker.isRunning() }));
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.logger.log(`consuming ${planned.map((c) => c.queue).join(', ')}`);
    return planned.map((c) => c.queue);
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
    for (const remove of this.unregister.splice(0)) remove();
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.queues.map((q) => q.close()));
    this.connection?.disconnect();
  }
}

/** An error's code and the last line of its message (Prisma puts the driver's reason there), bounded: enough to recognise the outage. */
function oneLine(error: Error): string {
  const lines = String(error?.message ?? error)
    .slice(-2000)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const code = (error as { code?: unknown })?.code;
  return `${typeof code === 'string' ? `${code}: ` : ''}${(lines[lines.length - 1] ?? '').slice(0, 200)}`;
}

/** What every log line of a job carries: queue, job id, and the tenant, call and dial request its payload names. */
export function jobLogFields(queue: string, job: Job<unknown, unknown, string>): Record<string, unknown> {
  const fields: Record<string, unknown> = { queue, jobId: job.id };
  const data = job.data as Record<string, unknown> | null;
  if (data && typeof data === 'object') {
    for (const key of ['tenantId', 'callId', 'retellCallId', 'dialRequestId', 'interviewId', 'candidateId'] as const) {
      if (typeof data[key] === 'string') fields[key] = data[key];
    }
  }
  return fields;
}

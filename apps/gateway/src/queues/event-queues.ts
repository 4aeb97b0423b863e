import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Job, Queue, type JobsOptions } from 'bullmq';
import type IORedis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { AppEnv, createRedis, queuePrefix } from '@retell-ops/config';
import { metrics } from '@retell-ops/metrics';
import {
  CALL_EVENT_JOB,
  callEventJobId,
  lifecycleJobOptions,
  QUEUE_FOR_EVENT,
  QUEUED_CALL_EVENTS,
  type CallEventJob,
  type CallEventQueueName,
  type QueueOf,
  type QueuedCallEvent,
} from '@retell-ops/queue';

type LifecycleQueue = QueueOf<CallEventQueueName>;
type BullClient = Awaited<LifecycleQueue['client']>;

const enqueueOk = metrics.webhookEnqueueSeconds.labels('ok');
const enqueueError = metrics.webhookEnqueueSeconds.labels('error');

const ENQUEUE_TIMEOUT_MS = 3000;

export class QueueUnavailableError extends Error {}

interface Pending {
  job: CallEventJob;
  /** callEventKey of the delivery: '' but for a transfer event (its destination) */
  key: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Producer side of the lifecycle and transfer queues: one job per delivery, under its deterministic id.
 *
 * Deliveries verified in the same turn of the event loop are enqueued together: their BullMQ adds
 * (BullMQ's own add script, as Queue.add sends it) go in one pipeline, one write and one round
 * trip, and each delivery is answered as soon as that pipeline's replies say Redis holds its job
 * (or refused alone if its command failed).
 *
 * BullMQ ignores an add under an id it already holds, so a redelivery of an event whose job
 * failed for good would be answered 204 and dropped. Each add is therefore sent with a look at the
 * queue's failed set (ZSCORE, in the same pipeline); a failed job found there is retried with its
 * attempts reset before the delivery is acknowledged. Recording is idempotent (one CallEvent per
 * call and event), so a revived job that meets its event already kept changes nothing.
 */
@Injectable()
export class EventQueues implements OnModuleDestroy {
  private readonly logger = new Logger('EventQueues');
  private readonly connection: IORedis;
  private readonly queues: Record<QueuedCallEvent, LifecycleQueue>;
  private readonly failedKeys: Record<QueuedCallEvent, string>;
  private readonly jobOptions: JobsOptions;
  private pending: Pending[] = [];
  private bullClient?: BullClient;

  constructor(private readonly env: AppEnv) {
    this.connection = createRedis(env.REDIS_URL, 'producer');
    this.connection.on('error', () => undefined); // reported per request as 503
    this.jobOptions = lifecycleJobOptions(env.JOB_ATTEMPTS, env.JOB_BACKOFF_MS);
    // One Queue per queue name: the transfer events share theirs.
    const byName = new Map<CallEventQueueName, LifecycleQueue>();
    const make = (event: QueuedCallEvent) => {
      const name = QUEUE_FOR_EVENT[event];
      if (!byName.has(name))
        byName.set(
          name,
          new Queue<CallEventJob, unknown, typeof CALL_EVENT_JOB>(name, {
            connection: this.connection,
            prefix: queuePrefix(env),
            defaultJobOptions: this.jobOptions,
          }),
        );
      return byName.get(name)!;
    };
    this.queues = Object.fromEntries(QUEUED_CALL_EVENTS.map((e) => [e, make(e)])) as Record<QueuedCallEvent, LifecycleQueue>;
    this.failedKeys = Object.fromEntries(QUEUED_CALL_EVENTS.map((e) => [e, this.queues[e].toKey('failed')])) as Record<QueuedCallEvent, string>;
  }

  /**
   * Resolves once Redis holds a live job for the delivery (new, a duplicate, or a failed one revived); rejects otherwise.
   * `key`: callEventKey of the delivery, part of its job id ('' but for a transfer event).
   */
  async enqueue(job: CallEventJob, key = ''): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError('Redis did not confirm the job in time')), ENQUEUE_TIMEOUT_MS);
    });
    const started = performance.now();
    try {
      await Promise.race([this.grouped(job, key), timeout]);
      enqueueOk.observe((performance.now() - started) / 1000);
    } catch (e) {
      enqueueError.observe((performance.now() - started) / 1000);
      throw e instanceof QueueUnavailableError ? e : new QueueUnavailableError((e as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Joins the group sent at the end of this turn of the event loop. */
  private grouped(job: CallEventJob, key: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ job, key, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const group = this.pending;
    this.pending = [];
    let replies: Array<[Error | null, unknown]>;
    const sent: Array<{ at: number; p: Pending; jobId: string }> = [];
    try {
      // ioredis's pipeline under BullMQ's wrapper (which adds the script calls Job.addJob makes).
      const pipeline = (await this.client()).pipeline() as unknown as ChainableCommander;
      for (const p of group) {
        const jobId = callEventJobId(p.job.tenantId, p.job.callId, p.job.event, p.key);
        const queued = pipeline.length;
        try {
          const job = new Job(this.queues[p.job.event], CALL_EVENT_JOB, p.job, { ...this.jobOptions, jobId }, jobId);
          // On a pipeline the script call only queues the command (synchronously); its reply comes from exec().
          job.addJob(pipeline as unknown as Parameters<Job['addJob']>[0]).catch(() => undefined);
        } catch (e) {
          p.reject(e as Error);
          continue;
        }
        if (pipeline.length !== queued + 1) {
          p.reject(new Error('BullMQ did not queue the job'));
          continue;
        }
        pipeline.zscore(this.failedKeys[p.job.event], jobId);
        sent.push({ at: queued, p, jobId });
      }
      if (!sent.length) return;
      replies = ((await pipeline.exec()) ?? []) as Array<[Error | null, unknown]>;
    } catch (e) {
      for (const p of sent.length ? sent.map((s) => s.p) : group) p.reject(e as Error);
      return;
    }
    for (const { at, p, jobId } of sent) {
      const [addError, added] = replies[at] ?? [new Error('no reply from Redis')];
      const [lookError, failedScore] = replies[at + 1] ?? [new Error('no reply from Redis')];
      if (addError || lookError) p.reject((addError ?? lookError)!);
      else if (typeof added === 'number' && added < 0) p.reject(new Error(`BullMQ refused the job (code ${added})`));
      else if (failedScore !== null) this.revive(this.queues[p.job.event], p.job, jobId).then(p.resolve, p.reject);
      else p.resolve();
    }
  }

  /** BullMQ's client on the connection (its pipelines run BullMQ's scripts), once every queue has defined them. */
  private async client(): Promise<BullClient> {
    if (this.bullClient) return this.bullClient;
    // Until it is ready (no offline queue: it fails fast) wait as Queue.add does.
    const [client] = await Promise.all(Object.values(this.queues).map((q) => q.client));
    return (this.bullClient = client);
  }

  /** The rare path: the event's job had failed for good; this delivery gives it its attempts again. */
  private async revive(queue: LifecycleQueue, job: CallEventJob, jobId: string): Promise<void> {
    const failed = await queue.getJob(jobId);
    if (!failed) {
      // Removed since (retention, or by hand): a fresh job takes its place.
      await queue.add(CALL_EVENT_JOB, job, { jobId });
      return;
    }
    const reason = String(failed.failedReason ?? '').slice(0, 200);
    try {
      await failed.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (e) {
      // Another copy of the delivery revived it first: fine as long as it is no longer failed.
      const state = await queue.getJobState(jobId);
      if (state === 'failed') throw e;
      if (state === 'unknown') await queue.add(CALL_EVENT_JOB, job, { jobId });
      return;
    }
    this.logger.warn(`job ${jobId} had failed (${reason}); redelivered: retrying it with its attempts reset`);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...new Set(Object.values(this.queues))].map((q) => q.close()));
    this.connection.disconnect();
  }
}

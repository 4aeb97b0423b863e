import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
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

const enqueueOk = metrics.webhookEnqueueSeconds.labels('ok');
const enqueueError = metrics.webhookEnqueueSeconds.labels('error');

const ENQUEUE_TIMEOUT_MS = 3000;

export class QueueUnavailableError extends Error {}

/**
 * Producer side of the lifecycle and transfer queues: one job per delivery, under its deterministic id.
 *
 * BullMQ ignores an add under an id it already holds, so a redelivery of an event whose job
 * failed for good would be answered 204 and dropped. Each add is therefore sent with a look at the
 * queue's failed set (ZSCORE, in flight beside the add on the auto-pipelined connection: still
 * one round trip); a failed job found there is retried with its attempts reset before the
 * delivery is acknowledged. Recording is idempotent (one CallEvent per call and event), so a
 * revived job that meets its event already kept changes nothing.
 */
@Injectable()
export class EventQueues implements OnModuleDestroy {
  private readonly logger = new Logger('EventQueues');
  private readonly connection: IORedis;
  private readonly queues: Record<QueuedCallEvent, LifecycleQueue>;
  private readonly failedKeys: Record<QueuedCallEvent, string>;

  constructor(private readonly env: AppEnv) {
    this.connection = createRedis(env.REDIS_URL, 'producer');
    this.connection.on('error', () => undefined); // reported per request as 503
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
            defaultJobOptions: lifecycleJobOptions(env.JOB_ATTEMPTS, env.JOB_BACKOFF_MS),
          }),
        );
      return byName.get(name)!;
    };
    this.queues = Object.fromEntries(QUEUED_CALL_EVENTS.map((e) => [e, make(e)])) as Record<QueuedCallEvent, LifecycleQueue>;
    this.failedKeys = Object.fromEntries(QUEUED_CALL_EVENTS.map((e) => [e, this.queues[e].toKey('failed')])) as Record<QueuedCallEvent, string>;
  }

  /** Resolves once Redis holds a live job for the delivery (new, a duplicate, or a failed one revived); rejects otherwise. */
  async enqueue(job: CallEventJob): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError('Redis did not confirm the job in time')), ENQUEUE_TIMEOUT_MS);
    });
    const started = performance.now();
    try {
      await Promise.race([this.add(job), timeout]);
      enqueueOk.observe((performance.now() - started) / 1000);
    } catch (e) {
      enqueueError.observe((performance.now() - started) / 1000);
      throw e instanceof QueueUnavailableError ? e : new QueueUnavailableError((e as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  private async add(job: CallEventJob): Promise<void> {
    const queue = this.queues[job.event];
    const jobId = callEventJobId(job.tenantId, job.callId, job.event);
    // The queues' client is this connection; until it is ready (no offline queue: it fails fast) wait as add does.
    const client = this.connection.status === 'ready' ? this.connection : await queue.client;
    const [, failedScore] = await Promise.all([queue.add(CALL_EVENT_JOB, job, { jobId }), client.zscore(this.failedKeys[job.event], jobId)]);
    if (failedScore !== null) await this.revive(queue, job, jobId);
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

import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppEnv, createRedis } from '@retell-ops/config';
import { CALL_EVENT_JOB, callEventJobId, lifecycleJobOptions, QUEUE_FOR_EVENT, type CallEventJob, type LifecycleEvent } from '@retell-ops/queue-contracts';

const ENQUEUE_TIMEOUT_MS = 3000;

export class QueueUnavailableError extends Error {}

/** Producer side of the lifecycle queues: one job per delivery, under its deterministic id. */
@Injectable()
export class EventQueues implements OnModuleDestroy {
  private readonly connection: IORedis;
  private readonly queues: Record<LifecycleEvent, Queue<CallEventJob>>;

  constructor(private readonly env: AppEnv) {
    this.connection = createRedis(env.REDIS_URL, 'producer');
    this.connection.on('error', () => undefined); // reported per request as 503
    const make = (event: LifecycleEvent) =>
      new Queue<CallEventJob>(QUEUE_FOR_EVENT[event], {
        connection: this.connection,
        prefix: env.QUEUE_PREFIX,
        defaultJobOptions: lifecycleJobOptions(env.JOB_ATTEMPTS, env.JOB_BACKOFF_MS),
      });
    this.queues = { call_started: make('call_started'), call_ended: make('call_ended'), call_analyzed: make('call_analyzed') };
  }

  /** Resolves once Redis holds the job (or already held it: a duplicate); rejects otherwise. */
  async enqueue(job: CallEventJob): Promise<void> {
    const jobId = callEventJobId(job.tenantId, job.callId, job.event);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError('Redis did not confirm the job in time')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.queues[job.event].add(CALL_EVENT_JOB, job, { jobId }), timeout]);
    } catch (e) {
      throw e instanceof QueueUnavailableError ? e : new QueueUnavailableError((e as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    this.connection.disconnect();
  }
}

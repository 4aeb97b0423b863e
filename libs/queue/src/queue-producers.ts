import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type IORedis from 'ioredis';
import { AppEnv, createRedis, queuePrefix, redisAnswers } from '@retell-ops/config';
import { JOB_NAMES, type JobOf, type PayloadOf, type QueueOf } from './job-map';
import type { QueueName } from './queues';

/** Producer side of any queue, opened on first use, on one fail-fast connection; closed on shutdown. */
@Injectable()
export class QueueProducers implements OnModuleDestroy {
  private connection: IORedis | undefined;
  private readonly queues = new Map<QueueName, Queue<unknown, unknown, string>>();

  constructor(private readonly env: AppEnv) {}

  /** The queue, typed from the job map: its `add` takes only this queue's job name and payload. */
  queue<Q extends QueueName>(name: Q): QueueOf<Q> {
    return this.open(name) as unknown as QueueOf<Q>;
  }

  /** Adds a job to a queue under the queue's one job name. */
  add<Q extends QueueName>(name: Q, payload: PayloadOf<Q>, opts?: JobsOptions): Promise<JobOf<Q>> {
    return this.open(name).add(JOB_NAMES[name], payload, opts) as Promise<JobOf<Q>>;
  }

  /** Whether Redis answers PING on the producers' connection (for /ready). */
  async ping(): Promise<boolean> {
    this.connection ??= this.connect();
    return redisAnswers(this.connection);
  }

  private connect(): IORedis {
    const connection = createRedis(this.env.REDIS_URL, 'producer');
    connection.on('error', () => undefined); // surfaced by the failing add()
    return connection;
  }

  private open(name: QueueName): Queue<unknown, unknown, string> {
    let queue = this.queues.get(name);
    if (!queue) {
      this.connection ??= this.connect();
      queue = new Queue<unknown, unknown, string>(name, { connection: this.connection, prefix: queuePrefix(this.env) });
      this.queues.set(name, queue);
    }
    return queue;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection?.disconnect();
  }
}

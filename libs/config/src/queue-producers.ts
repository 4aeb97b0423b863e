import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppEnv } from './env';
import { createRedis } from './redis';

/** Producer side of any queue, opened on first use, on one fail-fast connection; closed on shutdown. */
@Injectable()
export class QueueProducers implements OnModuleDestroy {
  private connection: IORedis | undefined;
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly env: AppEnv) {}

  get<T = unknown>(name: string): Queue<T> {
    let queue = this.queues.get(name);
    if (!queue) {
      this.connection ??= createRedis(this.env.REDIS_URL, 'producer');
      this.connection.on('error', () => undefined); // surfaced by the failing add()
      queue = new Queue(name, { connection: this.connection, prefix: this.env.QUEUE_PREFIX });
      this.queues.set(name, queue);
    }
    return queue as Queue<T>;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection?.disconnect();
  }
}

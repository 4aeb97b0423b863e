import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type IORedis from 'ioredis';
import { setQueueFiguresSource, type QueueFigures } from '@retell-ops/metrics';
import { QueueProducers } from './queue-producers';
import { QUEUES, type QueueName } from './queues';

/**
 * Serves the queue gauges of /metrics (depth, active, delayed, failed, age of the oldest waiting
 * job) for every queue of the platform, read from Redis on scrape: one job-count call and two
 * small reads (the oldest waiting id, its timestamp) per queue. The API provides it.
 */
@Injectable()
export class QueueFiguresReader implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly producers: QueueProducers) {}

  onModuleInit(): void {
    setQueueFiguresSource(() => this.read());
  }

  onModuleDestroy(): void {
    setQueueFiguresSource(undefined);
  }

  read(queues: readonly QueueName[] = Object.values(QUEUES)): Promise<QueueFigures[]> {
    return Promise.all(queues.map((name) => this.one(name)));
  }

  private async one(name: QueueName): Promise<QueueFigures> {
    const queue = this.producers.queue(name);
    const client = (await queue.client) as unknown as IORedis;
    const [counts, oldestId] = await Promise.all([
      queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'),
      client.lindex(queue.toKey('wait'), -1),
    ]);
    const addedAt = oldestId ? Number(await client.hget(queue.toKey(oldestId), 'timestamp')) : NaN;
    return {
      queue: name,
      waiting: (counts.wait ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      oldestWaitingSeconds: Number.isFinite(addedAt) ? Math.max(0, (Date.now() - addedAt) / 1000) : 0,
    };
  }
}

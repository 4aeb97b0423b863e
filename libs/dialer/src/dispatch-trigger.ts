import { Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import { QueueProducers, QUEUES } from '@retell-ops/queue';

/** How long a poke that no dispatch has seen yet is remembered (the tick covers anything older). */
const POKED_TTL_MS = 60_000;

/**
 * Asks the dialer to look at a tenant now (a request was added, a slot freed). One waiting job per
 * tenant is enough. A poke while that job runs is dropped by the queue (same job id), so it also
 * leaves a mark the running dispatch takes when its pass ends and runs once more for.
 */
@Injectable()
export class DispatchTrigger {
  constructor(private readonly producers: QueueProducers) {}

  async poke(tenantId: string): Promise<void> {
    const redis = await this.redis();
    await Promise.all([
      redis.set(this.pokedKey(tenantId), '1', 'PX', POKED_TTL_MS),
      this.producers.add(QUEUES.dialDispatch, { tenantId }, { jobId: `dispatch.${tenantId}`, removeOnComplete: true, removeOnFail: true }),
    ]);
  }

  /** Whether the tenant was poked since the last call (and forgets it). */
  async takePoke(tenantId: string): Promise<boolean> {
    const redis = await this.redis();
    return (await redis.getdel(this.pokedKey(tenantId))) !== null;
  }

  /** The producers' connection (BullMQ types it narrowly; it is an ioredis client). */
  private async redis(): Promise<IORedis> {
    return (await this.producers.queue(QUEUES.dialDispatch).client) as unknown as IORedis;
  }

  private pokedKey(tenantId: string): string {
    return this.producers.queue(QUEUES.dialDispatch).toKey(`poked:${tenantId}`);
  }
}

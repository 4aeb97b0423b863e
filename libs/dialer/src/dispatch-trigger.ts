import { Injectable } from '@nestjs/common';
import { QueueProducers, QUEUES } from '@retell-ops/queue';

/**
 * Asks the dialer to look at a tenant now (a request was added, a slot freed). One waiting job per
 * tenant is enough; the dialer's own tick catches anything a dropped duplicate would have said.
 */
@Injectable()
export class DispatchTrigger {
  constructor(private readonly producers: QueueProducers) {}

  async poke(tenantId: string): Promise<void> {
    await this.producers.add(QUEUES.dialDispatch, { tenantId }, { jobId: `dispatch.${tenantId}`, removeOnComplete: true, removeOnFail: true });
  }
}

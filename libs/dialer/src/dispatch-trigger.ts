import { Injectable } from '@nestjs/common';
import { QueueProducers } from '@retell-ops/config';
import { DISPATCH_JOB, QUEUES, type DispatchJob } from '@retell-ops/queue-contracts';

/**
 * Asks the dialer to look at a tenant now (a request was added, a slot freed). One waiting job per
 * tenant is enough; the dialer's own tick catches anything a dropped duplicate would have said.
 */
@Injectable()
export class DispatchTrigger {
  constructor(private readonly producers: QueueProducers) {}

  async poke(tenantId: string): Promise<void> {
    await this.producers.get<DispatchJob>(QUEUES.dialDispatch).add(DISPATCH_JOB, { tenantId }, { jobId: `dispatch.${tenantId}`, removeOnComplete: true, removeOnFail: true });
  }
}

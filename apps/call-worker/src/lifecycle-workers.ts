import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Calls } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import { defineConsumer, FOLLOW_UP_JOB_OPTIONS, QueueConsumers, QueueProducers, QUEUES, screeningJobId, type CallEventJob } from '@retell-ops/queue';
import { DialOutcome, DispatchTrigger } from '@retell-ops/dialer';
import { LiveUpdates } from '@retell-ops/live-events';
import { ScreeningTrigger } from '@retell-ops/recruiting';

/** The queues the call worker consumes (QUEUES may narrow a process to some of them). */
export const CALL_WORKER_QUEUES = [QUEUES.callStarted, QUEUES.callEnded, QUEUES.callAnalyzed] as const;

/**
 * One BullMQ worker per lifecycle queue; each job is one delivery to record. A placed call that
 * ended frees its dialer slot; an analysed call linked to a candidate goes on to the candidate worker.
 */
@Injectable()
export class LifecycleWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumers: QueueConsumers;

  constructor(
    env: AppEnv,
    private readonly calls: Calls,
    private readonly screening: ScreeningTrigger,
    private readonly producers: QueueProducers,
    private readonly dialOutcome: DialOutcome,
    private readonly dispatch: DispatchTrigger,
    private readonly live: LiveUpdates,
  ) {
    this.consumers = new QueueConsumers(env, new Logger('CallWorker'));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start(
      CALL_WORKER_QUEUES,
      CALL_WORKER_QUEUES.map((queue) => defineConsumer(queue, (data: CallEventJob) => this.handle(data))),
    );
  }

  private async handle(data: CallEventJob): Promise<void> {
    const recorded = await this.calls.recordDelivery(data);
    await this.live.callRecorded(recorded);
    // A call the platform placed has ended: its slot is free and its request decides what next.
    if (recorded.dialRequestId && (await this.dialOutcome.afterCall(recorded))) {
      await this.live.dialRequests(recorded.tenantId, [recorded.dialRequestId]);
      await this.dispatch.poke(recorded.tenantId);
    }
    if (data.event !== 'call_analyzed') return;
    const job = await this.screening.jobFor(recorded);
    if (job) await this.producers.add(QUEUES.candidateScreening, job, { jobId: screeningJobId(job), ...FOLLOW_UP_JOB_OPTIONS });
  }

  onModuleDestroy(): Promise<void> {
    return this.consumers.close();
  }
}

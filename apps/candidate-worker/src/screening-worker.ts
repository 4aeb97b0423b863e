import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppEnv, QueueConsumers, QueueProducers } from '@retell-ops/config';
import { FOLLOW_UP_JOB_OPTIONS, QUEUES, SCHEDULING_JOB, schedulingJobId, SCREENING_JOB, type ScreeningJob } from '@retell-ops/queue-contracts';
import { LiveUpdates } from '@retell-ops/live-events';
import { ApplyScreening } from '@retell-ops/recruiting';

/** Applies analysed calls to candidates; hands interviews and callbacks to the scheduling worker. */
@Injectable()
export class ScreeningWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumers: QueueConsumers;

  constructor(
    env: AppEnv,
    private readonly apply: ApplyScreening,
    private readonly producers: QueueProducers,
    private readonly live: LiveUpdates,
  ) {
    this.consumers = new QueueConsumers(env, new Logger('CandidateWorker'));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumers.start([{ queue: QUEUES.candidateScreening, jobName: SCREENING_JOB, handle: (job: ScreeningJob) => this.handle(job) }]);
  }

  private async handle(job: ScreeningJob): Promise<void> {
    const { applied, followUps } = await this.apply.execute(job);
    if (applied) await this.live.candidate(job.tenantId, job.candidateId);
    const queue = this.producers.get(QUEUES.interviewScheduling);
    for (const f of followUps) await queue.add(SCHEDULING_JOB, f, { jobId: schedulingJobId(f), ...FOLLOW_UP_JOB_OPTIONS });
  }

  onModuleDestroy(): Promise<void> {
    return this.consumers.close();
  }
}

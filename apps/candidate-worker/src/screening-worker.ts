import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { defineConsumer, FOLLOW_UP_JOB_OPTIONS, QueueConsumers, QueueProducers, QUEUES, schedulingJobId, type ScreeningJob } from '@retell-ops/queue';
import { LiveUpdates } from '@retell-ops/live-events';
import { ApplyScreening } from '@retell-ops/recruiting';

/** The queues the candidate worker consumes (QUEUES may narrow a process to some of them). */
export const CANDIDATE_WORKER_QUEUES = [QUEUES.candidateScreening] as const;

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

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start(CANDIDATE_WORKER_QUEUES, [defineConsumer(QUEUES.candidateScreening, (job: ScreeningJob) => this.handle(job))]);
  }

  private async handle(job: ScreeningJob): Promise<void> {
    const { applied, followUps } = await this.apply.execute(job);
    if (applied) await this.live.candidate(job.tenantId, job.candidateId);
    for (const f of followUps) await this.producers.add(QUEUES.interviewScheduling, f, { jobId: schedulingJobId(f), ...FOLLOW_UP_JOB_OPTIONS });
  }

  onModuleDestroy(): Promise<void> {
    return this.consumers.close();
  }
}

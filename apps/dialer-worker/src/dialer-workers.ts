import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppEnv, QueueConsumers } from '@retell-ops/config';
import { DialDispatcher, PlaceCall } from '@retell-ops/dialer';
import { DISPATCH_JOB, PLACE_JOB, QUEUES, type DispatchJob, type PlaceJob } from '@retell-ops/queue-contracts';

/**
 * Places outbound calls: dispatches queued requests into free slots (on demand and on a tick,
 * which also brings scheduled calls and retries due), and creates each attempt at Retell.
 */
@Injectable()
export class DialerWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DialerWorker');
  private readonly consumers: QueueConsumers;
  private ticker: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    private readonly env: AppEnv,
    private readonly dispatcher: DialDispatcher,
    private readonly place: PlaceCall,
  ) {
    this.consumers = new QueueConsumers(env, this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start([
      { queue: QUEUES.dialDispatch, jobName: DISPATCH_JOB, handle: (job: DispatchJob) => this.dispatcher.dispatch(job.tenantId), concurrency: 4 },
      // A job started before (its worker died mid-create) checks Retell before creating again.
      { queue: QUEUES.dialPlace, jobName: PLACE_JOB, handle: (job: PlaceJob, raw: Job) => this.place.execute(job, { rerun: raw.attemptsStarted > 1 }), concurrency: 10 },
    ]);
    this.ticker = setInterval(() => void this.tick(), this.env.DIALER_TICK_MS);
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const tenantId of await this.dispatcher.dueTenants()) await this.dispatcher.dispatch(tenantId);
    } catch (e) {
      this.logger.warn(`dispatch tick failed: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.ticker);
    await this.consumers.close();
  }
}

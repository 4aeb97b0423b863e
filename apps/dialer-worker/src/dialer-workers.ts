import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { BatchIntake, DialDispatcher, DialReaper, DialRequestStore, DispatchTrigger, PlaceCall } from '@retell-ops/dialer';
import { defineConsumer, QueueConsumers, QUEUES, type DispatchJob, type JobOf, type PlaceJob } from '@retell-ops/queue';

/** How often the tick also completes batches whose requests all ended (each move does it too) and fails acceptances an API left halfway. */
const BATCH_SWEEP_MS = 10_000;
/** Passes one dispatch job makes at most while pokes keep coming (the tick and the next job do the rest). */
const MAX_DISPATCH_PASSES = 20;

/** The queues the dialer worker consumes (QUEUES may narrow a process to some of them). */
export const DIALER_WORKER_QUEUES = [QUEUES.dialDispatch, QUEUES.dialPlace] as const;

/**
 * Places outbound calls: dispatches queued requests into free slots (on demand and on a tick,
 * which also brings scheduled calls and retries due), creates each try at Retell, and settles
 * requests that held a slot too long (the reaper). The tick is dispatch work: a process narrowed by
 * QUEUES to `dial-place.v1` only places.
 */
@Injectable()
export class DialerWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DialerWorker');
  private readonly consumers: QueueConsumers;
  private ticker: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastSweep = 0;

  constructor(
    private readonly env: AppEnv,
    private readonly dispatcher: DialDispatcher,
    private readonly place: PlaceCall,
    private readonly reaper: DialReaper,
    private readonly store: DialRequestStore,
    private readonly intake: BatchIntake,
    private readonly trigger: DispatchTrigger,
  ) {
    this.consumers = new QueueConsumers(env, this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    const consumed = await this.consumers.start(DIALER_WORKER_QUEUES, [
      defineConsumer(QUEUES.dialDispatch, (job: DispatchJob) => this.dispatchWhilePoked(job.tenantId), { concurrency: 4 }),
      // A job started before (its worker died mid-create) checks Retell before creating again.
      defineConsumer(QUEUES.dialPlace, (job: PlaceJob, raw: JobOf<typeof QUEUES.dialPlace>) => this.place.execute(job, { rerun: raw.attemptsStarted > 1 }), {
        concurrency: this.env.DIALER_PLACE_CONCURRENCY,
      }),
    ]);
    if (consumed.includes(QUEUES.dialDispatch)) this.ticker = setInterval(() => void this.tick(), this.env.DIALER_TICK_MS);
  }

  /**
   * A dispatch job's passes: pokes that came during a pass (a slot freed, a request added) were
   * dropped by the queue as duplicates of the running job, so another pass runs for them now
   * rather than at the next tick.
   */
  private async dispatchWhilePoked(tenantId: string): Promise<number> {
    await this.trigger.takePoke(tenantId);
    let handedOut = 0;
    for (let pass = 0; pass < MAX_DISPATCH_PASSES; pass++) {
      handedOut += await this.dispatcher.dispatch(tenantId);
      if (!(await this.trigger.takePoke(tenantId))) break;
    }
    return handedOut;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const tenantId of await this.reaper.staleTenants()) await this.reaper.reap(tenantId);
      for (const tenantId of await this.dispatcher.dueTenants()) await this.dispatcher.dispatch(tenantId);
      if (Date.now() - this.lastSweep > BATCH_SWEEP_MS) {
        this.lastSweep = Date.now();
        const completed = await this.store.settleAllBatches();
        if (completed) this.logger.log(`${completed} batch(es) completed`);
        await this.intake.failStaleAcceptances();
      }
    } catch (e) {
      this.logger.warn(`dialer tick failed: ${(e as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.ticker);
    await this.consumers.close();
  }
}

import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Calls, type RecordedCall } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import {
  defineConsumer,
  FOLLOW_UP_JOB_OPTIONS,
  QueueConsumers,
  QueueProducers,
  QUEUES,
  screeningJobId,
  type CallEventJob,
  type JobOf,
  type LifecycleEvent,
  type QueuedCallEvent,
  type ReconcileJob,
} from '@retell-ops/queue';
import { DialOutcome, DispatchTrigger, Reconciler, ReconcileSchedules } from '@retell-ops/dialer';
import { LiveUpdates } from '@retell-ops/live-events';
import { ScreeningTrigger } from '@retell-ops/recruiting';

/** The queues the call worker consumes (QUEUES may narrow a process to some of them). */
export const CALL_WORKER_QUEUES = [QUEUES.callStarted, QUEUES.callEnded, QUEUES.callAnalyzed, QUEUES.reconcile, QUEUES.callTransfers] as const;

/** How often the worker brings the per-tenant reconciliation schedulers in line with the tenants. */
const SCHEDULE_SYNC_MS = 60_000;

/**
 * One BullMQ worker per lifecycle queue; each job is one delivery to record. A placed call that
 * ended frees its dialer slot; an analysed call linked to a candidate goes on to the candidate worker.
 * The reconcile queue runs reconciliation with Retell (docs/reconciliation.md); what it records
 * goes on exactly as a webhook's delivery does.
 */
@Injectable()
export class LifecycleWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumers: QueueConsumers;
  private readonly logger = new Logger('CallWorker');
  private syncTimer?: NodeJS.Timeout;

  constructor(
    env: AppEnv,
    private readonly calls: Calls,
    private readonly screening: ScreeningTrigger,
    private readonly producers: QueueProducers,
    private readonly dialOutcome: DialOutcome,
    private readonly dispatch: DispatchTrigger,
    private readonly live: LiveUpdates,
    private readonly reconciler: Reconciler,
    private readonly schedules: ReconcileSchedules,
  ) {
    this.consumers = new QueueConsumers(env, new Logger('CallWorker'));
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = await this.consumers.start(CALL_WORKER_QUEUES, [
      ...([QUEUES.callStarted, QUEUES.callEnded, QUEUES.callAnalyzed] as const).map((queue) =>
        defineConsumer(queue, (data: CallEventJob) => this.handle(data)),
      ),
      // Transfers join the call's timeline: kept like any delivery, the call's status untouched (foldCallEvents).
      defineConsumer(QUEUES.callTransfers, async (data: CallEventJob) => {
        await this.live.callRecorded(await this.calls.recordDelivery(data));
      }),
      defineConsumer(
        QUEUES.reconcile,
        (data: ReconcileJob, job: JobOf<typeof QUEUES.reconcile>) =>
          this.reconciler.execute(data, (event, recorded) => this.afterRecorded(event, recorded), job.id),
        { concurrency: 2 },
      ),
    ]);
    if (started.includes(QUEUES.reconcile)) {
      const sync = () => this.schedules.sync().catch((e: Error) => this.logger.warn(`reconciliation schedulers not synced: ${e.message}`));
      await sync();
      this.syncTimer = setInterval(sync, SCHEDULE_SYNC_MS);
      this.syncTimer.unref();
    }
  }

  private async handle(data: CallEventJob): Promise<void> {
    const recorded = await this.calls.recordDelivery(data);
    await this.live.callRecorded(recorded);
    // A call the platform placed has ended: its slot is free and its request decides what next.
    if (recorded.dialRequestId && (await this.dialOutcome.afterCall(recorded))) {
      await this.live.dialRequests(recorded.tenantId, [recorded.dialRequestId]);
      await this.dispatch.poke(recorded.tenantId);
    }
    await this.screen(data.event, recorded);
  }

  /** After reconciliation recorded an event: what a webhook's delivery leads to (the reconciler frees dial slots itself). */
  private async afterRecorded(event: LifecycleEvent, recorded: RecordedCall): Promise<void> {
    await this.live.callRecorded(recorded);
    if (recorded.dialRequestId) await this.live.dialRequests(recorded.tenantId, [recorded.dialRequestId]);
    await this.screen(event, recorded);
  }

  private async screen(event: QueuedCallEvent, recorded: RecordedCall): Promise<void> {
    if (event !== 'call_analyzed') return;
    const job = await this.screening.jobFor(recorded);
    if (job) await this.producers.add(QUEUES.candidateScreening, job, { jobId: screeningJobId(job), ...FOLLOW_UP_JOB_OPTIONS });
  }

  async onModuleDestroy(): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    await this.consumers.close();
  }
}

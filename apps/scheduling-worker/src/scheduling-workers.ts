import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { defineConsumer, QueueConsumers, QUEUES, type ReminderJob, type SchedulingJob } from '@retell-ops/queue';
import type { Interview } from '@retell-ops/db';
import { LiveUpdates } from '@retell-ops/live-events';
import { FireReminder, InterviewBooking } from '@retell-ops/recruiting';

/** The queues the scheduling worker consumes (QUEUES may narrow a process to some of them). */
export const SCHEDULING_WORKER_QUEUES = [QUEUES.interviewScheduling, QUEUES.interviewReminders] as const;

/** Books interviews and callbacks from applied screenings, and fires interview reminders when due. */
@Injectable()
export class SchedulingWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumers: QueueConsumers;

  constructor(
    env: AppEnv,
    private readonly booking: InterviewBooking,
    private readonly reminders: FireReminder,
    private readonly live: LiveUpdates,
  ) {
    this.consumers = new QueueConsumers(env, new Logger('SchedulingWorker'));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start(SCHEDULING_WORKER_QUEUES, [
      defineConsumer(QUEUES.interviewScheduling, (job: SchedulingJob) => this.book(job)),
      defineConsumer(QUEUES.interviewReminders, (job: ReminderJob) => this.reminders.execute(job)),
    ]);
  }

  private async book(job: SchedulingJob): Promise<void> {
    const booked = await this.booking.fromScreening(job);
    if (job.kind === 'interview') await this.live.interview(job.tenantId, booked as Interview);
  }

  onModuleDestroy(): Promise<void> {
    return this.consumers.close();
  }
}

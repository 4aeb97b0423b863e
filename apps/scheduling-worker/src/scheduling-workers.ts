import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppEnv, QueueConsumers } from '@retell-ops/config';
import { QUEUES, REMINDER_JOB, SCHEDULING_JOB, type ReminderJob, type SchedulingJob } from '@retell-ops/queue-contracts';
import type { Interview } from '@retell-ops/db';
import { LiveUpdates } from '@retell-ops/live-events';
import { FireReminder, InterviewBooking } from '@retell-ops/recruiting';

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

  onApplicationBootstrap(): Promise<void> {
    return this.consumers.start([
      { queue: QUEUES.interviewScheduling, jobName: SCHEDULING_JOB, handle: (job: SchedulingJob) => this.book(job) },
      { queue: QUEUES.interviewReminders, jobName: REMINDER_JOB, handle: (job: ReminderJob) => this.reminders.execute(job) },
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

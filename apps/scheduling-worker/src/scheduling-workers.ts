import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppEnv, QueueConsumers } from '@retell-ops/config';
import { QUEUES, REMINDER_JOB, SCHEDULING_JOB, type ReminderJob, type SchedulingJob } from '@retell-ops/queue-contracts';
import { FireReminder, InterviewBooking } from '@retell-ops/recruiting';

/** Books interviews and callbacks from applied screenings, and fires interview reminders when due. */
@Injectable()
export class SchedulingWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly consumers: QueueConsumers;

  constructor(
    env: AppEnv,
    private readonly booking: InterviewBooking,
    private readonly reminders: FireReminder,
  ) {
    this.consumers = new QueueConsumers(env, new Logger('SchedulingWorker'));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumers.start([
      { queue: QUEUES.interviewScheduling, jobName: SCHEDULING_JOB, handle: (job: SchedulingJob) => this.booking.fromScreening(job) },
      { queue: QUEUES.interviewReminders, jobName: REMINDER_JOB, handle: (job: ReminderJob) => this.reminders.execute(job) },
    ]);
  }

  onModuleDestroy(): Promise<void> {
    return this.consumers.close();
  }
}

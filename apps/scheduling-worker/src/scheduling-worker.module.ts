import { DynamicModule, Module } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { QueueProducers } from '@retell-ops/queue';
import { DbModule } from '@retell-ops/db';
import { FireReminder, InterviewBooking, InterviewReminders, REMINDER_CLOCK, ReminderScheduler, systemClock, type ReminderClock } from '@retell-ops/recruiting';
import { LiveEventPublisher, LiveUpdates } from '@retell-ops/live-events';
import { SchedulingWorkers } from './scheduling-workers';

@Module({})
export class SchedulingWorkerModule {
  /** `reminderClock`: where reminder delays are measured from (tests pass their own). */
  static forRoot(env: AppEnv, { reminderClock = systemClock }: { reminderClock?: ReminderClock } = {}): DynamicModule {
    return {
      module: SchedulingWorkerModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: 6 })],
      providers: [
        { provide: AppEnv, useValue: env },
        { provide: REMINDER_CLOCK, useValue: reminderClock },
        QueueProducers,
        LiveEventPublisher,
        LiveUpdates,
        ReminderScheduler,
        InterviewReminders,
        InterviewBooking,
        FireReminder,
        SchedulingWorkers,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { AppEnv, QueueProducers } from '@retell-ops/config';
import { DbModule } from '@retell-ops/db';
import { FireReminder, InterviewBooking, ReminderScheduler } from '@retell-ops/recruiting';
import { SchedulingWorkers } from './scheduling-workers';

@Module({})
export class SchedulingWorkerModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: SchedulingWorkerModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: 6 })],
      providers: [{ provide: AppEnv, useValue: env }, QueueProducers, ReminderScheduler, InterviewBooking, FireReminder, SchedulingWorkers],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { QueueProducers } from '@retell-ops/queue';
import { DbModule } from '@retell-ops/db';
import { LiveEventPublisher, LiveUpdates } from '@retell-ops/live-events';
import { ApplyScreening } from '@retell-ops/recruiting';
import { ScreeningWorker } from './screening-worker';

@Module({})
export class CandidateWorkerModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: CandidateWorkerModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: 6 })],
      providers: [{ provide: AppEnv, useValue: env }, QueueProducers, LiveEventPublisher, LiveUpdates, ApplyScreening, ScreeningWorker],
    };
  }
}

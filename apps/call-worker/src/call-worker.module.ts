import { DynamicModule, Module } from '@nestjs/common';
import { Calls } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import { QueueProducers } from '@retell-ops/queue';
import { DbModule } from '@retell-ops/db';
import { DialOutcome, DialRequestStore, DispatchTrigger, Reconciler, ReconcileSchedules, RetellClients } from '@retell-ops/dialer';
import { LiveEventPublisher, LiveUpdates } from '@retell-ops/live-events';
import { ScreeningTrigger } from '@retell-ops/recruiting';
import { LifecycleWorkers } from './lifecycle-workers';
import { StatsRollupLoop } from './stats-rollup-loop';

@Module({})
export class CallWorkerModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: CallWorkerModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: env.CALL_WORKER_CONCURRENCY + 2 })],
      providers: [
        { provide: AppEnv, useValue: env },
        Calls,
        ScreeningTrigger,
        QueueProducers,
        DialRequestStore,
        DialOutcome,
        DispatchTrigger,
        LiveEventPublisher,
        LiveUpdates,
        RetellClients,
        Reconciler,
        ReconcileSchedules,
        LifecycleWorkers,
        StatsRollupLoop,
      ],
    };
  }
}

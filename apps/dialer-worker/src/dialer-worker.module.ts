import { DynamicModule, Module } from '@nestjs/common';
import { Calls } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import { QueueProducers } from '@retell-ops/queue';
import { DbModule } from '@retell-ops/db';
import {
  BatchIntake,
  DialDispatcher,
  DialOutcome,
  DialReaper,
  DialRequestStore,
  DispatchTrigger,
  PlaceCall,
  RetellClients,
  TenantConcurrency,
} from '@retell-ops/dialer';
import { LiveEventPublisher, LiveUpdates } from '@retell-ops/live-events';
import { DialerWorkers } from './dialer-workers';

@Module({})
export class DialerWorkerModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: DialerWorkerModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: 8 })],
      providers: [
        { provide: AppEnv, useValue: env },
        QueueProducers,
        LiveEventPublisher,
        LiveUpdates,
        RetellClients,
        TenantConcurrency,
        DispatchTrigger,
        DialRequestStore,
        Calls,
        DialOutcome,
        DialDispatcher,
        PlaceCall,
        DialReaper,
        BatchIntake,
        DialerWorkers,
      ],
    };
  }
}

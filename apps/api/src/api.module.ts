import { DynamicModule, Module } from '@nestjs/common';
import { Calls } from '@retell-ops/call-records';
import { AppEnv, QueueProducers } from '@retell-ops/config';
import { DbModule } from '@retell-ops/db';
import { DialRequests, DialRequestStore, DispatchTrigger, RetellClients } from '@retell-ops/dialer';
import { ApplyScreening, InterviewBooking, ReminderScheduler } from '@retell-ops/recruiting';
import { ApiKeyGuard } from './auth/api-key.guard';
import { SessionController } from './auth/session.controller';
import { Sessions } from './auth/sessions';
import { CallViewsController } from './call-views/call-views.controller';
import { CallViews } from './call-views/call-views.service';
import { CallsController } from './calls/calls.controller';
import { CallsService } from './calls/calls.service';
import { CandidatesController } from './candidates/candidates.controller';
import { CandidatesService } from './candidates/candidates.service';
import { DefaultTenant } from './default-tenant';
import { DialerController } from './dialer/dialer.controller';
import { DialerService } from './dialer/dialer.service';
import { HealthController } from './health/health.controller';
import { InterviewsController } from './interviews/interviews.controller';
import { InterviewsService } from './interviews/interviews.service';
import { PositionsController } from './positions/positions.controller';
import { PositionsService } from './positions/positions.service';
import { TenantController } from './tenant/tenant.controller';

@Module({})
export class ApiModule {
  static forRoot(env: AppEnv, options: { bootstrapDefaultTenant?: boolean } = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: 10 })],
      controllers: [SessionController, CallViewsController, CallsController, DialerController, CandidatesController, PositionsController, InterviewsController, TenantController, HealthController],
      providers: [
        { provide: AppEnv, useValue: env },
        ApiKeyGuard,
        Sessions,
        CallViews,
        CallsService,
        // Recruiting: the same use cases the call, candidate and scheduling workers run
        QueueProducers,
        Calls,
        ApplyScreening,
        ReminderScheduler,
        InterviewBooking,
        CandidatesService,
        PositionsService,
        InterviewsService,
        // Dialer: requests the dialer worker places
        RetellClients,
        DispatchTrigger,
        DialRequestStore,
        DialRequests,
        DialerService,
        ...(options.bootstrapDefaultTenant === false ? [] : [DefaultTenant]),
      ],
    };
  }
}

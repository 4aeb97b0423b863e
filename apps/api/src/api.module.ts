import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Calls } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import { TerminusModule } from '@nestjs/terminus';
import { QueueFiguresReader, QueueProducers } from '@retell-ops/queue';
import { DbModule, TenantSettings } from '@retell-ops/db';
import { DialRequests, DialRequestStore, DialStats, DispatchTrigger, RetellClients, RetellKeyCheck } from '@retell-ops/dialer';
import { LiveEventHub, LiveEventPublisher, LiveUpdates } from '@retell-ops/live-events';
import { ApplyScreening, InterviewBooking, ReminderScheduler } from '@retell-ops/recruiting';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { PlatformOperatorGuard } from './auth/platform-operator.guard';
import { RouteDeclarationGuard } from './auth/route-declaration.guard';
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
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { InterviewsController } from './interviews/interviews.controller';
import { InterviewsService } from './interviews/interviews.service';
import { PositionsController } from './positions/positions.controller';
import { PositionsService } from './positions/positions.service';
import { RetellKeyRotation } from './tenant/retell-key-rotation';
import { TenantController } from './tenant/tenant.controller';
import { TenantsController } from './tenants/tenants.controller';
import { TenantsService } from './tenants/tenants.service';

@Module({})
export class ApiModule {
  static forRoot(env: AppEnv, options: { bootstrapDefaultTenant?: boolean } = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: 10 }), TerminusModule.forRoot({ logger: false })],
      controllers: [
        SessionController,
        CallViewsController,
        CallsController,
        DialerController,
        CandidatesController,
        PositionsController,
        InterviewsController,
        TenantController,
        TenantsController,
        ApiKeysController,
        HealthController,
        EventsController,
      ],
      providers: [
        { provide: AppEnv, useValue: env },
        { provide: APP_GUARD, useClass: RouteDeclarationGuard },
        ApiKeyGuard,
        PlatformOperatorGuard,
        TenantSettings,
        RetellKeyCheck,
        RetellKeyRotation,
        TenantsService,
        ApiKeysService,
        Sessions,
        CallViews,
        CallsService,
        // Recruiting: the same use cases the call, candidate and scheduling workers run
        QueueProducers,
        QueueFiguresReader, // queue gauges of /metrics
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
        DialStats,
        DialerService,
        // Live events: published after each change, streamed at /api/v1/events
        LiveEventPublisher,
        LiveUpdates,
        LiveEventHub,
        ...(options.bootstrapDefaultTenant === false ? [] : [DefaultTenant]),
      ],
    };
  }
}

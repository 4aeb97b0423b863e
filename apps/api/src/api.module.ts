import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { Calls } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import { TerminusModule } from '@nestjs/terminus';
import { QueueFiguresReader, QueueProducers } from '@retell-ops/queue';
import { DbModule, TenantSettings } from '@retell-ops/db';
import { BatchIntake, DialRequests, DialRequestStore, DialStats, DispatchTrigger, ReconcileRuns, RetellClients, RetellKeyCheck } from '@retell-ops/dialer';
import { LiveEventHub, LiveEventPublisher, LiveUpdates } from '@retell-ops/live-events';
import { ApplyScreening, InterviewBooking, InterviewReminders, ReminderScheduler } from '@retell-ops/recruiting';
import { AgentsController } from './agents/agents.controller';
import { AgentsService } from './agents/agents.service';
import { PhoneNumbersController } from './agents/phone-numbers.controller';
import { PhoneNumbersService } from './agents/phone-numbers.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { AuditModule } from './audit/audit.module';
import { AuditService } from './audit/audit.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { PlatformOperatorGuard } from './auth/platform-operator.guard';
import { RouteDeclarationGuard } from './auth/route-declaration.guard';
import { LoginController } from './auth/login.controller';
import { MeController } from './auth/me.controller';
import { SessionController } from './auth/session.controller';
import { Sessions } from './auth/sessions';
import { CallViewsController } from './call-views/call-views.controller';
import { CallViews } from './call-views/call-views.service';
import { CallsController } from './calls/calls.controller';
import { CallExport } from './calls/call-export';
import { CallsService } from './calls/calls.service';
import { LiveTranscriptController } from './calls/live-transcript.controller';
import { LiveTranscripts } from './calls/live-transcript.service';
import { CandidatesController } from './candidates/candidates.controller';
import { CandidateCounter } from './candidates/candidate-counts';
import { CandidatesService } from './candidates/candidates.service';
import { RateLimitInterceptor } from './common/rate-limit/rate-limit.interceptor';
import { RateLimits } from './common/rate-limit/rate-limits';
import { DefaultTenant } from './default-tenant';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { Deliveries } from './deliveries/deliveries.service';
import { RejectedDeliveries } from './deliveries/rejected-deliveries.service';
import { TenantOrOperatorGuard } from './deliveries/tenant-or-operator.guard';
import { FailedJobsController } from './failed-jobs/failed-jobs.controller';
import { FailedJobs } from './failed-jobs/failed-jobs.service';
import { JobActions } from './operations/job-actions';
import { OperationsController } from './operations/operations.controller';
import { QueueInspector } from './operations/queue-inspector';
import { DialerController } from './dialer/dialer.controller';
import { DialerService } from './dialer/dialer.service';
import { StatsExportController } from './exports/stats-export.controller';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { InboundController } from './inbound/inbound.controller';
import { InboundService } from './inbound/inbound.service';
import { InterviewsController } from './interviews/interviews.controller';
import { InterviewsService } from './interviews/interviews.service';
import { InvitationAcceptance } from './people/invitation-acceptance';
import { Passwords } from './people/passwords';
import { PersonSignIn } from './people/person-sign-in';
import { UsersController } from './people/users.controller';
import { UsersService } from './people/users.service';
import { InterviewersController } from './interviewers/interviewers.controller';
import { InterviewersService } from './interviewers/interviewers.service';
import { PositionsController } from './positions/positions.controller';
import { PositionsService } from './positions/positions.service';
import { ReconcileController } from './reconcile/reconcile.controller';
import { RelaySecrets } from './tenant/relay-secrets';
import { RetellKeyRotation } from './tenant/retell-key-rotation';
import { TenantController } from './tenant/tenant.controller';
import { TenantsController } from './tenants/tenants.controller';
import { TenantsService } from './tenants/tenants.service';

@Module({})
export class ApiModule {
  static forRoot(env: AppEnv, options: { bootstrapDefaultTenant?: boolean } = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [DbModule.forRoot({ databaseUrl: env.DATABASE_URL, poolSize: 10 }), AuditModule, TerminusModule.forRoot({ logger: false })],
      controllers: [
        SessionController,
        LoginController,
        MeController,
        UsersController,
        CallViewsController,
        CallsController,
        LiveTranscriptController,
        DialerController,
        StatsExportController,
        CandidatesController,
        PositionsController,
        InterviewersController,
        InterviewsController,
        TenantController,
        AgentsController,
        PhoneNumbersController,
        InboundController,
        TenantsController,
        ApiKeysController,
        HealthController,
        EventsController,
        AuditController,
        ReconcileController,
        DeliveriesController,
        FailedJobsController,
        OperationsController,
      ],
      providers: [
        { provide: AppEnv, useValue: env },
        { provide: APP_GUARD, useClass: RouteDeclarationGuard },
        // Abuse limits (issue 13 item 9): after the guards, so the caller is known
        RateLimits,
        { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
        ApiKeyGuard,
        PlatformOperatorGuard,
        TenantSettings,
        AgentsService,
        PhoneNumbersService,
        InboundService,
        RetellKeyCheck,
        RetellKeyRotation,
        RelaySecrets,
        TenantsService,
        ApiKeysService,
        Sessions,
        // People: password sign-in, invitations, members
        Passwords,
        PersonSignIn,
        InvitationAcceptance,
        UsersService,
        CallViews,
        AuditService,
        CallsService,
        LiveTranscripts,
        CallExport,
        // Recruiting: the same use cases the call, candidate and scheduling workers run
        QueueProducers,
        QueueFiguresReader, // queue gauges of /metrics
        Calls,
        ApplyScreening,
        ReminderScheduler,
        InterviewReminders,
        InterviewBooking,
        CandidatesService,
        CandidateCounter,
        PositionsService,
        InterviewersService,
        InterviewsService,
        // Dialer: requests the dialer worker places
        RetellClients,
        DispatchTrigger,
        DialRequestStore,
        DialRequests,
        BatchIntake,
        DialStats,
        DialerService,
        // Reconciliation with Retell: runs the call worker executes
        ReconcileRuns,
        // Live events: published after each change, streamed at /api/v1/events
        LiveEventPublisher,
        LiveUpdates,
        LiveEventHub,
        // Operations: the delivery log, dead letters, retries and replays, the queue board
        QueueInspector,
        JobActions,
        Deliveries,
        RejectedDeliveries,
        FailedJobs,
        TenantOrOperatorGuard,
        ...(options.bootstrapDefaultTenant === false ? [] : [DefaultTenant]),
      ],
    };
  }
}

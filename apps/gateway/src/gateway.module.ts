import { DynamicModule, Module } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { PgPool } from '@retell-ops/db/pg-pool';
import { QueueProducers } from '@retell-ops/queue';
import { InterviewBooking, LiveTools, ReminderScheduler, ToolInvocations } from '@retell-ops/recruiting';
import { HealthController } from './health/health.controller';
import { InboundAnswers } from './inbound/inbound-answers';
import { InboundController } from './inbound/inbound.controller';
import { InboundLookup } from './inbound/inbound-lookup';
import { EventQueues } from './queues/event-queues';
import { RelayController } from './relay/relay.controller';
import { TenantDirectory } from './tenants/tenant-directory';
import { LiveTranscriptStore } from './transcripts/live-transcript-store';
import { TenantSignature } from './tenants/tenant-signature';
import { ToolSettings } from './tools/tool-settings';
import { ToolsController } from './tools/tools.controller';
import { RejectionRecorder } from './webhooks/rejection-recorder';
import { WebhookIngestService } from './webhooks/webhook-ingest.service';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({})
export class GatewayModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [WebhooksController, InboundController, ToolsController, RelayController, HealthController],
      providers: [
        { provide: AppEnv, useValue: env },
        { provide: PgPool, useFactory: () => new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 }) },
        TenantDirectory,
        TenantSignature,
        EventQueues,
        LiveTranscriptStore,
        WebhookIngestService,
        InboundLookup,
        InboundAnswers,
        RejectionRecorder,
        // The agent's tools (custom functions): the only routes here that use Prisma and the reminder queue.
        { provide: PrismaService, useFactory: () => new PrismaService({ databaseUrl: env.DATABASE_URL, poolSize: 4 }) },
        QueueProducers,
        ReminderScheduler,
        InterviewBooking,
        ToolInvocations,
        LiveTools,
        ToolSettings,
      ],
    };
  }
}

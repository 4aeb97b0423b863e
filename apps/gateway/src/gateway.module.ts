import { DynamicModule, Module } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PgPool } from '@retell-ops/db/pg-pool';
import { LiveEventPublisher } from '@retell-ops/live-events/publisher';
import { QueueProducers } from '@retell-ops/queue';
import { BookSlot, InterviewReminders, LiveTools, ReminderScheduler, ToolInvocations } from '@retell-ops/recruiting/live';
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
        // The tenant lookups and the tool routes' queries (before, those had 4 connections of their own on Prisma's pool).
        // Generic plans: the tool calls' claim (prepared) is a key lookup PostgreSQL would otherwise plan again on every call.
        { provide: PgPool, useFactory: () => new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 8, genericPlans: true }) },
        TenantDirectory,
        TenantSignature,
        EventQueues,
        LiveTranscriptStore,
        WebhookIngestService,
        InboundLookup,
        InboundAnswers,
        RejectionRecorder,
        // The agent's tools (custom functions): plain SQL on the pool, and the reminder queue for a booking.
        // Nothing the gateway imports loads Prisma (test/integration/gateway-module-graph.test.ts).
        QueueProducers,
        ReminderScheduler,
        InterviewReminders,
        BookSlot,
        ToolInvocations,
        LiveEventPublisher,
        LiveTools,
        ToolSettings,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PgPool } from '@retell-ops/db/pg-pool';
import { HealthController } from './health/health.controller';
import { EventQueues } from './queues/event-queues';
import { RelayController } from './relay/relay.controller';
import { TenantDirectory } from './tenants/tenant-directory';
import { LiveTranscriptStore } from './transcripts/live-transcript-store';
import { TenantSignature } from './tenants/tenant-signature';
import { RejectionRecorder } from './webhooks/rejection-recorder';
import { WebhookIngestService } from './webhooks/webhook-ingest.service';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({})
export class GatewayModule {
  static forRoot(env: AppEnv): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [WebhooksController, RelayController, HealthController],
      providers: [
        { provide: AppEnv, useValue: env },
        { provide: PgPool, useFactory: () => new PgPool({ databaseUrl: env.DATABASE_URL, poolSize: 4 }) },
        TenantDirectory,
        TenantSignature,
        EventQueues,
        LiveTranscriptStore,
        WebhookIngestService,
        RejectionRecorder,
      ],
    };
  }
}

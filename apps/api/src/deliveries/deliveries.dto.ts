import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { QUEUED_CALL_EVENTS } from '@retell-ops/queue';
import { PageQuery } from '../common/keyset-page';
import { IsInstant } from '../common/validators';
import { DELIVERY_STATES } from './deliveries.service';

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: QUEUED_CALL_EVENTS })
  @IsOptional()
  @IsIn(QUEUED_CALL_EVENTS)
  event?: string;

  @ApiPropertyOptional({ description: "Retell's call id or the platform's" })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  callId?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATES, description: 'processed: kept and done; failed, waiting, active: the state of its job' })
  @IsOptional()
  @IsIn(DELIVERY_STATES)
  state?: (typeof DELIVERY_STATES)[number];

  @ApiPropertyOptional({ description: 'Received at or after this instant' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Received before this instant' })
  @IsOptional()
  @IsInstant()
  to?: string;
}

export class RejectedQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  cursor?: string;

  @ApiPropertyOptional({ description: "Platform operator only: this tenant's rows instead of those without a tenant" })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class DeliveryResource {
  @ApiProperty({ description: "The CallEvent's id; for a delivery not kept yet, an id derived from its job" }) id: string;
  @ApiProperty({ enum: QUEUED_CALL_EVENTS }) event: string;
  @ApiProperty({ description: "Retell's call id" }) callId: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "The platform's call id, once kept" }) callRowId: string | null;
  @ApiProperty({ description: 'When the gateway accepted it' }) receivedAt: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'When the call worker kept it' }) processedAt: string | null;
  @ApiProperty({ enum: DELIVERY_STATES }) state: string;
  @ApiProperty() queue: string;
  @ApiProperty() jobId: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Attempts its job made (null once Redis no longer holds the job)' }) attempts:
    number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ description: 'Kept in CallEvent (replayable)' }) kept: boolean;
}

export class DeliveryPage {
  @ApiProperty({ type: [DeliveryResource] }) data: DeliveryResource[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}

export class JobActionResource {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['retry', 'replay'] }) kind: string;
  @ApiProperty() queue: string;
  @ApiProperty() jobId: string;
  @ApiPropertyOptional({ type: String, nullable: true }) deliveryId: string | null;
  @ApiProperty() result: string;
  @ApiPropertyOptional({ type: String, nullable: true }) stateBefore: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) bulkId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) apiKeyId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) userId: string | null;
  @ApiProperty() role: string;
  @ApiProperty() createdAt: string;
}

export class DeliveryDetailResource extends DeliveryResource {
  @ApiProperty({ description: 'The delivery body as kept (the raw webhook payload)', type: 'object', additionalProperties: true }) payload: unknown;
  @ApiProperty({ type: [JobActionResource], description: 'Retries and replays of it' }) actions: JobActionResource[];
}

export class ReplayAnswerResource {
  @ApiProperty() deliveryId: string;
  @ApiProperty() queue: string;
  @ApiProperty() jobId: string;
  @ApiProperty({ enum: ['replayed', 'already_queued'] }) result: string;
  @ApiProperty() message: string;
  @ApiProperty() actionId: string;
}

class RejectedRowResource {
  @ApiProperty({ description: 'Stream entry id' }) id: string;
  @ApiProperty({ description: 'epoch ms' }) at: number;
  @ApiProperty() status: number;
  @ApiProperty() error: string;
  @ApiProperty() reason: string;
  @ApiPropertyOptional({ type: String, nullable: true }) tenantId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) tenantSlug: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) callId: string | null;
  @ApiProperty() ip: string;
  @ApiProperty() bytes: number;
  @ApiProperty() path: string;
}

export class RejectedPageResource {
  @ApiProperty({ enum: ['tenant', 'platform'] }) scope: string;
  @ApiProperty({ type: [RejectedRowResource] }) data: RejectedRowResource[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Platform operator only: { total: {"<status> <error>": n}, days: [{ day, counts }] }',
  })
  counts?: unknown;
}

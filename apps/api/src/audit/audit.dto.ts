import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ACTOR_TYPES, type ActorType } from '@retell-ops/domain';
import { PageQuery } from '../common/keyset-page';
import { IsInstant } from '../common/validators';

export class ListAuditQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ACTOR_TYPES })
  @IsOptional()
  @IsIn(ACTOR_TYPES as unknown as string[])
  actorType?: ActorType;

  @ApiPropertyOptional({ description: 'The user or API key id (or "platform")' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actorId?: string;

  @ApiPropertyOptional({ description: 'Exact action (calls.create), or a prefix ending in a dot (calls.)' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_.]{1,200}$/, { message: 'action is lower-case words joined by dots, e.g. calls.create or calls.' })
  action?: string;

  @ApiPropertyOptional({ description: 'calls, batches, api_keys, tenant, session, …' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  targetType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  targetId?: string;

  @ApiPropertyOptional({ description: 'Rows written at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Rows written before this instant (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: 'The HTTP status answered (e.g. 403 for refused attempts)', minimum: 100, maximum: 599 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(599)
  status?: number;
}

export class ActorResource {
  @ApiProperty({ enum: ACTOR_TYPES }) type: ActorType;
  @ApiProperty() id: string;
  @ApiProperty({ description: "The key's name and prefix, or the person's email, when it acted" }) label: string;
}

export class AuditTargetResource {
  @ApiProperty() type: string;
  @ApiProperty({ type: String, nullable: true }) id: string | null;
}

export class AuditEntryResource {
  @ApiProperty() id: string;
  @ApiProperty({ type: ActorResource }) actor: ActorResource;
  @ApiProperty({ example: 'batches.cancel' }) action: string;
  @ApiProperty({ type: AuditTargetResource, nullable: true }) target: AuditTargetResource | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: "The request's fields, secrets redacted, size-capped" })
  summary: unknown;
  @ApiProperty({ description: 'The HTTP status answered' }) status: number;
  @ApiProperty() method: string;
  @ApiProperty({ description: 'The route pattern, e.g. /api/v1/batches/:id' }) route: string;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty() at: string;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryResource] }) data: AuditEntryResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

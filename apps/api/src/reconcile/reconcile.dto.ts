import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IsInstant } from '../common/validators';

export class ReconcileBody {
  @ApiProperty({ description: 'start of the range (ISO 8601 with a zone): calls Retell started from then', example: '2026-12-05T12:00:00Z' })
  @IsInstant()
  from: string;

  @ApiPropertyOptional({ description: 'end of the range (ISO 8601 with a zone); default now', example: '2026-12-06T12:00:00Z' })
  @IsOptional()
  @IsInstant()
  to?: string;
}

export class ListReconcileRunsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'the id of the last run of the previous page (nextCursor)' })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}

export class ReconcileRunResource {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['schedule', 'operator', 'cli'] }) trigger: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status: string;
  @ApiProperty({ description: 'range start (calls Retell started from then)' }) from: string;
  @ApiProperty({ description: 'range end' }) to: string;
  @ApiProperty({ description: 'list-calls pages read' }) pages: number;
  @ApiProperty({ description: 'calls Retell listed in the range' }) callsSeen: number;
  @ApiProperty({ description: 'calls read with get-call (missing or incomplete here)' }) callsFetched: number;
  @ApiProperty({ description: 'events recorded, per kind', example: { call_started: 0, call_ended: 3, call_analyzed: 5 } })
  eventsAdded: Record<string, number>;
  @ApiProperty({ description: 'dial requests whose slot the run freed' }) requestsFreed: number;
  @ApiProperty({ type: [String] }) errors: string[];
  @ApiPropertyOptional({ nullable: true, description: 'the API key or user that asked for it' }) requestedBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) startedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) finishedAt: string | null;
}

export class ReconcileRunList {
  @ApiProperty({ type: [ReconcileRunResource] }) data: ReconcileRunResource[];
  @ApiPropertyOptional({ nullable: true }) nextCursor: string | null;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsInstant } from '../common/is-instant';
import { CALL_OUTCOMES, CALL_STATUSES, type CallOutcome, type CallStatus } from '@retell-ops/domain';

export class ListCallsQuery {
  @ApiPropertyOptional({ enum: CALL_STATUSES })
  @IsOptional() @IsIn(CALL_STATUSES as unknown as string[])
  status?: CallStatus;

  @ApiPropertyOptional({ enum: CALL_OUTCOMES })
  @IsOptional() @IsIn(CALL_OUTCOMES as unknown as string[])
  outcome?: CallOutcome;

  @ApiPropertyOptional({ description: "Retell agent id" })
  @IsOptional() @IsString() @MaxLength(256)
  agentId?: string;

  @ApiPropertyOptional({ description: 'Calls that started (or were first seen) at or after this instant (ISO 8601)' })
  @IsOptional() @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Calls that started (or were first seen) before this instant (ISO 8601)' })
  @IsOptional() @IsInstant()
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

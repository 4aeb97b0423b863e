import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsInstant } from '../common/validators';
import { CALL_OUTCOMES, CALL_STATUSES, type CallOutcome, type CallStatus } from '@retell-ops/domain';
import { PageQuery } from '../common/keyset-page';

/** The filters the call list and the call export share. */
export class CallFilterQuery {
  @ApiPropertyOptional({ enum: CALL_STATUSES })
  @IsOptional()
  @IsIn(CALL_STATUSES as unknown as string[])
  status?: CallStatus;

  @ApiPropertyOptional({ enum: CALL_OUTCOMES })
  @IsOptional()
  @IsIn(CALL_OUTCOMES as unknown as string[])
  outcome?: CallOutcome;

  @ApiPropertyOptional({ description: 'Retell agent id' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  agentId?: string;

  @ApiPropertyOptional({ description: 'Only calls placed for this batch (an id that is no uuid matches nothing)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  batchId?: string;

  @ApiPropertyOptional({ description: 'Calls that started (or were first seen) at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Calls that started (or were first seen) before this instant (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: 'Calls whose from or to number contains these digits (e.g. +1415555 or 0123)' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?\d{3,15}$/, { message: 'phone must be 3 to 15 digits, optionally after a +' })
  phone?: string;

  @ApiPropertyOptional({
    description: 'Words in the transcript (web-search syntax: "quoted phrase", or, -excluded; English stemming); results stay newest first',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class ListCallsQuery extends IntersectionType(PageQuery, CallFilterQuery) {}

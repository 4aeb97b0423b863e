import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { MAX_BATCH_TARGETS } from '@retell-ops/domain';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageQuery } from '../common/keyset-page';
import { E164, IsFutureInstant, IsIanaZone, IsInstant, IsStringRecord } from '../common/validators';

/** Retell takes string values only (docs/retell.md#dynamic-variables). */
const DYNAMIC_VARIABLES_WHY = 'Retell dynamic variables are strings only';

export const PRIORITIES = ['high', 'normal', 'low'] as const;

class DialOptions {
  @ApiPropertyOptional({ enum: PRIORITIES, default: 'normal', description: 'Under a saturated limit, high goes first' })
  @IsOptional()
  @IsIn(PRIORITIES as unknown as string[])
  priority?: (typeof PRIORITIES)[number];

  @ApiPropertyOptional({ description: 'ISO 8601 instant with a zone, in the future' })
  @IsOptional()
  @IsInstant()
  @IsFutureInstant()
  scheduledAt?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, default: 1, description: 'Attempts in all: no answer, busy and voicemail are redialled up to this many' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  maxAttempts?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 604800, default: 300, description: 'Seconds between attempts' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(604800)
  retryBackoffSec?: number;
}

export class CreateCallBody extends DialOptions {
  @ApiProperty({ example: '+14155550123' })
  @IsString()
  @Matches(E164, { message: 'toNumber must be an E.164 number such as +14155550123' })
  toNumber: string;

  @ApiPropertyOptional({ description: "Retell agent id (default: the tenant's)" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  agentId?: string;

  @ApiPropertyOptional({ description: "E.164 caller id (default: the tenant's)" })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'fromNumber must be an E.164 number such as +14155550100' })
  fromNumber?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringRecord(DYNAMIC_VARIABLES_WHY)
  dynamicVariables?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'e.g. { "candidate_id": "199" }' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ description: "Candidate to call (our id or the tenant's externalId); their fields become dynamic variables" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  candidateId?: string;
}

export class BatchTarget {
  @ApiPropertyOptional({ description: "E.164 number; default: the candidate's phone" })
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'toNumber must be an E.164 number such as +14155550123' })
  toNumber?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  candidateId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsStringRecord(DYNAMIC_VARIABLES_WHY)
  dynamicVariables?: Record<string, string>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class CallingWindowBody {
  @ApiProperty({ example: '09:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'start must be HH:MM' })
  start: string;

  @ApiProperty({ example: '17:00', description: 'exclusive; 24:00 for end of day' })
  @Matches(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { message: 'end must be HH:MM (24:00 allowed)' })
  end: string;

  @ApiProperty({ example: 'America/New_York' })
  @IsIanaZone()
  timeZone: string;
}

/** Everything of a batch but its targets (a CSV upload sends these as query parameters). */
export class CreateBatchOptions extends DialOptions {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ minimum: 1, maximum: 1000, description: 'Never more of this batch live at once' })
  @IsInt()
  @Min(1)
  @Max(1000)
  maxConcurrent: number;

  @ApiPropertyOptional({ type: CallingWindowBody, description: 'Dial only inside this daily window' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallingWindowBody)
  window?: CallingWindowBody;

  @ApiPropertyOptional({ description: "Retell agent id for every target (default: the tenant's)" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  agentId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(E164, { message: 'fromNumber must be an E.164 number such as +14155550100' })
  fromNumber?: string;
}

/**
 * The JSON body, for the docs: its targets are checked by readJsonTargets (libs/domain), not
 * class-validator, which costs seconds at 100,000 nested objects.
 */
export class CreateBatchBody extends CreateBatchOptions {
  @ApiProperty({
    maxItems: MAX_BATCH_TARGETS,
    type: 'array',
    items: { oneOf: [{ type: 'string', example: '+14155550123' }, { $ref: '#/components/schemas/BatchTarget' }] },
    description:
      'Numbers (plain E.164 strings) or targets (each needs toNumber or candidateId), mixed as you like; a later target with a number already in the batch is dropped',
  })
  targets: Array<string | BatchTarget>;
}

export class ListBatchesQuery extends PageQuery {}

export class StatsQuery {
  @ApiPropertyOptional({ description: 'ISO 8601; default 30 days before `to`' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; default now' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({ description: 'Only calls of this batch' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  batchId?: string;

  @ApiPropertyOptional({ description: 'Only calls of this agent' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  agentId?: string;
}

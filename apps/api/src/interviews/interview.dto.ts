import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsInstant } from '../common/validators';
import { Trim } from '../common/validators';
import { PageQuery } from '../common/keyset-page';

export const INTERVIEW_STATUSES = ['scheduled', 'needs_review', 'cancelled', 'completed'] as const;

export class ListInterviewsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INTERVIEW_STATUSES })
  @IsOptional()
  @IsIn(INTERVIEW_STATUSES as unknown as string[])
  status?: (typeof INTERVIEW_STATUSES)[number];

  @ApiPropertyOptional({ description: "The candidate's id, or the tenant's own id for it (externalId)" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  candidateId?: string;

  @ApiPropertyOptional({ description: 'Interviewer name (exact, case-insensitive)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  interviewer?: string;

  @ApiPropertyOptional({ description: 'Interviews at or after this instant (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Interviews before this instant (ISO 8601)' })
  @IsOptional()
  @IsInstant()
  to?: string;
}

/** The new time: `scheduledAt` (an instant with its offset), or `date` + `time` (+ `timeZone`). */
export class RescheduleInterviewBody {
  @ApiPropertyOptional({ description: 'ISO 8601 date-time with Z or an offset, e.g. 2026-12-01T15:00:00-05:00', example: '2026-12-01T15:00:00-05:00' })
  @IsOptional()
  @IsInstant()
  @Matches(/T.*(Z|[+-]\d{2}:\d{2})$/, { message: 'scheduledAt must be a date-time with Z or an offset (2026-12-01T15:00:00-05:00)' })
  scheduledAt?: string;

  @ApiPropertyOptional({ description: 'The day, e.g. 2026-12-01 (with time)', example: '2026-12-01' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  date?: string;

  @ApiPropertyOptional({ description: 'The wall time, e.g. 3:00 PM or 15:00 (with date)', example: '3:00 PM' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  time?: string;

  @ApiPropertyOptional({
    description: "Zone of date + time (IANA such as America/New_York, or words such as ET); without it the candidate's, then the tenant's zone",
    example: 'America/New_York',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  timeZone?: string;

  @ApiPropertyOptional({ minimum: 15, maximum: 480, description: 'Keeps the current length when absent' })
  @IsOptional()
  @IsInt()
  @Min(15)
  @Max(480)
  durationMinutes?: number;

  @ApiPropertyOptional({ description: 'Who runs it; null removes the interviewer; absent keeps the current one', type: String, nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  interviewer?: string | null;
}

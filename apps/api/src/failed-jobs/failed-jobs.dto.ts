import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { QUEUES } from '@retell-ops/queue';
import { IsInstant } from '../common/validators';

const QUEUE_NAMES = Object.values(QUEUES);

export class FailedJobsQuery {
  @ApiPropertyOptional({ enum: QUEUE_NAMES, description: 'One queue; all queues when absent' })
  @IsOptional()
  @IsIn(QUEUE_NAMES)
  queue?: string;

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
  @MaxLength(600)
  cursor?: string;
}

export class BulkRetryBody {
  @ApiPropertyOptional({ description: 'Only jobs whose failure reason contains this text (case-insensitive)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;

  @ApiPropertyOptional({ description: 'Only jobs that failed at or after this instant' })
  @IsOptional()
  @IsInstant()
  failedAfter?: string;

  @ApiPropertyOptional({ description: 'Only jobs that failed before this instant' })
  @IsOptional()
  @IsInstant()
  failedBefore?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100, description: 'At most this many jobs, newest failures first' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

class QueueFailedCount {
  @ApiProperty({ enum: QUEUE_NAMES }) queue: string;
  @ApiProperty() failed: number;
}

export class FailedJobResource {
  @ApiProperty({ enum: QUEUE_NAMES }) queue: string;
  @ApiProperty() jobId: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "The job's last error (at most 500 characters)" }) reason: string | null;
  @ApiProperty() attemptsMade: number;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: String, nullable: true }) failedAt: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The payload's top-level scalar fields, cut short: no secrets, no body (a webhook body is shown as its size)",
  })
  payload: Record<string, unknown>;
}

export class FailedJobsPageResource {
  @ApiProperty({ type: [QueueFailedCount] }) queues: QueueFailedCount[];
  @ApiProperty({ type: [FailedJobResource] }) data: FailedJobResource[];
  @ApiPropertyOptional({ type: String, nullable: true }) nextCursor: string | null;
}

export class RetryAnswerResource {
  @ApiProperty() queue: string;
  @ApiProperty() jobId: string;
  @ApiProperty({ enum: ['retried', 'already_retried', 'completed'], description: 'retried, or the no-op: already_retried (not failed) or completed' })
  result: string;
  @ApiProperty({ description: "The job's state when asked" }) state: string;
  @ApiProperty() message: string;
  @ApiProperty({ description: 'The JobAction row recording it' }) actionId: string;
}

export class BulkRetryAnswerResource {
  @ApiProperty() bulkId: string;
  @ApiProperty() queue: string;
  @ApiProperty() matched: number;
  @ApiProperty() retried: number;
  @ApiProperty() skipped: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { RETELL_CALL_STATUSES } from '@retell-ops/retell';
import { IsStringRecord } from '../common/validators';
import { SEED_CALL } from '@retell-ops/domain';

type Check = (v: unknown) => boolean;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null || check(v);
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);

/** The first key of `value` that breaks `shape`, or 'object' when `value` is not an object. */
function shapeProblem(value: unknown, shape: Record<string, [Check, string]>): string | undefined {
  if (!isRecord(value)) return 'object';
  for (const [key, [check]] of Object.entries(shape)) if (!check(value[key])) return key;
  return undefined;
}

/** An object whose known keys have the right types; other keys pass through untouched (Retell adds fields). */
function HasShape(shape: Record<string, [Check, string]>): PropertyDecorator {
  return ValidateBy({
    name: 'hasShape',
    validator: {
      validate: (value: unknown) => shapeProblem(value, shape) === undefined,
      defaultMessage: (args?: ValidationArguments) => {
        const bad = shapeProblem(args?.value, shape);
        return bad === 'object' || bad === undefined ? `${args?.property} must be an object` : `${args?.property}.${bad} must be ${shape[bad][1]}`;
      },
    },
  });
}

const CALL_ANALYSIS_SHAPE: Record<string, [Check, string]> = {
  call_summary: [optional(str), 'a string'],
  user_sentiment: [optional(str), 'a string'],
  call_successful: [optional(bool), 'a boolean'],
  in_voicemail: [optional(bool), 'a boolean'],
  custom_analysis_data: [() => true, 'anything'],
};
const CALL_COST_SHAPE: Record<string, [Check, string]> = {
  combined_cost: [optional(num), 'a number (cents)'],
  product_costs: [optional(Array.isArray), 'an array'],
  total_duration_seconds: [optional(num), 'a number'],
  total_duration_unit_price: [optional(num), 'a number'],
};

const OBJ = { type: 'object', additionalProperties: true } as const;
const OBJS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

/**
 * A Retell call object as Retell's get-call API (or a call_analyzed webhook) gives it: the
 * recruiting guide's manual save. Every field Retell documents is accepted; the ones the platform
 * reads are type-checked like the webhook gateway checks them. `access_token` (web calls) is
 * accepted and never stored.
 */
export class RetellCallDataBody {
  @ApiProperty({ description: "Retell's call_id", example: 'call_abc123xyz789' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  call_id: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) agent_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) agent_version?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() agent_name?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() agent_tag?: string | null;
  @ApiPropertyOptional({ enum: ['phone_call', 'web_call'] }) @IsOptional() @IsIn(['phone_call', 'web_call']) call_type?: string;
  @ApiPropertyOptional({ enum: RETELL_CALL_STATUSES }) @IsOptional() @IsIn(RETELL_CALL_STATUSES as string[]) call_status?: string;
  @ApiPropertyOptional({ enum: ['inbound', 'outbound'] }) @IsOptional() @IsIn(['inbound', 'outbound']) direction?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() from_number?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() to_number?: string;
  @ApiPropertyOptional({ ...OBJ, description: "Names the candidate as candidate_id (our id or the tenant's own); recruiter/interviewer names who interviews" })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) @IsOptional() @IsStringRecord() retell_llm_dynamic_variables?: Record<
    string,
    string
  >;
  @ApiPropertyOptional(OBJ) @IsOptional() @IsObject() collected_dynamic_variables?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'ms since the epoch' }) @IsOptional() @IsInt() @Min(0) start_timestamp?: number;
  @ApiPropertyOptional({ description: 'ms since the epoch' }) @IsOptional() @IsInt() @Min(0) end_timestamp?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) duration_ms?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) disconnection_reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() transcript?: string;
  @ApiPropertyOptional(OBJS) @IsOptional() @IsArray() @IsObject({ each: true }) transcript_object?: Array<Record<string, unknown>>;
  @ApiPropertyOptional(OBJS) @IsOptional() @IsArray() @IsObject({ each: true }) transcript_with_tool_calls?: Array<Record<string, unknown>>;
  @ApiPropertyOptional(OBJS) @IsOptional() @IsArray() @IsObject({ each: true }) scrubbed_transcript_with_tool_calls?: Array<Record<string, unknown>>;
  @ApiPropertyOptional() @IsOptional() @IsString() recording_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() recording_multi_channel_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() scrubbed_recording_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() scrubbed_recording_multi_channel_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() public_log_url?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() knowledge_base_retrieved_contents_url?: string;
  @ApiPropertyOptional(OBJ) @IsOptional() @IsObject() latency?: Record<string, unknown>;
  @ApiPropertyOptional(OBJ) @IsOptional() @IsObject() llm_token_usage?: Record<string, unknown>;
  @ApiPropertyOptional({ ...OBJ, description: 'combined_cost in cents' }) @IsOptional() @HasShape(CALL_COST_SHAPE) call_cost?: Record<string, unknown>;
  @ApiPropertyOptional({ ...OBJ, description: 'call_summary, user_sentiment, call_successful, in_voicemail, custom_analysis_data (the screening fields)' })
  @IsOptional()
  @HasShape(CALL_ANALYSIS_SHAPE)
  call_analysis?: Record<string, unknown>;
  @ApiPropertyOptional({ enum: ['everything', 'everything_except_pii', 'basic_attributes_only'], nullable: true })
  @IsOptional()
  @IsIn(['everything', 'everything_except_pii', 'basic_attributes_only'])
  data_storage_setting?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() opt_in_signed_url?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) @IsOptional() @IsStringRecord() custom_sip_headers?: Record<
    string,
    string
  >;
  @ApiPropertyOptional(OBJ) @IsOptional() @IsObject() telephony_identifier?: Record<string, unknown>;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() transfer_destination?: string | null;
  @ApiPropertyOptional({ description: 'ms since the epoch' }) @IsOptional() @IsInt() @Min(0) transfer_end_timestamp?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() batch_call_id?: string;
  @ApiPropertyOptional({ description: 'Web calls only; accepted and never stored' }) @IsOptional() @IsString() access_token?: string;
}

/** The seed call (`libs/domain/src/fixtures/seed-call.ts`), as the API docs' example request. */
export const SEED_CALL_EXAMPLE = SEED_CALL;

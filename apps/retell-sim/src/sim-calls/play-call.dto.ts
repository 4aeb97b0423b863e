import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SIM_EVENTS, SIM_SCENARIOS, type SimEvent, type SimScenario } from '../payloads';
import { IsStringRecord } from './is-string-record';

const E164 = /^\+[1-9]\d{6,14}$/;

export class PlayCallDto {
  @IsIn(SIM_SCENARIOS, { message: `scenario must be one of: ${SIM_SCENARIOS.join(', ')}` })
  scenario: SimScenario;

  /** replay a known call id (e.g. one the platform created); default a fresh one */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/, { message: 'callId must be 1-128 letters, digits, _ or -' })
  callId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  agentId?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'tenantSlug must be 1-64 letters, digits, _ or -' })
  tenantSlug?: string;

  @IsOptional()
  @Matches(E164, { message: 'fromNumber must be E.164, e.g. +14155550100' })
  fromNumber?: string;

  @IsOptional()
  @Matches(E164, { message: 'toNumber must be E.164, e.g. +14155550123' })
  toNumber?: string;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @IsOptional()
  @IsStringRecord()
  dynamicVariables?: Record<string, string>;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  duplicates?: number;

  @IsOptional()
  @IsBoolean()
  reorder?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  delayMs?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000)
  transcriptTurns?: number;

  /** share (0–1) of the dropEvents deliveries never sent */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  dropRate?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(SIM_EVENTS, { each: true, message: `dropEvents must list events of: ${SIM_EVENTS.join(', ')}` })
  dropEvents?: SimEvent[];

  /** Retell-style retries after a non-2xx or a timeout (Retell makes 3) */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  retries?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60_000)
  timeoutMs?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  retryDelayMs?: number;

  /** transcript_updated at each turn change and a final one as the call ends */
  @IsOptional()
  @IsBoolean()
  liveTranscript?: boolean;

  /** where the transfer scenarios transfer to */
  @IsOptional()
  @Matches(E164, { message: 'transferTo must be E.164, e.g. +14155550111' })
  transferTo?: string;
}

/** The scenarios an inbound call can play once someone answers. */
export const INBOUND_SCENARIOS = ['answered', 'booking', 'transfer', 'transfer_cancelled'] as const;

/** POST /sim/inbound-calls: a call to one of the account's numbers, asked of its inbound webhook first. */
export class PlayInboundCallDto {
  @Matches(E164, { message: 'fromNumber must be E.164, e.g. +14155550142' })
  fromNumber: string;

  /** one of the account's numbers (GET /v2/list-phone-numbers) */
  @Matches(E164, { message: 'toNumber must be E.164, e.g. +14155550100' })
  toNumber: string;

  @IsOptional()
  @IsIn(INBOUND_SCENARIOS, { message: `scenario must be one of: ${INBOUND_SCENARIOS.join(', ')}` })
  scenario?: (typeof INBOUND_SCENARIOS)[number];

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,128}$/, { message: 'callId must be 1-128 letters, digits, _ or -' })
  callId?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'tenantSlug must be 1-64 letters, digits, _ or -' })
  tenantSlug?: string;

  @IsOptional()
  @IsStringRecord()
  customSipHeaders?: Record<string, string>;

  @IsOptional()
  @IsBoolean()
  liveTranscript?: boolean;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_000)
  transcriptTurns?: number;

  /** inbound webhook: per-attempt timeout (default 10000, Retell's), retries (default 3, Retell's), pause before each retry */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(60_000)
  inboundTimeoutMs?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  inboundRetries?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  inboundRetryDelayMs?: number;
}

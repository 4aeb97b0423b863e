import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
  validateSync,
  ValidationError,
} from 'class-validator';

/** The envelope fields the platform relies on, validated before a delivery is queued. */
export class WebhookCallRefDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  call_id: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  agent_id: string;

  // Retell adds values: an unknown one is kept raw and leaves the platform status where it was.
  @IsOptional()
  @IsString()
  @MaxLength(64)
  call_status?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  disconnection_reason?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  start_timestamp?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  end_timestamp?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  duration_ms?: number;

  @IsOptional()
  @IsString()
  from_number?: string;

  @IsOptional()
  @IsString()
  to_number?: string;

  @IsOptional()
  @IsIn(['inbound', 'outbound'])
  direction?: string;

  @IsOptional()
  @IsString()
  transcript?: string;

  @IsOptional()
  @IsObject()
  call_analysis?: object;
}

export class WebhookEnvelopeDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  event: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookCallRefDto)
  call: WebhookCallRefDto;

  @IsOptional()
  @IsNumber()
  event_timestamp?: number;
}

const CHECKED_CALL_KEYS = [
  'call_id',
  'agent_id',
  'call_status',
  'disconnection_reason',
  'start_timestamp',
  'end_timestamp',
  'duration_ms',
  'from_number',
  'to_number',
  'direction',
  'transcript',
  'call_analysis',
] as const;

export type EnvelopeCheck = { ok: true; event: string; callId: string; agentId: string } | { ok: false; reason: string; callId?: string };

function describe(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((e) => {
    const here = path ? `${path}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => m.replace(e.property, here));
    return [...own, ...describe(e.children ?? [], here)];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a parsed body as a call-event envelope. Only the fields the platform keys on are
 * copied into the DTO, so a 20 KB transcript is not walked by class-transformer.
 */
export function checkEnvelope(parsed: unknown): EnvelopeCheck {
  if (!isRecord(parsed)) return { ok: false, reason: 'body must be a JSON object' };
  const call = parsed.call;
  // Built by hand rather than by class-transformer: the same instances, without walking the body.
  let callRef: unknown = call;
  if (isRecord(call)) {
    const ref = new WebhookCallRefDto() as unknown as Record<string, unknown>;
    for (const k of CHECKED_CALL_KEYS) if (k in call) ref[k] = call[k];
    callRef = ref;
  }
  const dto = Object.assign(new WebhookEnvelopeDto(), { event: parsed.event, call: callRef, event_timestamp: parsed.event_timestamp }) as WebhookEnvelopeDto;
  const errors = validateSync(dto);
  const callId = isRecord(call) && typeof call.call_id === 'string' ? call.call_id : undefined;
  if (errors.length) return { ok: false, reason: describe(errors).join('; '), callId };
  return { ok: true, event: dto.event, callId: dto.call.call_id, agentId: dto.call.agent_id };
}

/** The agent id a delivery names, for routing to a tenant before its signature can be checked. */
export function agentIdOf(parsed: unknown): string | undefined {
  if (!isRecord(parsed)) return undefined;
  for (const key of ['call', 'chat', 'call_inbound', 'chat_inbound']) {
    const inner = parsed[key];
    if (isRecord(inner) && typeof inner.agent_id === 'string' && inner.agent_id) return inner.agent_id;
  }
  return undefined;
}

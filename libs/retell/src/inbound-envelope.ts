import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
  validateSync,
  type ValidationError,
} from 'class-validator';

/**
 * `call_inbound` (a number's inbound-call webhook) or `chat_inbound` (its inbound-SMS webhook) of
 * Retell (docs/retell.md#inbound-call-webhook): the same fields, only those the platform reads.
 */
export class InboundCallDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  from_number: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  to_number: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  agent_id?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  agent_version?: number;

  /** Sent by some Retell versions for deduplication across retries; absent in others. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  call_id?: string;

  /** The chat's id on a `chat_inbound`, when sent (as call_id on a call). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  chat_id?: string;

  @IsOptional()
  @IsObject()
  custom_sip_headers?: object;
}

/** The two request/response webhooks of a number, each carrying its object under its own name. */
export const INBOUND_EVENTS = ['call_inbound', 'chat_inbound'] as const;
export type InboundEvent = (typeof INBOUND_EVENTS)[number];

export class InboundEnvelopeDto {
  @IsIn(INBOUND_EVENTS, { message: 'event must be call_inbound or chat_inbound' })
  event: InboundEvent;

  @IsInt()
  @Min(0)
  event_timestamp: number;

  /** `call_inbound` or `chat_inbound`, whichever `event` names */
  @IsDefined({ message: 'the object the event names (call_inbound or chat_inbound) is missing' })
  @IsObject({ message: 'the object the event names (call_inbound or chat_inbound) must be a JSON object' })
  @ValidateNested()
  @Type(() => InboundCallDto)
  inbound: InboundCallDto;
}

export interface InboundRequest {
  from_number: string;
  to_number: string;
  agent_id?: string;
  /** Retell's call id (call_inbound) or chat id (chat_inbound), when sent */
  id?: string;
}

export type InboundEnvelopeCheck = { ok: true; event: InboundEvent; eventTimestamp: number; inbound: InboundRequest } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const KEYS = ['from_number', 'to_number', 'agent_id', 'agent_version', 'call_id', 'chat_id', 'custom_sip_headers'] as const;

/** Each error with its field's path; the DTO's `inbound` is named as the body names it (`call_inbound` or `chat_inbound`). */
function describe(errors: ValidationError[], event: InboundEvent, path = ''): string[] {
  return errors.flatMap((e) => {
    const name = !path && e.property === 'inbound' ? event : e.property;
    const here = path ? `${path}.${name}` : name;
    const own = Object.values(e.constraints ?? {}).map((m) => (name === e.property ? m.replace(e.property, here) : m));
    return [...own, ...describe(e.children ?? [], event, here)];
  });
}

/** Validates a parsed body as a `call_inbound` or `chat_inbound` delivery; the reason is built from fixed messages only. */
export function checkInboundEnvelope(parsed: unknown): InboundEnvelopeCheck {
  if (!isRecord(parsed)) return { ok: false, reason: 'body must be a JSON object' };
  const event = parsed.event === 'chat_inbound' ? 'chat_inbound' : 'call_inbound';
  const inner = parsed[event];
  let ref: unknown = inner;
  if (isRecord(inner)) {
    const dto = new InboundCallDto() as unknown as Record<string, unknown>;
    for (const k of KEYS) if (k in inner) dto[k] = inner[k];
    ref = dto;
  }
  const dto = Object.assign(new InboundEnvelopeDto(), { event: parsed.event, event_timestamp: parsed.event_timestamp, inbound: ref });
  const errors = validateSync(dto);
  if (errors.length) return { ok: false, reason: describe(errors, event).slice(0, 4).join('; ') };
  const c = dto.inbound;
  return {
    ok: true,
    event: dto.event,
    eventTimestamp: dto.event_timestamp,
    inbound: { from_number: c.from_number, to_number: c.to_number, agent_id: c.agent_id, id: event === 'chat_inbound' ? c.chat_id : c.call_id },
  };
}

import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
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

/** `call_inbound` of Retell's inbound-call webhook (docs/retell.md#inbound-call-webhook); only the fields the platform reads. */
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

  @IsOptional()
  @IsObject()
  custom_sip_headers?: object;
}

export class InboundEnvelopeDto {
  @Equals('call_inbound', { message: 'event must be call_inbound' })
  event: string;

  @IsInt()
  @Min(0)
  event_timestamp: number;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => InboundCallDto)
  call_inbound: InboundCallDto;
}

export type InboundEnvelopeCheck =
  { ok: true; eventTimestamp: number; inbound: Pick<InboundCallDto, 'from_number' | 'to_number' | 'agent_id' | 'call_id'> } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const KEYS = ['from_number', 'to_number', 'agent_id', 'agent_version', 'call_id', 'custom_sip_headers'] as const;

function describe(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((e) => {
    const here = path ? `${path}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => m.replace(e.property, here));
    return [...own, ...describe(e.children ?? [], here)];
  });
}

/** Validates a parsed body as a `call_inbound` delivery; the reason is built from fixed messages only. */
export function checkInboundEnvelope(parsed: unknown): InboundEnvelopeCheck {
  if (!isRecord(parsed)) return { ok: false, reason: 'body must be a JSON object' };
  const inner = parsed.call_inbound;
  let ref: unknown = inner;
  if (isRecord(inner)) {
    const dto = new InboundCallDto() as unknown as Record<string, unknown>;
    for (const k of KEYS) if (k in inner) dto[k] = inner[k];
    ref = dto;
  }
  const dto = Object.assign(new InboundEnvelopeDto(), { event: parsed.event, event_timestamp: parsed.event_timestamp, call_inbound: ref });
  const errors = validateSync(dto);
  if (errors.length) return { ok: false, reason: describe(errors).slice(0, 4).join('; ') };
  const c = dto.call_inbound;
  return {
    ok: true,
    eventTimestamp: dto.event_timestamp,
    inbound: { from_number: c.from_number, to_number: c.to_number, agent_id: c.agent_id, call_id: c.call_id },
  };
}

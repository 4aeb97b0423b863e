import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CallbackTask, Interview } from '@retell-ops/db';
import { DateTime } from 'luxon';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The wall time of an instant in a zone, e.g. 2025-10-08T15:00:00-04:00 (null when either is unknown). */
export function localTimeOf(at: Date | null, zone: string | null): string | null {
  if (!at || !zone) return null;
  const local = DateTime.fromJSDate(at, { zone });
  return local.isValid ? local.toISO({ suppressMilliseconds: true }) : null;
}

export class InterviewResource {
  @ApiProperty() id: string;
  @ApiProperty() candidateId: string;
  @ApiProperty({ enum: ['scheduled', 'needs_review', 'cancelled', 'completed'] }) status: string;
  @ApiPropertyOptional({ description: 'The instant, ISO 8601 UTC; null while the time needs review', type: String, nullable: true }) scheduledAt: string | null;
  @ApiPropertyOptional({ description: 'IANA zone the time was agreed in (or a fixed offset such as UTC-04:00)', type: String, nullable: true }) timeZone:
    string | null;
  @ApiPropertyOptional({ description: 'The wall time in timeZone, e.g. 2025-10-08T15:00:00-04:00', type: String, nullable: true }) localTime: string | null;
  @ApiProperty() durationMinutes: number;
  @ApiPropertyOptional({ type: String, nullable: true }) interviewer: string | null;
  @ApiPropertyOptional({ description: 'scheduled_date as the call gave it', type: String, nullable: true }) rawDate: string | null;
  @ApiPropertyOptional({ description: 'scheduled_time as the call gave it', type: String, nullable: true }) rawTime: string | null;
  @ApiPropertyOptional({ description: 'scheduled_timezone as the call gave it', type: String, nullable: true }) rawZone: string | null;
  @ApiPropertyOptional({ description: 'scheduled_datetime_iso as the call gave it', type: String, nullable: true }) rawIso: string | null;
  @ApiPropertyOptional({ description: 'iso, spoken_zone, candidate_zone, tenant_zone, manual', type: String, nullable: true }) resolvedFrom: string | null;
  @ApiPropertyOptional({ description: 'Why a person must look at it', type: String, nullable: true }) reviewReason: string | null;
  @ApiProperty({ description: 'RFC 5545 SEQUENCE: grows with every reschedule or cancel' }) sequence: number;
  @ApiPropertyOptional({ description: 'Retell call_id of the screening call that booked it', type: String, nullable: true }) sourceCallId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) cancelledAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(i: Interview): InterviewResource {
    return {
      id: i.id,
      candidateId: i.candidateId,
      status: i.status,
      scheduledAt: iso(i.scheduledAt),
      timeZone: i.timeZone,
      localTime: localTimeOf(i.scheduledAt, i.timeZone),
      durationMinutes: i.durationMinutes,
      interviewer: i.interviewer,
      rawDate: i.rawDate,
      rawTime: i.rawTime,
      rawZone: i.rawZone,
      rawIso: i.rawIso,
      resolvedFrom: i.resolvedFrom,
      reviewReason: i.reviewReason,
      sequence: i.sequence,
      sourceCallId: i.sourceCallId,
      cancelledAt: iso(i.cancelledAt),
      createdAt: i.createdAt.toISOString(),
      updatedAt: i.updatedAt.toISOString(),
    };
  }
}

export class InterviewPage {
  @ApiProperty({ type: [InterviewResource] }) data: InterviewResource[];
  @ApiPropertyOptional({ description: 'Pass as ?cursor= for the next page; null on the last page', type: String, nullable: true }) nextCursor: string | null;
}

export class CallbackTaskResource {
  @ApiProperty() id: string;
  @ApiProperty() candidateId: string;
  @ApiProperty({ enum: ['pending', 'needs_review', 'done', 'cancelled'] }) status: string;
  @ApiPropertyOptional({ description: 'When to call back, ISO 8601 UTC; null while it needs review', type: String, nullable: true }) dueAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) timeZone: string | null;
  @ApiPropertyOptional({ description: 'The wall time in timeZone', type: String, nullable: true }) localTime: string | null;
  @ApiPropertyOptional({ description: 'The words the call gave for the time', type: String, nullable: true }) rawWords: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) reviewReason: string | null;
  @ApiProperty({ description: 'Retell call_id of the call that asked for it' }) sourceCallId: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(t: CallbackTask): CallbackTaskResource {
    return {
      id: t.id,
      candidateId: t.candidateId,
      status: t.status,
      dueAt: iso(t.dueAt),
      timeZone: t.timeZone,
      localTime: localTimeOf(t.dueAt, t.timeZone),
      rawWords: t.rawWords,
      reviewReason: t.reviewReason,
      sourceCallId: t.sourceCallId,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
    };
  }
}

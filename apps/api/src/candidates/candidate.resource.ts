import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Candidate } from '@retell-ops/db';
import { CANDIDATE_STATUSES } from '@retell-ops/domain';
import { CallResource } from '../calls/call.resource';
import { CallbackTaskResource, InterviewResource } from '../interviews/interview.resource';

export class PositionRef {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
}

export type CandidateRow = Candidate & { position: { id: string; title: string } | null };
export const WITH_POSITION = { position: { select: { id: true, title: true } } } as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const N = { type: String, nullable: true } as const;

/** A candidate and everything its latest analysed screening call said. */
export class CandidateResource {
  @ApiProperty() id: string;
  @ApiPropertyOptional({ ...N, description: "The tenant's own id (metadata.candidate_id on calls)" }) externalId: string | null;
  @ApiProperty() firstName: string;
  @ApiPropertyOptional(N) lastName: string | null;
  @ApiPropertyOptional(N) email: string | null;
  @ApiPropertyOptional({ ...N, description: 'E.164' }) phone: string | null;
  @ApiPropertyOptional({ ...N, description: 'IANA zone' }) timeZone: string | null;
  @ApiPropertyOptional(N) positionApplied: string | null;
  @ApiPropertyOptional(N) positionId: string | null;
  @ApiPropertyOptional({ type: PositionRef, nullable: true }) position: PositionRef | null;
  @ApiProperty({ enum: CANDIDATE_STATUSES }) status: string;
  @ApiPropertyOptional(N) statusChangedAt: string | null;
  // Screening data from the latest analysed call
  @ApiPropertyOptional({ type: Boolean, nullable: true }) qualified: boolean | null;
  @ApiPropertyOptional({ ...N, description: 'High, Medium, Low, Not Interested (or the raw words when off the list)' }) interestLevel: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) yearsExperience: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) salaryExpectation: number | null;
  @ApiProperty({ type: [String] }) skills: string[];
  @ApiProperty({ type: [String] }) questionsAsked: string[];
  @ApiPropertyOptional({ ...N, description: 'Interview Scheduled, Callback Requested, Not Interested, Voicemail Left (or raw)' }) screeningOutcome:
    string | null;
  @ApiPropertyOptional(N) rejectionReason: string | null;
  @ApiPropertyOptional(N) notes: string | null;
  @ApiPropertyOptional(N) availabilityPreference: string | null;
  @ApiPropertyOptional(N) unavailableDates: string | null;
  @ApiPropertyOptional({ ...N, description: 'The zone as the candidate said it ("Eastern Time")' }) spokenTimeZone: string | null;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) interviewScheduled: boolean | null;
  @ApiPropertyOptional({ ...N, description: 'As the call gave it' }) scheduledDate: string | null;
  @ApiPropertyOptional({ ...N, description: 'As the call gave it' }) scheduledTime: string | null;
  @ApiPropertyOptional({ ...N, description: 'As the call gave it' }) scheduledTimezone: string | null;
  @ApiPropertyOptional({ ...N, description: 'As the call gave it' }) scheduledDatetimeIso: string | null;
  @ApiPropertyOptional(N) callSummary: string | null;
  @ApiPropertyOptional({ ...N, description: 'Positive, Neutral, Negative, Unknown' }) sentiment: string | null;
  @ApiPropertyOptional({
    type: 'array',
    nullable: true,
    items: { type: 'object', properties: { field: { type: 'string' }, problem: { type: 'string' }, raw: { type: 'string' } } },
    description: 'Analysis values that could not be used, kept raw',
  })
  screeningIssues: unknown;
  @ApiProperty({ description: 'Screening calls that did not reach the candidate (voicemail)' }) callAttempts: number;
  @ApiPropertyOptional({ ...N, description: 'Retell call_id whose analysis filled the screening fields' }) lastScreeningCallId: string | null;
  @ApiPropertyOptional({ ...N, description: 'When that call ended' }) lastScreenedAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(c: CandidateRow): CandidateResource {
    return {
      id: c.id,
      externalId: c.externalId,
      firstName: c.firstName,
      lastName: c.lastName,
      email: c.email,
      phone: c.phone,
      timeZone: c.timeZone,
      positionApplied: c.positionApplied,
      positionId: c.positionId,
      position: c.position ? { id: c.position.id, title: c.position.title } : null,
      status: c.status,
      statusChangedAt: iso(c.statusChangedAt),
      qualified: c.qualified,
      interestLevel: c.interestLevel,
      yearsExperience: c.yearsExperience,
      salaryExpectation: c.salaryExpectation,
      skills: c.skills,
      questionsAsked: c.questionsAsked,
      screeningOutcome: c.screeningOutcome,
      rejectionReason: c.rejectionReason,
      notes: c.notes,
      availabilityPreference: c.availabilityPreference,
      unavailableDates: c.unavailableDates,
      spokenTimeZone: c.spokenTimeZone,
      interviewScheduled: c.interviewScheduled,
      scheduledDate: c.scheduledDate,
      scheduledTime: c.scheduledTime,
      scheduledTimezone: c.scheduledTimezone,
      scheduledDatetimeIso: c.scheduledDatetimeIso,
      callSummary: c.callSummary,
      sentiment: c.sentiment,
      screeningIssues: c.screeningIssues ?? null,
      callAttempts: c.callAttempts,
      lastScreeningCallId: c.lastScreeningCallId,
      lastScreenedAt: iso(c.lastScreenedAt),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}

export class CandidatePage {
  @ApiProperty({ type: [CandidateResource] }) data: CandidateResource[];
  @ApiPropertyOptional({ description: 'Pass as ?cursor= for the next page; null on the last page', type: String, nullable: true }) nextCursor: string | null;
}

export class CandidateDetail extends CandidateResource {
  @ApiProperty({ type: [CallResource], description: "The candidate's calls, newest first (at most 100)" }) calls: CallResource[];
  @ApiProperty({ type: [InterviewResource], description: 'Newest first' }) interviews: InterviewResource[];
  @ApiProperty({ type: [CallbackTaskResource], description: 'Newest first' }) callbackTasks: CallbackTaskResource[];
}

export class RetellCallDataResult {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: 'Retell call data saved successfully' }) message: string;
  @ApiProperty({ description: 'false when this call had already been applied: nothing changed' }) applied: boolean;
  @ApiProperty({ type: CandidateResource }) candidate: CandidateResource;
  @ApiPropertyOptional({ type: InterviewResource, description: 'The interview this call booked, if any' }) interview?: InterviewResource;
  @ApiPropertyOptional({ type: CallbackTaskResource, description: 'The callback this call asked for, if any' }) callbackTask?: CallbackTaskResource;
}

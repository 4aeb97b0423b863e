import { advanceCandidate, ANALYSIS_MOVABLE_STATUSES, type CandidateStatus } from './candidate-pipeline';
import { resolveInterviewTime, type InterviewTime, type InterviewTimeInput } from './interview-time';
import type { ScreeningAnalysis, ScreeningOutcome } from './screening-analysis';

/**
 * What a screening call's analysis does to a candidate. Pure: the caller applies the decision
 * (and makes it idempotent per call_id; a replay yields the same decision).
 *
 *   Interview Scheduled → interviewing, and an interview at the resolved time
 *   Not Interested      → rejected (with the rejection reason)
 *   Callback Requested  → screening, and a callback at the time the candidate asked for
 *   Voicemail Left      → status unchanged, one unanswered attempt counted
 *
 * Statuses move through the pipeline's analysis rule (candidate-pipeline.ts), so nothing moves
 * backward. Decisions where the issue is silent:
 * - A candidate analysis may no longer move (offered, hired, rejected, withdrawn) gets nothing
 *   from any analysis: no status, no interview, no callback, no attempt (`candidate_past_screening`).
 *   A late "Interview Scheduled" for an offered candidate changes nothing.
 * - Callback Requested moves a new candidate to screening (they were reached and the screening is
 *   under way); the callback's time is read from the same scheduling fields as an interview's
 *   (the guide has no separate callback field); `availability_preference` travels with it.
 * - `countAttempt` counts calls that did not reach the candidate (voicemail) toward a retry limit;
 *   a conversation, whatever its outcome, is not an unanswered attempt.
 * - The `outcome` field decides. When it is missing or off-enum, Retell's own signals stand in:
 *   `interview_scheduled: true` → Interview Scheduled (the guide's handler does the same), else
 *   `in_voicemail: true` → Voicemail Left. An off-enum outcome with neither is `needsReview`.
 * - Signals that contradict each other (interview_scheduled true with another outcome;
 *   in_voicemail true with a conversation outcome) do nothing and need review.
 * - An interview or callback whose time is `needs_review` is still created (the status still
 *   moves); the decision is flagged `needsReview`.
 * - The candidate's zone for the time is the candidate record's zone, else the
 *   `candidate_timezone` heard on the call; then the tenant's.
 */

export interface ScreeningContext {
  /** The candidate's status now. */
  current: CandidateStatus;
  /** The zone on the candidate record (IANA or words). */
  candidateZone?: string | null;
  /** The tenant's zone (IANA). */
  tenantZone?: string | null;
}

export type ScreeningDecisionReason =
  | 'interview_scheduled'
  | 'not_interested'
  | 'callback_requested'
  | 'voicemail_left'
  | 'no_outcome'
  | 'outcome_unrecognised'
  | 'conflicting_analysis'
  | 'candidate_past_screening';

export interface ScreeningDecision {
  /** The outcome acted on, or null. */
  outcome: ScreeningOutcome | null;
  /** Which field gave it. */
  outcomeFrom: 'outcome' | 'interview_scheduled' | 'in_voicemail' | null;
  /** The status the analysis asks for, if any. */
  requestedStatus?: CandidateStatus;
  /** The status after the decision: the requested one if the pipeline allows, else the current. */
  candidateStatus: CandidateStatus;
  statusChanged: boolean;
  /** An interview to create. */
  interview?: { time: InterviewTime };
  /** A callback task to create. */
  callback?: { time: InterviewTime; preference?: string };
  /** Count this call as an attempt that did not reach the candidate. */
  countAttempt: boolean;
  /** A person should look at this call. */
  needsReview: boolean;
  reason: ScreeningDecisionReason;
  /** For Not Interested: the reason given, if any. */
  rejectionReason?: string;
}

const ACTIONABLE = new Set<CandidateStatus>(ANALYSIS_MOVABLE_STATUSES);

/** The inputs of resolveInterviewTime for this analysis and candidate. */
export function interviewTimeInputOf(analysis: ScreeningAnalysis, context: Omit<ScreeningContext, 'current'> = {}): InterviewTimeInput {
  const candidateZone = context.candidateZone?.trim() ? context.candidateZone : analysis.candidateTimezone;
  return {
    scheduledDatetimeIso: analysis.scheduledDatetimeIso,
    scheduledDate: analysis.scheduledDate,
    scheduledTime: analysis.scheduledTime,
    spokenZone: analysis.scheduledTimezone,
    candidateZone,
    tenantZone: context.tenantZone,
  };
}

function nothing(
  current: CandidateStatus,
  reason: ScreeningDecisionReason,
  needsReview: boolean,
  outcome: ScreeningOutcome | null,
  outcomeFrom: ScreeningDecision['outcomeFrom'],
): ScreeningDecision {
  return { outcome, outcomeFrom, candidateStatus: current, statusChanged: false, countAttempt: false, needsReview, reason };
}

export function decideScreeningOutcome(analysis: ScreeningAnalysis, context: ScreeningContext): ScreeningDecision {
  const { current } = context;
  let outcome: ScreeningOutcome | null = null;
  let outcomeFrom: ScreeningDecision['outcomeFrom'] = null;
  if (analysis.outcome?.valid && analysis.outcome.value) {
    outcome = analysis.outcome.value;
    outcomeFrom = 'outcome';
  } else if (analysis.interviewScheduled === true) {
    outcome = 'Interview Scheduled';
    outcomeFrom = 'interview_scheduled';
  } else if (analysis.inVoicemail === true) {
    outcome = 'Voicemail Left';
    outcomeFrom = 'in_voicemail';
  }

  if (!ACTIONABLE.has(current)) return nothing(current, 'candidate_past_screening', false, outcome, outcomeFrom);
  if (!outcome) {
    return analysis.outcome ? nothing(current, 'outcome_unrecognised', true, null, null) : nothing(current, 'no_outcome', false, null, null);
  }
  const contradicted =
    (analysis.interviewScheduled === true && outcome !== 'Interview Scheduled') || (analysis.inVoicemail === true && outcome !== 'Voicemail Left');
  if (contradicted) return nothing(current, 'conflicting_analysis', true, outcome, outcomeFrom);

  const move = (requested: CandidateStatus | undefined) => {
    const candidateStatus = advanceCandidate(current, requested, 'analysis');
    return { ...(requested ? { requestedStatus: requested } : {}), candidateStatus, statusChanged: candidateStatus !== current };
  };

  switch (outcome) {
    case 'Interview Scheduled': {
      const time = resolveInterviewTime(interviewTimeInputOf(analysis, context));
      return {
        outcome,
        outcomeFrom,
        ...move('interviewing'),
        interview: { time },
        countAttempt: false,
        needsReview: time.status !== 'resolved',
        reason: 'interview_scheduled',
      };
    }
    case 'Not Interested':
      return {
        outcome,
        outcomeFrom,
        ...move('rejected'),
        countAttempt: false,
        needsReview: false,
        reason: 'not_interested',
        ...(analysis.rejectionReason ? { rejectionReason: analysis.rejectionReason } : {}),
      };
    case 'Callback Requested': {
      const time = resolveInterviewTime(interviewTimeInputOf(analysis, context));
      const preference = analysis.availabilityPreference;
      return {
        outcome,
        outcomeFrom,
        ...move('screening'),
        callback: { time, ...(preference ? { preference } : {}) },
        countAttempt: false,
        needsReview: time.status !== 'resolved',
        reason: 'callback_requested',
      };
    }
    case 'Voicemail Left':
      return { outcome, outcomeFrom, ...move(undefined), countAttempt: true, needsReview: false, reason: 'voicemail_left' };
  }
}

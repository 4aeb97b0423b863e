import { CANDIDATE_STATUSES, type CandidateStatus } from './candidate-pipeline';
import { parseCallAnalysis, parseScreeningAnalysis, SCREENING_OUTCOMES, type ScreeningOutcome } from './screening-analysis';
import { decideScreeningOutcome, interviewTimeInputOf, type ScreeningDecisionReason } from './screening-outcome';

const SCHEDULE = {
  scheduled_date: '2025-10-08',
  scheduled_time: '3:00 PM',
  scheduled_timezone: 'Eastern Time (ET)',
  scheduled_datetime_iso: '2025-10-08T15:00:00-04:00',
};

/**
 * Every outcome × every current status, by hand. Columns: resulting status, interview?, callback?,
 * countAttempt, reason. A dash in the status column means "unchanged".
 */
type Row = [status: CandidateStatus | '-', interview: 0 | 1, callback: 0 | 1, attempt: 0 | 1, reason: ScreeningDecisionReason];
const PAST: Row = ['-', 0, 0, 0, 'candidate_past_screening'];
const TABLE: Record<ScreeningOutcome, Record<CandidateStatus, Row>> = {
  'Interview Scheduled': {
    new: ['interviewing', 1, 0, 0, 'interview_scheduled'],
    screening: ['interviewing', 1, 0, 0, 'interview_scheduled'],
    interviewing: ['-', 1, 0, 0, 'interview_scheduled'],
    offered: PAST,
    hired: PAST,
    rejected: PAST,
    withdrawn: PAST,
  },
  'Not Interested': {
    new: ['rejected', 0, 0, 0, 'not_interested'],
    screening: ['rejected', 0, 0, 0, 'not_interested'],
    interviewing: ['rejected', 0, 0, 0, 'not_interested'],
    offered: PAST,
    hired: PAST,
    rejected: PAST,
    withdrawn: PAST,
  },
  'Callback Requested': {
    new: ['screening', 0, 1, 0, 'callback_requested'],
    screening: ['-', 0, 1, 0, 'callback_requested'],
    interviewing: ['-', 0, 1, 0, 'callback_requested'],
    offered: PAST,
    hired: PAST,
    rejected: PAST,
    withdrawn: PAST,
  },
  'Voicemail Left': {
    new: ['-', 0, 0, 1, 'voicemail_left'],
    screening: ['-', 0, 0, 1, 'voicemail_left'],
    interviewing: ['-', 0, 0, 1, 'voicemail_left'],
    offered: PAST,
    hired: PAST,
    rejected: PAST,
    withdrawn: PAST,
  },
};
const CASES = SCREENING_OUTCOMES.flatMap((outcome) => CANDIDATE_STATUSES.map((current) => [outcome, current, ...TABLE[outcome][current]] as const));

describe('decideScreeningOutcome: every outcome × every status', () => {
  it('covers 4 outcomes × 7 statuses', () => expect(CASES).toHaveLength(28));

  it.each(CASES)(
    '%s for a %s candidate -> %s, interview %d, callback %d, attempt %d (%s)',
    (outcome, current, status, interview, callback, attempt, reason) => {
      const analysis = parseScreeningAnalysis({ ...SCHEDULE, outcome, interview_scheduled: outcome === 'Interview Scheduled' });
      const d = decideScreeningOutcome(analysis, { current, tenantZone: 'America/Chicago' });
      const expected = status === '-' ? current : status;
      expect(d.candidateStatus).toBe(expected);
      expect(d.statusChanged).toBe(expected !== current);
      expect(d.interview !== undefined).toBe(interview === 1);
      expect(d.callback !== undefined).toBe(callback === 1);
      expect(d.countAttempt).toBe(attempt === 1);
      expect(d.reason).toBe(reason);
      expect(d.needsReview).toBe(false);
      expect(d.outcome).toBe(outcome);
    },
  );

  it.each(['offered', 'hired'] as CandidateStatus[])('a replayed Interview Scheduled never undoes %s', (current) => {
    const d = decideScreeningOutcome(parseCallAnalysis({ custom_analysis_data: { ...SCHEDULE, outcome: 'Interview Scheduled', interview_scheduled: true } }), {
      current,
    });
    expect(d).toMatchObject({ candidateStatus: current, statusChanged: false, reason: 'candidate_past_screening', countAttempt: false });
    expect(d.interview).toBeUndefined();
  });

  it('a replay gives the same decision', () => {
    const a = parseScreeningAnalysis({ ...SCHEDULE, outcome: 'Interview Scheduled', interview_scheduled: true });
    const first = decideScreeningOutcome(a, { current: 'screening' });
    expect(decideScreeningOutcome(a, { current: 'screening' })).toEqual(first);
    // Applied again to the status it produced, only the status "change" differs.
    expect(decideScreeningOutcome(a, { current: first.candidateStatus })).toEqual({ ...first, candidateStatus: 'interviewing', statusChanged: false });
  });
});

describe("the seed's example (candidate 199, status new)", () => {
  const d = decideScreeningOutcome(
    parseCallAnalysis({
      call_summary: 'Conducted phone screening…',
      user_sentiment: 'Positive',
      call_successful: true,
      in_voicemail: false,
      custom_analysis_data: {
        interview_scheduled: true,
        ...SCHEDULE,
        candidate_timezone: 'Eastern Time',
        is_qualified_candidate: true,
        candidate_interest_level: 'High',
        outcome: 'Interview Scheduled',
      },
    }),
    { current: 'new' },
  );

  it('moves the candidate to interviewing with an interview at 2025-10-08T19:00:00Z in America/New_York', () => {
    expect(d).toMatchObject({
      outcome: 'Interview Scheduled',
      outcomeFrom: 'outcome',
      requestedStatus: 'interviewing',
      candidateStatus: 'interviewing',
      statusChanged: true,
      countAttempt: false,
      needsReview: false,
    });
    expect(d.interview?.time).toMatchObject({
      status: 'resolved',
      instant: new Date('2025-10-08T19:00:00Z'),
      zone: 'America/New_York',
      source: 'iso',
      raw: {
        scheduledDatetimeIso: '2025-10-08T15:00:00-04:00',
        scheduledDate: '2025-10-08',
        scheduledTime: '3:00 PM',
        spokenZone: 'Eastern Time (ET)',
        candidateZone: 'Eastern Time',
      },
    });
  });
});

describe('when outcome is missing, off-enum or contradicted', () => {
  it.each([
    // custom data, current -> status, reason, needsReview, outcomeFrom, attempt
    [{}, 'new', 'new', 'no_outcome', false, null, false],
    [{ outcome: 'Maybe Later' }, 'screening', 'screening', 'outcome_unrecognised', true, null, false],
    [{ outcome: 'N/A' }, 'screening', 'screening', 'outcome_unrecognised', true, null, false],
    [
      { outcome: 'Maybe Later', interview_scheduled: 'yes', ...SCHEDULE },
      'screening',
      'interviewing',
      'interview_scheduled',
      false,
      'interview_scheduled',
      false,
    ],
    [{ interview_scheduled: true, ...SCHEDULE }, 'new', 'interviewing', 'interview_scheduled', false, 'interview_scheduled', false],
    [{ interview_scheduled: false }, 'new', 'new', 'no_outcome', false, null, false],
    [{ outcome: 'not interested', interview_scheduled: true }, 'screening', 'screening', 'conflicting_analysis', true, 'outcome', false],
    [{ outcome: 'Voicemail Left', interview_scheduled: true }, 'screening', 'screening', 'conflicting_analysis', true, 'outcome', false],
    [{ outcome: 'Callback Requested', interview_scheduled: 'true' }, 'new', 'new', 'conflicting_analysis', true, 'outcome', false],
    [{ outcome: 'Interview Scheduled', interview_scheduled: false, ...SCHEDULE }, 'new', 'interviewing', 'interview_scheduled', false, 'outcome', false],
    [{ outcome: 'Not Interested' }, 'offered', 'offered', 'candidate_past_screening', false, 'outcome', false],
    [{ outcome: 'gibberish' }, 'hired', 'hired', 'candidate_past_screening', false, null, false],
  ] as Array<[Record<string, unknown>, CandidateStatus, CandidateStatus, ScreeningDecisionReason, boolean, string | null, boolean]>)(
    '%j for %s -> %s (%s), review %s, from %s, attempt %s',
    (custom, current, status, reason, review, from, attempt) => {
      const d = decideScreeningOutcome(parseScreeningAnalysis(custom), { current });
      expect(d).toMatchObject({ candidateStatus: status, reason, needsReview: review, outcomeFrom: from, countAttempt: attempt });
    },
  );

  it.each([
    [{ in_voicemail: true }, 'new', 'voicemail_left', false, true],
    [{ in_voicemail: true, outcome: 'Voicemail Left' }, 'new', 'voicemail_left', false, true],
    [{ in_voicemail: true, outcome: 'Interview Scheduled' }, 'new', 'conflicting_analysis', true, false],
    [{ in_voicemail: true, outcome: 'Not Interested' }, 'screening', 'conflicting_analysis', true, false],
    [{ in_voicemail: false }, 'new', 'no_outcome', false, false],
  ] as Array<[Record<string, unknown>, CandidateStatus, ScreeningDecisionReason, boolean, boolean]>)(
    'built-ins %j for %s -> %s, review %s, attempt %s',
    (built, current, reason, review, attempt) => {
      const { outcome, ...ca } = built;
      const d = decideScreeningOutcome(parseScreeningAnalysis(outcome ? { outcome } : {}, ca), { current });
      expect(d).toMatchObject({ candidateStatus: current, reason, needsReview: review, countAttempt: attempt });
    },
  );
});

describe('interview and callback times', () => {
  it.each([
    // custom data, candidate record zone, tenant zone -> instant or review reason, zone
    [
      { outcome: 'Interview Scheduled', scheduled_date: '2025-01-08', scheduled_time: '3:00 PM', scheduled_timezone: 'ET' },
      undefined,
      undefined,
      '2025-01-08T20:00:00.000Z',
      'America/New_York',
    ],
    [
      { outcome: 'Interview Scheduled', scheduled_date: '2025-01-08', scheduled_time: '3:00 PM' },
      'America/Denver',
      'America/New_York',
      '2025-01-08T22:00:00.000Z',
      'America/Denver',
    ],
    [
      { outcome: 'Interview Scheduled', scheduled_date: '2025-01-08', scheduled_time: '3:00 PM', candidate_timezone: 'Pacific' },
      undefined,
      'America/New_York',
      '2025-01-08T23:00:00.000Z',
      'America/Los_Angeles',
    ],
    [
      { outcome: 'Interview Scheduled', scheduled_date: '2025-01-08', scheduled_time: '3:00 PM', candidate_timezone: 'Pacific' },
      'America/Chicago',
      'America/New_York',
      '2025-01-08T21:00:00.000Z',
      'America/Chicago',
    ],
    [
      { outcome: 'Interview Scheduled', scheduled_date: '2025-01-08', scheduled_time: '3:00 PM' },
      '  ',
      'Europe/London',
      '2025-01-08T15:00:00.000Z',
      'Europe/London',
    ],
    [
      { outcome: 'Interview Scheduled', scheduled_date: 'next Monday', scheduled_time: '3:00 PM', scheduled_timezone: 'ET' },
      undefined,
      undefined,
      'relative_date',
      undefined,
    ],
    [{ outcome: 'Interview Scheduled' }, undefined, 'UTC', 'nothing_given', undefined],
  ] as Array<[Record<string, unknown>, string | undefined, string | undefined, string, string | undefined]>)(
    '%j (candidate %s, tenant %s) -> %s %s',
    (custom, candidateZone, tenantZone, expected, zone) => {
      const d = decideScreeningOutcome(parseScreeningAnalysis(custom), { current: 'screening', candidateZone, tenantZone });
      expect(d.candidateStatus).toBe('interviewing');
      const t = d.interview?.time;
      if (t?.status === 'resolved') {
        expect(t.instant.toISOString()).toBe(expected);
        expect(t.zone).toBe(zone);
        expect(d.needsReview).toBe(false);
      } else {
        expect(t).toMatchObject({ status: 'needs_review', reason: expected });
        expect(d.needsReview).toBe(true);
      }
    },
  );

  it('a callback at the time the candidate asked for, with the preference', () => {
    const d = decideScreeningOutcome(
      parseScreeningAnalysis({
        outcome: 'Callback Requested',
        scheduled_date: 'October 10, 2025',
        scheduled_time: '5pm',
        scheduled_timezone: 'PT',
        availability_preference: 'Evenings after 5',
      }),
      { current: 'new' },
    );
    expect(d).toMatchObject({
      candidateStatus: 'screening',
      reason: 'callback_requested',
      needsReview: false,
      callback: { preference: 'Evenings after 5', time: { status: 'resolved', zone: 'America/Los_Angeles' } },
    });
    expect(d.callback?.time.status === 'resolved' && d.callback.time.instant.toISOString()).toBe('2025-10-11T00:00:00.000Z');
  });

  it('a callback with no time given needs review but is still wanted', () => {
    const d = decideScreeningOutcome(parseScreeningAnalysis({ outcome: 'Callback Requested', availability_preference: 'sometime next week' }), {
      current: 'screening',
      tenantZone: 'UTC',
    });
    expect(d).toMatchObject({
      candidateStatus: 'screening',
      needsReview: true,
      callback: { preference: 'sometime next week', time: { status: 'needs_review', reason: 'nothing_given' } },
    });
  });

  it('Not Interested carries the rejection reason', () => {
    const d = decideScreeningOutcome(parseScreeningAnalysis({ outcome: 'Not Interested', rejection_reason: 'Accepted another offer' }), {
      current: 'screening',
    });
    expect(d).toMatchObject({ candidateStatus: 'rejected', rejectionReason: 'Accepted another offer' });
    expect([d.interview, d.callback]).toEqual([undefined, undefined]);
  });

  it('interviewTimeInputOf maps the analysis fields', () => {
    const a = parseScreeningAnalysis({ ...SCHEDULE, candidate_timezone: 'Eastern Time' });
    expect(interviewTimeInputOf(a, { tenantZone: 'UTC' })).toEqual({
      scheduledDatetimeIso: '2025-10-08T15:00:00-04:00',
      scheduledDate: '2025-10-08',
      scheduledTime: '3:00 PM',
      spokenZone: 'Eastern Time (ET)',
      candidateZone: 'Eastern Time',
      tenantZone: 'UTC',
    });
    expect(interviewTimeInputOf(a, { candidateZone: 'America/Chicago' }).candidateZone).toBe('America/Chicago');
  });
});

import {
  instantsOfWallTime,
  parseInterviewDate,
  parseInterviewTime,
  parseSpokenZone,
  resolveInterviewTime,
  SPOKEN_ZONE_WORDS,
  type InterviewTime,
  type InterviewTimeInput,
  type InterviewTimeReviewReason,
  type InterviewTimeSource,
  type InterviewTimeWarning,
} from './interview-time';

const iso = (t: InterviewTime) => (t.status === 'resolved' ? t.instant.toISOString() : `needs_review:${t.reason}`);

describe("the seed's example (candidate 199)", () => {
  const seed: InterviewTimeInput = {
    scheduledDatetimeIso: '2025-10-08T15:00:00-04:00',
    scheduledDate: '2025-10-08',
    scheduledTime: '3:00 PM',
    spokenZone: 'Eastern Time (ET)',
    candidateZone: 'Eastern Time',
  };

  it('is 2025-10-08T19:00:00Z in America/New_York, from the ISO string, keeping the raw words', () => {
    expect(resolveInterviewTime(seed)).toEqual({
      status: 'resolved',
      instant: new Date('2025-10-08T19:00:00Z'),
      zone: 'America/New_York',
      source: 'iso',
      zoneFrom: 'spoken_zone',
      localIso: '2025-10-08T15:00:00-04:00',
      warnings: [],
      raw: seed,
    });
  });

  it('gives the same instant from date + time + spoken zone when the ISO string is missing', () => {
    const { scheduledDatetimeIso: _, ...rest } = seed;
    expect(resolveInterviewTime(rest)).toEqual({
      status: 'resolved',
      instant: new Date('2025-10-08T19:00:00Z'),
      zone: 'America/New_York',
      source: 'spoken_zone',
      zoneFrom: 'spoken_zone',
      localIso: '2025-10-08T15:00:00-04:00',
      warnings: [],
      raw: rest,
    });
  });
});

describe('rule 1: an ISO string with an offset is the instant', () => {
  it.each([
    // iso, spoken, candidate, tenant -> instant, zone, zoneFrom, warnings
    ['2025-10-08T15:00:00-04:00', 'ET', undefined, undefined, '2025-10-08T19:00:00.000Z', 'America/New_York', 'spoken_zone', []],
    ['2025-10-08T15:00:00-04:00', undefined, 'America/New_York', 'Europe/London', '2025-10-08T19:00:00.000Z', 'America/New_York', 'candidate_zone', []],
    ['2025-10-08T15:00:00-04:00', undefined, 'America/Chicago', 'America/New_York', '2025-10-08T19:00:00.000Z', 'America/New_York', 'tenant_zone', []],
    ['2025-10-08T15:00:00-04:00', undefined, undefined, undefined, '2025-10-08T19:00:00.000Z', 'UTC-04:00', 'iso_offset', []],
    // Common LLM slip: EST offset in October. The ISO wins, and the mismatch with the spoken zone is flagged.
    [
      '2025-10-08T15:00:00-05:00',
      'Eastern Time (ET)',
      undefined,
      undefined,
      '2025-10-08T20:00:00.000Z',
      'UTC-05:00',
      'iso_offset',
      ['iso_offset_differs_from_spoken_zone'],
    ],
    // -05:00 in October is US Central daylight time: the candidate's zone is consistent.
    [
      '2025-10-08T15:00:00-05:00',
      'ET',
      'America/Chicago',
      undefined,
      '2025-10-08T20:00:00.000Z',
      'America/Chicago',
      'candidate_zone',
      ['iso_offset_differs_from_spoken_zone'],
    ],
    ['2025-01-08T15:00:00-05:00', 'Eastern Time (ET)', undefined, undefined, '2025-01-08T20:00:00.000Z', 'America/New_York', 'spoken_zone', []],
    ['2025-10-08T10:00:00-07:00', 'Pacific Time (PT)', undefined, undefined, '2025-10-08T17:00:00.000Z', 'America/Los_Angeles', 'spoken_zone', []],
    ['2025-07-01T15:00:00Z', undefined, undefined, undefined, '2025-07-01T15:00:00.000Z', 'UTC', 'iso_offset', []],
    ['2025-07-01T15:00:00Z', 'UK', undefined, undefined, '2025-07-01T15:00:00.000Z', 'UTC', 'iso_offset', ['iso_offset_differs_from_spoken_zone']],
    ['2025-01-15T15:00:00Z', 'UK', undefined, undefined, '2025-01-15T15:00:00.000Z', 'Europe/London', 'spoken_zone', []],
    ['2025-01-15T15:00:00+00:00', 'GMT', undefined, undefined, '2025-01-15T15:00:00.000Z', 'Europe/London', 'spoken_zone', []],
    ['2025-10-08T20:30:00+05:30', 'IST', undefined, undefined, '2025-10-08T15:00:00.000Z', 'Asia/Kolkata', 'spoken_zone', []],
    ['2025-10-08T20:30:00+0530', undefined, undefined, undefined, '2025-10-08T15:00:00.000Z', 'UTC+05:30', 'iso_offset', []],
    ['2025-10-08 15:00:00-04:00', 'ET', undefined, undefined, '2025-10-08T19:00:00.000Z', 'America/New_York', 'spoken_zone', []],
    ['2025-10-08T15:00-04:00', 'ET', undefined, undefined, '2025-10-08T19:00:00.000Z', 'America/New_York', 'spoken_zone', []],
    ['2025-10-08T15:00:00-04:00[America/New_York]', undefined, undefined, undefined, '2025-10-08T19:00:00.000Z', 'America/New_York', 'iso_zone', []],
    [
      '2025-10-08T15:00:00-04:00',
      'Klingon Standard',
      undefined,
      'America/New_York',
      '2025-10-08T19:00:00.000Z',
      'America/New_York',
      'tenant_zone',
      ['unknown_spoken_zone'],
    ],
    // EST said, but the date is in daylight time: consistent offset, season flagged.
    ['2025-10-08T15:00:00-04:00', 'EST', undefined, undefined, '2025-10-08T19:00:00.000Z', 'America/New_York', 'spoken_zone', ['zone_season_mismatch']],
  ] as Array<[string, string | undefined, string | undefined, string | undefined, string, string, string, InterviewTimeWarning[]]>)(
    '%s (spoken %s, candidate %s, tenant %s) -> %s in %s from %s %j',
    (scheduledDatetimeIso, spokenZone, candidateZone, tenantZone, instant, zone, zoneFrom, warnings) => {
      const t = resolveInterviewTime({ scheduledDatetimeIso, spokenZone, candidateZone, tenantZone });
      expect(t).toMatchObject({ status: 'resolved', source: 'iso', zone, zoneFrom, warnings });
      expect(iso(t)).toBe(instant);
    },
  );

  it.each([
    ['2025-10-09', '3:00 PM', ['iso_differs_from_date']],
    ['2025-10-08', '4:00 PM', ['iso_differs_from_time']],
    ['2025-10-08', '3:00 PM', []],
    ['October 8, 2025', '15:00', []],
    ['not a date', 'whenever', []],
  ] as Array<[string, string, InterviewTimeWarning[]]>)(
    'disagreeing date %s / time %s are warnings, not a change: %j',
    (scheduledDate, scheduledTime, warnings) => {
      const t = resolveInterviewTime({ scheduledDatetimeIso: '2025-10-08T15:00:00-04:00', scheduledDate, scheduledTime, spokenZone: 'ET' });
      expect(t).toMatchObject({ status: 'resolved', zone: 'America/New_York', warnings });
      expect(iso(t)).toBe('2025-10-08T19:00:00.000Z');
    },
  );

  it.each([
    // iso, date, time, zone -> result
    ['2025-10-08T15:00:00', undefined, undefined, 'ET', '2025-10-08T19:00:00.000Z'],
    ['2025-10-08T15:00:00', '2025-10-08', '3:00 PM', 'ET', '2025-10-08T19:00:00.000Z'],
    ['2025-10-08T15:00:00', '2025-10-09', '3:00 PM', 'ET', 'needs_review:iso_conflicts_with_date_time'],
    ['2025-10-08T15:00:00', '2025-10-08', '4:00 PM', 'ET', 'needs_review:iso_conflicts_with_date_time'],
    ['2025-10-08', undefined, '3:00 PM', 'ET', '2025-10-08T19:00:00.000Z'],
    ['2025-10-08', undefined, undefined, 'ET', 'needs_review:missing_time'],
    ['2025-10-08T15:00:00', undefined, undefined, undefined, 'needs_review:no_zone'],
  ] as Array<[string, string | undefined, string | undefined, string | undefined, string]>)(
    'an ISO string without an offset (%s, date %s, time %s, zone %s) is only a wall time -> %s',
    (scheduledDatetimeIso, scheduledDate, scheduledTime, spokenZone, expected) => {
      const t = resolveInterviewTime({ scheduledDatetimeIso, scheduledDate, scheduledTime, spokenZone });
      expect(iso(t)).toBe(expected);
      expect(t.warnings).toContain('iso_without_offset');
    },
  );

  it.each([
    ['not an iso', '2025-10-08', '3:00 PM', 'ET', '2025-10-08T19:00:00.000Z'],
    ['2025-13-45T15:00:00-04:00', '2025-10-08', '3:00 PM', 'ET', '2025-10-08T19:00:00.000Z'],
    ['2025-10-08T25:00:00-04:00', undefined, undefined, 'ET', 'needs_review:iso_unreadable'],
    ['Wednesday at 3', undefined, undefined, undefined, 'needs_review:iso_unreadable'],
  ])('an unreadable ISO string %p falls back to date %p time %p zone %p -> %s', (scheduledDatetimeIso, scheduledDate, scheduledTime, spokenZone, expected) => {
    const t = resolveInterviewTime({ scheduledDatetimeIso, scheduledDate, scheduledTime, spokenZone });
    expect(iso(t)).toBe(expected);
    expect(t.warnings).toContain('iso_unreadable');
  });
});

describe('rule 2: date + time + zone, DST-correct', () => {
  it.each([
    // date, time, zone -> UTC instant, zone
    ['2025-10-08', '3:00 PM', 'ET', '2025-10-08T19:00:00.000Z', 'America/New_York'],
    ['2025-01-08', '3:00 PM', 'ET', '2025-01-08T20:00:00.000Z', 'America/New_York'],
    ['2025-10-08', '3:00 PM', 'Eastern Time (ET)', '2025-10-08T19:00:00.000Z', 'America/New_York'],
    ['2025-10-08', '10:00 AM', 'Pacific Time (PT)', '2025-10-08T17:00:00.000Z', 'America/Los_Angeles'],
    ['2025-12-08', '10:00 AM', 'Pacific Time (PT)', '2025-12-08T18:00:00.000Z', 'America/Los_Angeles'],
    ['2025-07-08', '10:00 AM', 'Arizona', '2025-07-08T17:00:00.000Z', 'America/Phoenix'],
    ['2025-07-08', '10:00 AM', 'Mountain', '2025-07-08T16:00:00.000Z', 'America/Denver'],
    ['2025-07-08', '10:00 AM', 'Mountain Time (Arizona)', '2025-07-08T17:00:00.000Z', 'America/Phoenix'],
    ['2025-07-08', '10:00 AM', 'CT', '2025-07-08T15:00:00.000Z', 'America/Chicago'],
    ['2025-07-08', '10:00 AM', 'Alaska', '2025-07-08T18:00:00.000Z', 'America/Anchorage'],
    ['2025-07-08', '10:00 AM', 'Hawaii', '2025-07-08T20:00:00.000Z', 'Pacific/Honolulu'],
    ['2025-07-08', '10:00 AM', 'UK', '2025-07-08T09:00:00.000Z', 'Europe/London'],
    ['2025-01-08', '10:00 AM', 'UK', '2025-01-08T10:00:00.000Z', 'Europe/London'],
    ['2025-07-08', '10:00', 'CEST', '2025-07-08T08:00:00.000Z', 'Europe/Berlin'],
    ['2025-01-08', '10:00', 'CET', '2025-01-08T09:00:00.000Z', 'Europe/Berlin'],
    ['2025-07-08', '10:00', 'IST', '2025-07-08T04:30:00.000Z', 'Asia/Kolkata'],
    ['2025-07-08', '10:00', 'AEST', '2025-07-08T00:00:00.000Z', 'Australia/Sydney'],
    ['2025-01-08', '10:00', 'AEDT', '2025-01-07T23:00:00.000Z', 'Australia/Sydney'],
    ['2025-07-08', '10:00', 'JST', '2025-07-08T01:00:00.000Z', 'Asia/Tokyo'],
    ['2025-07-08', '10:00', 'UTC', '2025-07-08T10:00:00.000Z', 'UTC'],
    ['2025-07-08', '10:00', 'Z', '2025-07-08T10:00:00.000Z', 'UTC'],
    ['2025-07-08', '10:00', 'UTC-4', '2025-07-08T14:00:00.000Z', 'UTC-04:00'],
    ['2025-07-08', '10:00', 'GMT+5:30', '2025-07-08T04:30:00.000Z', 'UTC+05:30'],
    ['2025-07-08', '10:00', 'Europe/Madrid', '2025-07-08T08:00:00.000Z', 'Europe/Madrid'],
    ['2025-07-08', '10:00', 'america/new_york', '2025-07-08T14:00:00.000Z', 'America/New_York'],
    ['2025-07-08', '10:00', 'Asia/Kolkata', '2025-07-08T04:30:00.000Z', 'Asia/Kolkata'],
    ['October 8, 2025', '3pm', 'ET', '2025-10-08T19:00:00.000Z', 'America/New_York'],
    ['10/08/2025', '3 p.m.', 'ET', '2025-10-08T19:00:00.000Z', 'America/New_York'],
    ['Wednesday, October 8th, 2025', '15:00', 'Eastern', '2025-10-08T19:00:00.000Z', 'America/New_York'],
    ['2025-10-08', 'noon', 'ET', '2025-10-08T16:00:00.000Z', 'America/New_York'],
    ['2025-10-08', '12:00 AM', 'ET', '2025-10-08T04:00:00.000Z', 'America/New_York'],
  ])('%s %s %s -> %s (%s)', (scheduledDate, scheduledTime, spokenZone, instant, zone) => {
    const t = resolveInterviewTime({ scheduledDate, scheduledTime, spokenZone });
    expect(t).toMatchObject({ status: 'resolved', source: 'spoken_zone', zoneFrom: 'spoken_zone', zone });
    expect(iso(t)).toBe(instant);
  });

  describe('DST edges (US and Europe change on different dates)', () => {
    it.each([
      // US spring forward 2025-03-09 02:00 -> 03:00 (America/New_York)
      ['2025-03-09', '1:59 AM', 'ET', '2025-03-09T06:59:00.000Z'],
      ['2025-03-09', '2:30 AM', 'ET', 'needs_review:nonexistent_local_time'],
      ['2025-03-09', '3:00 AM', 'ET', '2025-03-09T07:00:00.000Z'],
      ['2025-03-09', '3:00 PM', 'ET', '2025-03-09T19:00:00.000Z'],
      ['2025-03-08', '3:00 PM', 'ET', '2025-03-08T20:00:00.000Z'],
      // US fall back 2025-11-02 02:00 -> 01:00
      ['2025-11-02', '12:59 AM', 'ET', '2025-11-02T04:59:00.000Z'],
      ['2025-11-02', '1:30 AM', 'ET', 'needs_review:ambiguous_local_time'],
      ['2025-11-02', '2:00 AM', 'ET', '2025-11-02T07:00:00.000Z'],
      ['2025-11-01', '3:00 PM', 'ET', '2025-11-01T19:00:00.000Z'],
      ['2025-11-02', '3:00 PM', 'ET', '2025-11-02T20:00:00.000Z'],
      // Pacific, same US dates
      ['2025-03-09', '2:30 AM', 'PT', 'needs_review:nonexistent_local_time'],
      ['2025-11-02', '1:30 AM', 'PT', 'needs_review:ambiguous_local_time'],
      // Between the US and EU changes: New York already on EDT, Berlin still on CET
      ['2025-03-20', '3:00 PM', 'ET', '2025-03-20T19:00:00.000Z'],
      ['2025-03-20', '15:00', 'CET', '2025-03-20T14:00:00.000Z'],
      // EU spring forward 2025-03-30: London 01:00 -> 02:00, Berlin 02:00 -> 03:00
      ['2025-03-30', '1:30 AM', 'UK', 'needs_review:nonexistent_local_time'],
      ['2025-03-30', '2:30 AM', 'UK', '2025-03-30T01:30:00.000Z'],
      ['2025-03-30', '2:30 AM', 'CET', 'needs_review:nonexistent_local_time'],
      ['2025-03-30', '1:30 AM', 'CET', '2025-03-30T00:30:00.000Z'],
      ['2025-03-30', '15:00', 'CET', '2025-03-30T13:00:00.000Z'],
      ['2025-03-29', '15:00', 'CET', '2025-03-29T14:00:00.000Z'],
      // EU fall back 2025-10-26
      ['2025-10-26', '1:30 AM', 'UK', 'needs_review:ambiguous_local_time'],
      ['2025-10-26', '2:30 AM', 'CET', 'needs_review:ambiguous_local_time'],
      ['2025-10-26', '15:00', 'CET', '2025-10-26T14:00:00.000Z'],
      ['2025-10-25', '15:00', 'CET', '2025-10-25T13:00:00.000Z'],
      // Between the EU and US autumn changes: Berlin on CET, New York still on EDT
      ['2025-10-30', '3:00 PM', 'ET', '2025-10-30T19:00:00.000Z'],
      ['2025-10-30', '15:00', 'CET', '2025-10-30T14:00:00.000Z'],
      // Southern hemisphere: Sydney ends DST 2025-04-06 03:00 -> 02:00, starts 2025-10-05 02:00 -> 03:00
      ['2025-04-06', '2:30 AM', 'AEST', 'needs_review:ambiguous_local_time'],
      ['2025-10-05', '2:30 AM', 'AEST', 'needs_review:nonexistent_local_time'],
      // No DST at all
      ['2025-03-09', '2:30 AM', 'Arizona', '2025-03-09T09:30:00.000Z'],
      ['2025-03-09', '2:30 AM', 'UTC-05:00', '2025-03-09T07:30:00.000Z'],
    ])('%s %s %s -> %s', (scheduledDate, scheduledTime, spokenZone, expected) => {
      expect(iso(resolveInterviewTime({ scheduledDate, scheduledTime, spokenZone }))).toBe(expected);
    });
  });

  describe('the zone: spoken (with the time or in scheduled_timezone), else candidate, else tenant', () => {
    it.each([
      // time, spoken, candidate, tenant -> instant or reason, zone, source
      ['3:00 PM', 'ET', 'America/Los_Angeles', 'Europe/London', '2025-10-08T19:00:00.000Z', 'America/New_York', 'spoken_zone'],
      ['3:00 PM ET', undefined, 'America/Los_Angeles', undefined, '2025-10-08T19:00:00.000Z', 'America/New_York', 'spoken_zone'],
      ['3:00 PM EST', 'Eastern Time (ET)', undefined, undefined, '2025-10-08T19:00:00.000Z', 'America/New_York', 'spoken_zone'],
      ['3:00 PM', undefined, 'America/Los_Angeles', 'Europe/London', '2025-10-08T22:00:00.000Z', 'America/Los_Angeles', 'candidate_zone'],
      ['3:00 PM', '  ', 'Pacific Time', 'Europe/London', '2025-10-08T22:00:00.000Z', 'America/Los_Angeles', 'candidate_zone'],
      ['3:00 PM', undefined, undefined, 'Europe/London', '2025-10-08T14:00:00.000Z', 'Europe/London', 'tenant_zone'],
      ['3:00 PM', undefined, '', 'America/Chicago', '2025-10-08T20:00:00.000Z', 'America/Chicago', 'tenant_zone'],
      ['3:00 PM', undefined, undefined, undefined, 'needs_review:no_zone', undefined, undefined],
      ['3:00 PM', 'Mars Time', 'America/New_York', 'America/New_York', 'needs_review:unknown_zone', undefined, undefined],
      ['3:00 PM', 'Eastern Time (PT)', undefined, 'America/New_York', 'needs_review:conflicting_zones', undefined, undefined],
      ['3:00 PM PT', 'ET', undefined, undefined, 'needs_review:conflicting_zones', undefined, undefined],
      ['3:00 PM', undefined, 'somewhere nice', 'America/New_York', 'needs_review:unknown_zone', undefined, undefined],
      ['3:00 PM', undefined, undefined, 'Not/AZone', 'needs_review:unknown_zone', undefined, undefined],
    ] as Array<[string, string | undefined, string | undefined, string | undefined, string, string | undefined, InterviewTimeSource | undefined]>)(
      'time %p, spoken %p, candidate %p, tenant %p -> %s %s %s',
      (scheduledTime, spokenZone, candidateZone, tenantZone, expected, zone, source) => {
        const t = resolveInterviewTime({ scheduledDate: '2025-10-08', scheduledTime, spokenZone, candidateZone, tenantZone });
        expect(iso(t)).toBe(expected);
        if (zone) expect(t).toMatchObject({ zone, source, zoneFrom: source });
      },
    );
  });

  it.each([
    ['2025-10-08', '3:00 PM', 'EST', ['zone_season_mismatch']],
    ['2025-01-08', '3:00 PM', 'EST', []],
    ['2025-01-08', '3:00 PM', 'EDT', ['zone_season_mismatch']],
    ['2025-07-08', '3:00 PM', 'PST', ['zone_season_mismatch']],
    ['2025-07-08', '3:00 PM', 'Eastern Standard Time', ['zone_season_mismatch']],
    ['2025-07-08', '3:00 PM', 'BST', []],
    ['2025-01-08', '3:00 PM', 'BST', ['zone_season_mismatch']],
    ['2025-07-08', '3:00 PM', 'GMT', ['zone_season_mismatch']],
    ['2025-07-08', '3:00 PM', 'ET', []],
    ['2025-07-08', '3:00 PM', 'Hawaii', []],
  ] as Array<[string, string, string, InterviewTimeWarning[]]>)(
    '%s %s %s resolves DST-correct with warnings %j',
    (scheduledDate, scheduledTime, spokenZone, warnings) => {
      expect(resolveInterviewTime({ scheduledDate, scheduledTime, spokenZone })).toMatchObject({ status: 'resolved', warnings });
    },
  );
});

describe('unresolvable -> needs_review, never a guess', () => {
  it.each([
    [{}, 'nothing_given', undefined],
    [{ spokenZone: 'ET', candidateZone: 'America/New_York' }, 'nothing_given', undefined],
    [{ scheduledDate: '   ', scheduledTime: '' }, 'nothing_given', undefined],
    [{ scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'missing_date', 'scheduledDate'],
    [{ scheduledDate: '2025-10-08', spokenZone: 'ET' }, 'missing_time', 'scheduledTime'],
    [{ scheduledDate: 'Monday', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'relative_date', 'scheduledDate'],
    [{ scheduledDate: 'tomorrow', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'relative_date', 'scheduledDate'],
    [{ scheduledDate: 'next Tuesday', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'relative_date', 'scheduledDate'],
    [{ scheduledDate: 'October 8', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'date_without_year', 'scheduledDate'],
    [{ scheduledDate: 'Tuesday, October 8th', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'date_without_year', 'scheduledDate'],
    [{ scheduledDate: 'Tuesday, October 8, 2025', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'weekday_mismatch', 'scheduledDate'],
    [{ scheduledDate: '2025-02-30', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'invalid_date', 'scheduledDate'],
    [{ scheduledDate: '25/10/2025', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'invalid_date', 'scheduledDate'],
    [{ scheduledDate: 'TBD', scheduledTime: '3:00 PM', spokenZone: 'ET' }, 'unreadable_date', 'scheduledDate'],
    [{ scheduledDate: '2025-10-08', scheduledTime: 'afternoon', spokenZone: 'ET' }, 'ambiguous_time', 'scheduledTime'],
    [{ scheduledDate: '2025-10-08', scheduledTime: '3', spokenZone: 'ET' }, 'ambiguous_time', 'scheduledTime'],
    [{ scheduledDate: '2025-10-08', scheduledTime: '3:00', spokenZone: 'ET' }, 'ambiguous_time', 'scheduledTime'],
    [{ scheduledDate: '2025-10-08', scheduledTime: 'midnight', spokenZone: 'ET' }, 'ambiguous_time', 'scheduledTime'],
    [{ scheduledDate: '2025-10-08', scheduledTime: '13:00 PM', spokenZone: 'ET' }, 'unreadable_time', 'scheduledTime'],
    [{ scheduledDate: '2025-10-08', scheduledTime: '3:00 PM Gotham', spokenZone: 'ET' }, 'unreadable_time', 'scheduledTime'],
    [{ scheduledDate: '2025-10-08', scheduledTime: '3:00 PM', spokenZone: 'the usual' }, 'unknown_zone', 'spokenZone'],
    [{ scheduledDate: '2025-10-08', scheduledTime: '3:00 PM' }, 'no_zone', undefined],
    [{ scheduledDate: '2025-03-09', scheduledTime: '2:30 AM', spokenZone: 'ET' }, 'nonexistent_local_time', 'scheduledTime'],
    [{ scheduledDate: '2025-11-02', scheduledTime: '1:30 AM', candidateZone: 'America/New_York' }, 'ambiguous_local_time', 'scheduledTime'],
  ] as Array<[InterviewTimeInput, InterviewTimeReviewReason, string | undefined]>)('%j -> %s (%s)', (input, reason, field) => {
    const t = resolveInterviewTime(input);
    expect(t).toMatchObject({ status: 'needs_review', reason, raw: input });
    expect(t.status === 'needs_review' ? t.field : 'resolved').toBe(field);
  });

  it.each([
    [null],
    [undefined],
    [42],
    ['2025-10-08T15:00:00-04:00'],
    [[]],
    [{ scheduledDate: 20251008, scheduledTime: 1500, spokenZone: {} }],
    [{ scheduledDatetimeIso: ['2025-10-08T15:00:00-04:00'] }],
    [{ scheduledDate: '2025-10-08', scheduledTime: '3:00 PM', spokenZone: '(((' }],
    [{ scheduledDate: '2025-10-08', scheduledTime: '3:00 PM', spokenZone: 'x'.repeat(10_000) }],
    [{ scheduledDatetimeIso: '-'.repeat(5_000) }],
  ])('never throws on %p; anything not a string is ignored', (input) => {
    const t = resolveInterviewTime(input as InterviewTimeInput);
    expect(t.status).toBe('needs_review');
    for (const v of Object.values(t.raw)) expect(typeof v).toBe('string');
  });

  it('a getter that throws is treated as absent', () => {
    const hostile = Object.defineProperty({ scheduledDate: '2025-10-08', scheduledTime: '3:00 PM', tenantZone: 'UTC' }, 'spokenZone', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(iso(resolveInterviewTime(hostile))).toBe('2025-10-08T15:00:00.000Z');
  });
});

describe('parseSpokenZone: every word of the table, and the forms around it', () => {
  const expected: Record<string, string> = {
    eastern: 'America/New_York',
    'us eastern': 'America/New_York',
    'eastern us': 'America/New_York',
    et: 'America/New_York',
    'new york': 'America/New_York',
    est: 'America/New_York',
    'eastern standard': 'America/New_York',
    edt: 'America/New_York',
    'eastern daylight': 'America/New_York',
    central: 'America/Chicago',
    'us central': 'America/Chicago',
    'central us': 'America/Chicago',
    ct: 'America/Chicago',
    chicago: 'America/Chicago',
    cst: 'America/Chicago',
    'central standard': 'America/Chicago',
    cdt: 'America/Chicago',
    'central daylight': 'America/Chicago',
    mountain: 'America/Denver',
    'us mountain': 'America/Denver',
    'mountain us': 'America/Denver',
    mt: 'America/Denver',
    denver: 'America/Denver',
    mst: 'America/Denver',
    'mountain standard': 'America/Denver',
    mdt: 'America/Denver',
    'mountain daylight': 'America/Denver',
    arizona: 'America/Phoenix',
    phoenix: 'America/Phoenix',
    pacific: 'America/Los_Angeles',
    'us pacific': 'America/Los_Angeles',
    'pacific us': 'America/Los_Angeles',
    pt: 'America/Los_Angeles',
    'los angeles': 'America/Los_Angeles',
    pst: 'America/Los_Angeles',
    'pacific standard': 'America/Los_Angeles',
    pdt: 'America/Los_Angeles',
    'pacific daylight': 'America/Los_Angeles',
    alaska: 'America/Anchorage',
    alaskan: 'America/Anchorage',
    akt: 'America/Anchorage',
    anchorage: 'America/Anchorage',
    akst: 'America/Anchorage',
    'alaska standard': 'America/Anchorage',
    akdt: 'America/Anchorage',
    'alaska daylight': 'America/Anchorage',
    hawaii: 'Pacific/Honolulu',
    hawaiian: 'Pacific/Honolulu',
    'hawaii-aleutian': 'Pacific/Honolulu',
    'hawaii aleutian': 'Pacific/Honolulu',
    hst: 'Pacific/Honolulu',
    'hawaii standard': 'Pacific/Honolulu',
    'hawaii-aleutian standard': 'Pacific/Honolulu',
    honolulu: 'Pacific/Honolulu',
    uk: 'Europe/London',
    'united kingdom': 'Europe/London',
    british: 'Europe/London',
    britain: 'Europe/London',
    england: 'Europe/London',
    london: 'Europe/London',
    greenwich: 'Europe/London',
    gmt: 'Europe/London',
    'greenwich mean': 'Europe/London',
    bst: 'Europe/London',
    'british summer': 'Europe/London',
    'central european': 'Europe/Berlin',
    'central europe': 'Europe/Berlin',
    'europe central': 'Europe/Berlin',
    cet: 'Europe/Berlin',
    'central european standard': 'Europe/Berlin',
    cest: 'Europe/Berlin',
    'central european summer': 'Europe/Berlin',
    'central european daylight': 'Europe/Berlin',
    ist: 'Asia/Kolkata',
    india: 'Asia/Kolkata',
    indian: 'Asia/Kolkata',
    'india standard': 'Asia/Kolkata',
    'indian standard': 'Asia/Kolkata',
    aet: 'Australia/Sydney',
    'australian eastern': 'Australia/Sydney',
    'eastern australia': 'Australia/Sydney',
    'eastern australian': 'Australia/Sydney',
    sydney: 'Australia/Sydney',
    aest: 'Australia/Sydney',
    'australian eastern standard': 'Australia/Sydney',
    aedt: 'Australia/Sydney',
    'australian eastern daylight': 'Australia/Sydney',
    jst: 'Asia/Tokyo',
    japan: 'Asia/Tokyo',
    'japan standard': 'Asia/Tokyo',
    tokyo: 'Asia/Tokyo',
    utc: 'UTC',
    z: 'UTC',
    zulu: 'UTC',
    'coordinated universal': 'UTC',
    universal: 'UTC',
  };

  it('the table holds exactly these words', () => {
    expect(Object.fromEntries(SPOKEN_ZONE_WORDS)).toEqual(expected);
  });

  it.each(Object.entries(expected))('%s -> %s (as written, upper case, and with " Time")', (word, zone) => {
    expect(parseSpokenZone(word)).toMatchObject({ ok: true, zone });
    expect(parseSpokenZone(word.toUpperCase())).toMatchObject({ ok: true, zone });
    expect(parseSpokenZone(`${word} Time`)).toMatchObject({ ok: true, zone });
  });

  it.each([
    ['Eastern Time (ET)', 'America/New_York', undefined],
    ['Pacific Time (PT)', 'America/Los_Angeles', undefined],
    ['Central Time (CT)', 'America/Chicago', undefined],
    ['Eastern Standard Time (EST)', 'America/New_York', 'standard'],
    ['Eastern Time (EDT)', 'America/New_York', 'daylight'],
    ['Eastern Time (US & Canada)', 'America/New_York', undefined],
    ['(ET) Eastern', 'America/New_York', undefined],
    ['Mountain Time (Arizona)', 'America/Phoenix', undefined],
    ['E.T.', 'America/New_York', undefined],
    ['  eastern   time  zone ', 'America/New_York', undefined],
    ['the Eastern timezone', 'America/New_York', undefined],
    ['US/Eastern', 'US/Eastern', undefined], // a valid IANA link: kept as spelled
    ['America/Chicago', 'America/Chicago', undefined],
    ['Europe/Kyiv', 'Europe/Kyiv', undefined],
    ['UTC-4', 'UTC-04:00', undefined],
    ['UTC−04:00', 'UTC-04:00', undefined],
    ['GMT+5:30', 'UTC+05:30', undefined],
    ['+0930', 'UTC+09:30', undefined],
    ['-05:00', 'UTC-05:00', undefined],
    ['UTC+0', 'UTC', undefined],
    ['Central European Time (CET)', 'Europe/Berlin', 'standard'],
    ['British Summer Time (BST)', 'Europe/London', 'daylight'],
    ['EST/EDT', 'America/New_York', undefined],
    ['Eastern Time (EST / EDT)', 'America/New_York', undefined],
    ['PT/PDT', 'America/Los_Angeles', undefined],
  ])('%p -> %s (season %s)', (text, zone, season) => {
    const z = parseSpokenZone(text);
    expect(z).toMatchObject({ ok: true, zone });
    expect(z.ok ? z.season : 'not ok').toBe(season);
  });

  it.each([
    ['', 'unknown_zone'],
    ['   ', 'unknown_zone'],
    ['Mars', 'unknown_zone'],
    ['Eastern-ish', 'unknown_zone'],
    ['UTC+15', 'unknown_zone'],
    ['UTC+5:75', 'unknown_zone'],
    ['Eastern Time (PT)', 'conflicting_zones'],
    ['CET (EST)', 'conflicting_zones'],
    ['Eastern (', 'unknown_zone'],
    ['(nothing) (here)', 'unknown_zone'],
    ['Not/AZone', 'unknown_zone'],
    ['EST/PST', 'unknown_zone'],
    ['EST/', 'unknown_zone'],
    ['UTC-4/EDT', 'unknown_zone'],
    [null, 'unknown_zone'],
    [undefined, 'unknown_zone'],
  ])('%p -> %s', (text, reason) => {
    expect(parseSpokenZone(text)).toEqual({ ok: false, reason });
  });

  it('IANA names win only after the table: EST is America/New_York, not the fixed IANA "EST"', () => {
    expect(parseSpokenZone('EST')).toMatchObject({ zone: 'America/New_York' });
    expect(parseSpokenZone('MST')).toMatchObject({ zone: 'America/Denver' });
    expect(parseSpokenZone('HST')).toMatchObject({ zone: 'Pacific/Honolulu' });
  });
});

describe('parseInterviewDate', () => {
  it.each([
    ['2025-10-08', [2025, 10, 8]],
    ['2025-1-8', [2025, 1, 8]],
    ['2025/10/08', [2025, 10, 8]],
    ['10/08/2025', [2025, 10, 8]],
    ['10-08-2025', [2025, 10, 8]],
    ['1/8/2025', [2025, 1, 8]],
    ['12/31/2025', [2025, 12, 31]],
    ['October 8, 2025', [2025, 10, 8]],
    ['October 8th, 2025', [2025, 10, 8]],
    ['Oct 8 2025', [2025, 10, 8]],
    ['Oct. 8, 2025', [2025, 10, 8]],
    ['Sept 30, 2025', [2025, 9, 30]],
    ['8 October 2025', [2025, 10, 8]],
    ['the 8th of October, 2025', [2025, 10, 8]],
    ['Wednesday, October 8, 2025', [2025, 10, 8]],
    ['Wed, Oct 8th, 2025', [2025, 10, 8]],
    ['Wednesday 2025-10-08', [2025, 10, 8]],
    ['Wed., 10/08/2025', [2025, 10, 8]],
    ['2024-02-29', [2024, 2, 29]],
  ])('%p -> %j', (text, [year, month, day]) => {
    expect(parseInterviewDate(text)).toEqual({ ok: true, year, month, day });
  });

  it.each([
    ['Monday', 'relative_date'],
    ['tomorrow', 'relative_date'],
    ['today', 'relative_date'],
    ['next week', 'relative_date'],
    ['this Friday', 'relative_date'],
    ['the day after tomorrow', 'relative_date'],
    ['October 8', 'date_without_year'],
    ['8th of October', 'date_without_year'],
    ['10/08', 'date_without_year'],
    ['10/08/25', 'unreadable_date'],
    ['08.10.2025', 'unreadable_date'],
    ['2025-02-29', 'invalid_date'],
    ['2025-13-01', 'invalid_date'],
    ['13/01/2025', 'invalid_date'],
    ['Octember 8, 2025', 'unreadable_date'],
    ['TBD', 'unreadable_date'],
    ['soon', 'relative_date'],
    ['Tuesday, October 8, 2025', 'weekday_mismatch'],
    ['Tuesday 2025-10-08', 'weekday_mismatch'],
    ['0099-10-08', 'invalid_date'],
    ['', 'unreadable_date'],
    [null, 'unreadable_date'],
  ])('%p -> %s', (text, reason) => {
    expect(parseInterviewDate(text)).toEqual({ ok: false, reason });
  });
});

describe('parseInterviewTime', () => {
  it.each([
    ['3:00 PM', 15, 0, undefined],
    ['3:00PM', 15, 0, undefined],
    ['3pm', 15, 0, undefined],
    ['3 PM', 15, 0, undefined],
    ['3 p.m.', 15, 0, undefined],
    ['3:30 P.M.', 15, 30, undefined],
    ['3.30pm', 15, 30, undefined],
    ['10:00 AM', 10, 0, undefined],
    ['12:00 AM', 0, 0, undefined],
    ['12:15 PM', 12, 15, undefined],
    ['12 am', 0, 0, undefined],
    ['15:00', 15, 0, undefined],
    ['09:00', 9, 0, undefined],
    ['00:30', 0, 30, undefined],
    ['0:30', 0, 30, undefined],
    ['10:00', 10, 0, undefined],
    ['23:59', 23, 59, undefined],
    ['noon', 12, 0, undefined],
    ['12 noon', 12, 0, undefined],
    ['Noon ET', 12, 0, 'America/New_York'],
    ['3:00 PM ET', 15, 0, 'America/New_York'],
    ['3pm Eastern Time', 15, 0, 'America/New_York'],
    ['15:00 (CET)', 15, 0, 'Europe/Berlin'],
    ['10:00 AM America/Chicago', 10, 0, 'America/Chicago'],
  ])('%p -> %d:%d zone %s', (text, hour, minute, zone) => {
    const t = parseInterviewTime(text);
    expect(t).toMatchObject({ ok: true, hour, minute, second: 0 });
    expect(t.ok && t.zone?.ok ? t.zone.zone : undefined).toBe(zone);
  });

  it('keeps seconds', () => {
    expect(parseInterviewTime('15:00:30')).toMatchObject({ ok: true, hour: 15, minute: 0, second: 30 });
  });

  it.each([
    ['3', 'ambiguous_time'],
    ['3:00', 'ambiguous_time'],
    ['9:30', 'ambiguous_time'],
    ['15', 'ambiguous_time'],
    ['afternoon', 'ambiguous_time'],
    ['3 in the afternoon', 'ambiguous_time'],
    ['around 3', 'ambiguous_time'],
    ['midnight', 'ambiguous_time'],
    ['12 midnight', 'ambiguous_time'],
    ['13:00 PM', 'unreadable_time'],
    ['0 AM', 'unreadable_time'],
    ['24:00', 'unreadable_time'],
    ['3:60 PM', 'unreadable_time'],
    ['3pmET', 'unreadable_time'],
    ['1500', 'unreadable_time'],
    ['quarter past three', 'unreadable_time'],
    ['3:00 PM Gotham', 'unreadable_time'],
    ['', 'unreadable_time'],
    [undefined, 'unreadable_time'],
  ])('%p -> %s', (text, reason) => {
    expect(parseInterviewTime(text)).toEqual({ ok: false, reason });
  });
});

describe('instantsOfWallTime', () => {
  const wall = (y: number, mo: number, d: number, h: number, mi: number) => ({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0 });
  it.each([
    [wall(2025, 10, 8, 15, 0), 'America/New_York', ['2025-10-08T19:00:00.000Z']],
    [wall(2025, 3, 9, 2, 30), 'America/New_York', []],
    [wall(2025, 11, 2, 1, 30), 'America/New_York', ['2025-11-02T05:30:00.000Z', '2025-11-02T06:30:00.000Z']],
    [wall(2025, 10, 26, 2, 30), 'Europe/Berlin', ['2025-10-26T00:30:00.000Z', '2025-10-26T01:30:00.000Z']],
    [wall(2025, 3, 30, 2, 30), 'Europe/Berlin', []],
    [wall(2025, 3, 30, 2, 30), 'UTC+05:30', ['2025-03-29T21:00:00.000Z']],
  ])('%j in %s -> %j', (w, zone, expected) => {
    expect(instantsOfWallTime(w, zone).map((ms) => new Date(ms).toISOString())).toEqual(expected);
  });
});

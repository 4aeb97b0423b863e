import {
  CALL_ANALYSIS_FIELDS,
  INTEREST_LEVELS,
  parseCallAnalysis,
  parseScreeningAnalysis,
  rawText,
  SCREENING_FIELDS,
  SCREENING_OUTCOMES,
  USER_SENTIMENTS,
  type ScreeningAnalysis,
  type ScreeningIssue,
} from './screening-analysis';
import { SEED_CALL } from './fixtures/seed-call';

/** The seed call's analysis, as Retell delivers it. */
const SEED_CALL_ANALYSIS = SEED_CALL.call_analysis;

const EMPTY: ScreeningAnalysis = { technicalSkillsMentioned: [], questionsAsked: [], extra: {}, issues: [] };

describe('the seed call', () => {
  const expected: ScreeningAnalysis = {
    interviewScheduled: true,
    scheduledDate: '2025-10-08',
    scheduledTime: '3:00 PM',
    scheduledTimezone: 'Eastern Time (ET)',
    scheduledDatetimeIso: '2025-10-08T15:00:00-04:00',
    candidateTimezone: 'Eastern Time',
    unavailableDates: 'October 15-17 (vacation)',
    isQualifiedCandidate: true,
    candidateInterestLevel: { value: 'High', raw: 'High', valid: true },
    yearsOfExperience: 5,
    salaryExpectation: 120000,
    technicalSkillsMentioned: ['Python', 'Django', 'AWS', 'Docker'],
    questionsAsked: ['What is the team size?', 'Is remote work supported?'],
    outcome: { value: 'Interview Scheduled', raw: 'Interview Scheduled', valid: true },
    callSummary: SEED_CALL_ANALYSIS.call_summary,
    userSentiment: { value: 'Positive', raw: 'Positive', valid: true },
    callSuccessful: true,
    inVoicemail: false,
    extra: {},
    issues: [],
  };

  it('reads every field (sentiment Positive, qualified, interest High)', () => {
    expect(parseScreeningAnalysis(SEED_CALL_ANALYSIS.custom_analysis_data, SEED_CALL_ANALYSIS)).toEqual(expected);
  });

  it('parseCallAnalysis reads the whole call_analysis object the same way', () => {
    expect(parseCallAnalysis(SEED_CALL_ANALYSIS)).toEqual(expected);
  });

  it('without call_analysis the built-ins are absent', () => {
    const { callSummary, userSentiment, callSuccessful, inVoicemail, ...custom } = expected;
    expect(parseScreeningAnalysis(SEED_CALL_ANALYSIS.custom_analysis_data)).toEqual(custom);
  });
});

it('knows every field of the guide, camelCased', () => {
  expect(Object.fromEntries(Object.entries(SCREENING_FIELDS).map(([k, [name, kind]]) => [k, `${name}:${kind}`]))).toEqual({
    interview_scheduled: 'interviewScheduled:boolean',
    scheduled_date: 'scheduledDate:text',
    scheduled_time: 'scheduledTime:text',
    scheduled_timezone: 'scheduledTimezone:text',
    scheduled_datetime_iso: 'scheduledDatetimeIso:text',
    candidate_timezone: 'candidateTimezone:text',
    availability_preference: 'availabilityPreference:text',
    unavailable_dates: 'unavailableDates:text',
    is_qualified_candidate: 'isQualifiedCandidate:boolean',
    candidate_interest_level: 'candidateInterestLevel:interest',
    years_of_experience: 'yearsOfExperience:number',
    salary_expectation: 'salaryExpectation:number',
    technical_skills_mentioned: 'technicalSkillsMentioned:list',
    questions_asked: 'questionsAsked:list',
    outcome: 'outcome:outcome',
    rejection_reason: 'rejectionReason:text',
    additional_notes: 'additionalNotes:text',
  });
  expect(Object.keys(CALL_ANALYSIS_FIELDS)).toEqual(['call_summary', 'user_sentiment', 'call_successful', 'in_voicemail']);
  expect([...INTEREST_LEVELS]).toEqual(['High', 'Medium', 'Low', 'Not Interested']);
  expect([...SCREENING_OUTCOMES]).toEqual(['Interview Scheduled', 'Callback Requested', 'Not Interested', 'Voicemail Left']);
  expect([...USER_SENTIMENTS]).toEqual(['Positive', 'Neutral', 'Negative', 'Unknown']);
});

describe('enum fields: matched ignoring case and spacing, else kept raw and flagged', () => {
  it.each([
    // field, raw, matched value (null = off-enum)
    ['outcome', 'Interview Scheduled', 'Interview Scheduled'],
    ['outcome', 'interview scheduled', 'Interview Scheduled'],
    ['outcome', '  INTERVIEW   SCHEDULED ', 'Interview Scheduled'],
    ['outcome', 'interview_scheduled', 'Interview Scheduled'],
    ['outcome', 'Interview Scheduled.', 'Interview Scheduled'],
    ['outcome', '"Not Interested"', 'Not Interested'],
    ['outcome', 'not-interested', 'Not Interested'],
    ['outcome', 'Callback Requested', 'Callback Requested'],
    ['outcome', 'Voicemail Left', 'Voicemail Left'],
    ['outcome', 'Voicemail', null],
    ['outcome', 'Interview Booked', null],
    ['outcome', 'N/A', null],
    ['outcome', 7, null],
    ['outcome', true, null],
    ['outcome', ['Interview Scheduled'], null],
    ['candidate_interest_level', 'High', 'High'],
    ['candidate_interest_level', 'medium', 'Medium'],
    ['candidate_interest_level', 'LOW', 'Low'],
    ['candidate_interest_level', 'not interested', 'Not Interested'],
    ['candidate_interest_level', 'Very High', null],
    ['candidate_interest_level', 'high-ish', null],
  ] as Array<[string, unknown, string | null]>)('%s %p -> %p', (field, raw, value) => {
    const a = parseScreeningAnalysis({ [field]: raw });
    const got = field === 'outcome' ? a.outcome : a.candidateInterestLevel;
    expect(got).toEqual({ value, raw: rawText(raw), valid: value !== null });
    expect(a.issues).toEqual(value === null ? [{ field, problem: 'off_enum', raw: rawText(raw) }] : []);
  });

  it.each([
    ['Positive', 'Positive'],
    ['negative', 'Negative'],
    ['Neutral', 'Neutral'],
    ['Unknown', 'Unknown'],
    ['Happy', null],
    ['', undefined],
  ])('user_sentiment %p -> %p', (raw, value) => {
    const a = parseScreeningAnalysis(undefined, { user_sentiment: raw });
    if (value === undefined) expect(a.userSentiment).toBeUndefined();
    else expect(a.userSentiment).toEqual({ value, raw, valid: value !== null });
  });

  it.each([[null], [undefined], [''], ['   ']])('an enum given as %p is missing, not flagged', (raw) => {
    expect(parseScreeningAnalysis({ outcome: raw, candidate_interest_level: raw })).toEqual(EMPTY);
  });
});

describe('booleans', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['yes', true],
    ['Yes', true],
    [' YES ', true],
    ['no', false],
    ['No', false],
    ['y', true],
    ['n', false],
    ['1', true],
    ['0', false],
    [1, true],
    [0, false],
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    ['N/A', undefined],
    ['unknown', undefined],
  ])('%p -> %p', (raw, value) => {
    const a = parseScreeningAnalysis({ interview_scheduled: raw, is_qualified_candidate: raw }, { call_successful: raw, in_voicemail: raw });
    expect([a.interviewScheduled, a.isQualifiedCandidate, a.callSuccessful, a.inVoicemail]).toEqual([value, value, value, value]);
    expect(a.issues).toEqual([]);
  });

  it.each([['maybe'], ['probably yes'], [2], [-1], [{}], [[true]], ['yes!']])('%p is not a boolean: left out, flagged', (raw) => {
    const a = parseScreeningAnalysis({ is_qualified_candidate: raw });
    expect(a.isQualifiedCandidate).toBeUndefined();
    expect(a.issues).toEqual([{ field: 'is_qualified_candidate', problem: 'not_boolean', raw: rawText(raw) }]);
  });
});

describe('numbers', () => {
  it.each([
    // field, raw, value (undefined = missing, no issue)
    ['years_of_experience', 5, 5],
    ['years_of_experience', 0, 0],
    ['years_of_experience', 2.5, 2.5],
    ['years_of_experience', '5', 5],
    ['years_of_experience', ' 5 ', 5],
    ['years_of_experience', '5 years', 5],
    ['years_of_experience', '5 Years.', 5],
    ['years_of_experience', '1 year', 1],
    ['years_of_experience', '5 yrs', 5],
    ['years_of_experience', '5+ years', 5],
    ['years_of_experience', '5.5 years of experience', 5.5],
    ['years_of_experience', 'about 5 years', 5],
    ['years_of_experience', '', undefined],
    ['years_of_experience', 'N/A', undefined],
    ['years_of_experience', null, undefined],
    ['salary_expectation', 120000, 120000],
    ['salary_expectation', '120000', 120000],
    ['salary_expectation', '$85,000', 85000],
    ['salary_expectation', '$1,250,000', 1250000],
    ['salary_expectation', '85k', 85000],
    ['salary_expectation', '$120K', 120000],
    ['salary_expectation', '120.5k', 120500],
    ['salary_expectation', '$120,000 per year', 120000],
    ['salary_expectation', '120000 USD', 120000],
    ['salary_expectation', '120k a year', 120000],
    ['salary_expectation', '$120,000/yr', 120000],
    ['salary_expectation', '€90,000 annually', 90000],
    ['salary_expectation', 'around $100k', 100000],
    ['salary_expectation', 'not specified', undefined],
  ] as Array<[string, unknown, number | undefined]>)('%s %p -> %p', (field, raw, value) => {
    const a = parseScreeningAnalysis({ [field]: raw });
    expect(field === 'years_of_experience' ? a.yearsOfExperience : a.salaryExpectation).toBe(value);
    expect(a.issues).toEqual([]);
  });

  it.each([
    ['years_of_experience', '5-7 years', 'not_number'],
    ['years_of_experience', 'five', 'not_number'],
    ['years_of_experience', '5 months', 'not_number'],
    ['years_of_experience', '5k', 'not_number'],
    ['years_of_experience', '1,5', 'not_number'],
    ['years_of_experience', -2, 'out_of_range'],
    ['years_of_experience', '-2', 'out_of_range'],
    ['years_of_experience', 120, 'out_of_range'],
    ['years_of_experience', Number.NaN, 'not_number'],
    ['years_of_experience', Number.POSITIVE_INFINITY, 'not_number'],
    ['years_of_experience', true, 'not_number'],
    ['years_of_experience', [5], 'not_number'],
    ['salary_expectation', '$100k-$120k', 'not_number'],
    ['salary_expectation', '100,000 - 120,000', 'not_number'],
    ['salary_expectation', '$50/hour', 'not_number'],
    ['salary_expectation', '$8,000 per month', 'not_number'],
    ['salary_expectation', 'competitive', 'not_number'],
    ['salary_expectation', '12,00', 'not_number'],
    ['salary_expectation', -1, 'out_of_range'],
    ['salary_expectation', { amount: 1 }, 'not_number'],
  ] as Array<[string, unknown, string]>)('%s %p is left out and flagged %s', (field, raw, problem) => {
    const a = parseScreeningAnalysis({ [field]: raw });
    expect(field === 'years_of_experience' ? a.yearsOfExperience : a.salaryExpectation).toBeUndefined();
    expect(a.issues).toEqual([{ field, problem, raw: rawText(raw) }]);
  });
});

describe('lists', () => {
  it.each([
    ['Python, Django, AWS, Docker', ['Python', 'Django', 'AWS', 'Docker']],
    ['Python,Django,,  AWS , ', ['Python', 'Django', 'AWS']],
    ['Python; Django; AWS', ['Python', 'Django', 'AWS']],
    ['Python\nDjango\r\n- AWS\n* Docker', ['Python', 'Django', 'AWS', 'Docker']],
    ['Python, python, PYTHON, Go', ['Python', 'Go']],
    ['Research and Development, C++', ['Research and Development', 'C++']],
    ['Node.js, C#, .NET', ['Node.js', 'C#', '.NET']],
    [
      ['Python', ' Django ', '', 'AWS'],
      ['Python', 'Django', 'AWS'],
    ],
    [
      ['Python, Django', 'AWS; Docker'],
      ['Python', 'Django', 'AWS', 'Docker'],
    ],
    ['["Python", "Django"]', ['Python', 'Django']],
    ['[not json, Python', ['[not json', 'Python']],
    ['', []],
    ['N/A', []],
    ['none', []],
    [null, []],
    [undefined, []],
    [[], []],
    [42, ['42']],
  ] as Array<[unknown, string[]]>)('technical_skills_mentioned %p -> %j', (raw, skills) => {
    const a = parseScreeningAnalysis({ technical_skills_mentioned: raw });
    expect(a.technicalSkillsMentioned).toEqual(skills);
    expect(a.issues).toEqual([]);
  });

  it.each([
    [
      ['What is the team size?', 'Is remote work supported?'],
      ['What is the team size?', 'Is remote work supported?'],
    ],
    ['What is the team size? Is remote work supported?', ['What is the team size?', 'Is remote work supported?']],
    ['What is the salary range, and is there equity?', ['What is the salary range, and is there equity?']],
    ['1. Team size?\n2. Remote, hybrid or office?', ['Team size?', 'Remote, hybrid or office?']],
    ['None', []],
    [[' ', null, 'Benefits?'], ['Benefits?']],
  ] as Array<[unknown, string[]]>)('questions_asked %p -> %j', (raw, questions) => {
    expect(parseScreeningAnalysis({ questions_asked: raw }).questionsAsked).toEqual(questions);
  });

  it.each([[{ a: 1 }], [true]])('a list given as %p is flagged not_list', (raw) => {
    const a = parseScreeningAnalysis({ technical_skills_mentioned: raw });
    expect(a.technicalSkillsMentioned).toEqual([]);
    expect(a.issues).toEqual([{ field: 'technical_skills_mentioned', problem: 'not_list', raw: rawText(raw) }]);
  });

  it('items that are not text are dropped and flagged, the rest kept', () => {
    const a = parseScreeningAnalysis({ technical_skills_mentioned: ['Python', { name: 'Go' }, 3, ['Rust']] });
    expect(a.technicalSkillsMentioned).toEqual(['Python', '3']);
    expect(a.issues).toEqual([{ field: 'technical_skills_mentioned', problem: 'not_text', raw: '["Python",{"name":"Go"},3,["Rust"]]' }]);
  });
});

describe('text fields', () => {
  it.each([
    ['Mornings, after 10 AM', 'Mornings, after 10 AM'],
    ['  padded  ', 'padded'],
    ['', undefined],
    ['   ', undefined],
    ['N/A', undefined],
    ['None', undefined],
    [null, undefined],
    [20251008, '20251008'],
    [false, 'false'],
    [['Oct 15', 'Oct 16', ''], 'Oct 15, Oct 16'],
  ] as Array<[unknown, string | undefined]>)('%p -> %p', (raw, value) => {
    const a = parseScreeningAnalysis({
      availability_preference: raw,
      unavailable_dates: raw,
      rejection_reason: raw,
      additional_notes: raw,
      scheduled_date: raw,
    });
    expect([a.availabilityPreference, a.unavailableDates, a.rejectionReason, a.additionalNotes, a.scheduledDate]).toEqual([value, value, value, value, value]);
    expect(a.issues).toEqual([]);
  });

  it.each([[{ from: 'Oct 15' }], [[{ day: 15 }]]])('%p is not text: left out, flagged', (raw) => {
    const a = parseScreeningAnalysis({ unavailable_dates: raw });
    expect(a.unavailableDates).toBeUndefined();
    expect(a.issues).toEqual([{ field: 'unavailable_dates', problem: 'not_text', raw: rawText(raw) }]);
  });
});

describe('keys', () => {
  it('unknown keys are kept in extra as given', () => {
    const a = parseScreeningAnalysis({ outcome: 'Voicemail Left', favourite_colour: 'blue', nested: { a: [1, 2] } });
    expect(a.extra).toEqual({ favourite_colour: 'blue', nested: { a: [1, 2] } });
    expect(a.outcome?.value).toBe('Voicemail Left');
  });

  it.each([['scheduledDate'], ['Scheduled Date'], ['SCHEDULED_DATE'], ['scheduled-date']])('%s is read as scheduled_date', (key) => {
    const a = parseScreeningAnalysis({ [key]: '2025-10-08' });
    expect(a.scheduledDate).toBe('2025-10-08');
    expect(a.extra).toEqual({});
  });

  it('the exact key wins over a loose one, which goes to extra', () => {
    const a = parseScreeningAnalysis({ scheduledDate: '2025-10-09', scheduled_date: '2025-10-08' });
    expect(a.scheduledDate).toBe('2025-10-08');
    expect(a.extra).toEqual({ scheduledDate: '2025-10-09' });
  });

  it('a "__proto__" key stays data', () => {
    const a = parseScreeningAnalysis(JSON.parse('{"__proto__": {"polluted": true}, "outcome": "Not Interested"}'));
    expect(Object.getPrototypeOf(a.extra)).toBe(Object.prototype);
    expect(Object.keys(a.extra)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('custom_analysis_data as a JSON string is read', () => {
    expect(parseScreeningAnalysis('{"outcome":"Not Interested","years_of_experience":"3"}')).toMatchObject({
      outcome: { value: 'Not Interested' },
      yearsOfExperience: 3,
    });
  });
});

describe('never throws, whatever arrives', () => {
  const throwing = Object.defineProperty({ outcome: 'Not Interested' }, 'salary_expectation', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const hostileKeys = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('no keys');
      },
    },
  );

  it.each([
    ['null', null, []],
    ['undefined', undefined, []],
    ['a number', 42, [{ field: 'custom_analysis_data', problem: 'not_object', raw: '42' }]],
    ['a string', 'Interview Scheduled', [{ field: 'custom_analysis_data', problem: 'not_object', raw: 'Interview Scheduled' }]],
    ['broken JSON', '{"outcome":', [{ field: 'custom_analysis_data', problem: 'not_object', raw: '{"outcome":' }]],
    ['a JSON array string', '[1,2]', [{ field: 'custom_analysis_data', problem: 'not_object', raw: '[1,2]' }]],
    ['true', true, [{ field: 'custom_analysis_data', problem: 'not_object', raw: 'true' }]],
    ['an array', [{ outcome: 'Interview Scheduled' }], [{ field: 'custom_analysis_data', problem: 'not_object', raw: '[{"outcome":"Interview Scheduled"}]' }]],
    ['an empty object', {}, []],
    ['a revoked proxy', revoked.proxy, [{ field: 'custom_analysis_data', problem: 'unreadable', raw: '' }]],
    ['a proxy without keys', hostileKeys, [{ field: 'custom_analysis_data', problem: 'not_object', raw: expect.any(String) }]],
  ] as Array<[string, unknown, ScreeningIssue[]]>)('%s -> an empty analysis', (_name, input, issues) => {
    expect(parseScreeningAnalysis(input)).toEqual({ ...EMPTY, issues });
  });

  it.each([
    [
      'nested junk everywhere',
      {
        outcome: { value: 'x' },
        candidate_interest_level: [[]],
        years_of_experience: { n: 5 },
        technical_skills_mentioned: { a: 1 },
        questions_asked: 3,
        interview_scheduled: 'perhaps',
        scheduled_date: { d: 1 },
      },
    ],
    ['a circular value', { additional_notes: circular, outcome: circular, technical_skills_mentioned: [circular] }],
    ['a throwing getter', throwing],
    ['huge strings', { technical_skills_mentioned: 'a,'.repeat(50_000), years_of_experience: '9'.repeat(400), outcome: 'x'.repeat(100_000) }],
    ['symbols and bigints', { outcome: Symbol('x'), years_of_experience: BigInt(5), additional_notes: Symbol('y'), technical_skills_mentioned: [Symbol('z')] }],
    ['functions', { outcome: () => 'Interview Scheduled', additional_notes: function notes() {} }],
    ['a Date', { scheduled_date: new Date('2025-10-08T00:00:00Z') }],
  ])('%s: no throw, only issues', (_name, input) => {
    const a = parseScreeningAnalysis(input);
    expect(Array.isArray(a.issues)).toBe(true);
    expect(Array.isArray(a.technicalSkillsMentioned)).toBe(true);
    for (const issue of a.issues) expect(typeof issue.raw).toBe('string');
  });

  it('a throwing getter is flagged unreadable and the rest is read', () => {
    const a = parseScreeningAnalysis(throwing);
    expect(a.outcome?.value).toBe('Not Interested');
    expect(a.salaryExpectation).toBeUndefined();
    expect(a.issues).toEqual([{ field: 'salary_expectation', problem: 'unreadable', raw: '' }]);
  });

  it.each([[null], [42], ['x'], [[]], [{ user_sentiment: {}, call_successful: 'sometimes' }]])('call_analysis %p never throws', (ca) => {
    expect(() => parseScreeningAnalysis({}, ca as never)).not.toThrow();
    expect(() => parseCallAnalysis(ca)).not.toThrow();
  });

  it('huge numeric text is not a number', () => {
    expect(parseScreeningAnalysis({ years_of_experience: '9'.repeat(400) }).issues[0]).toMatchObject({ problem: 'not_number' });
  });
});

/**
 * Retell's post-call analysis of a recruiting screening call, read into a typed value.
 *
 * `custom_analysis_data` is `unknown` (docs/retell.md#analysis): fields may be missing (calls that never
 * connected have none), of the wrong type, or off-enum. This module never throws. A value it
 * cannot use is left out and listed in `issues` with its raw text; an enum value outside the
 * choices is kept raw with `valid: false` (and listed in `issues`). Keys it does not know are
 * kept in `extra`.
 *
 * The fields are those of the recruiting integration guide: the custom analysis fields of its §2,
 * the extra ones its webhook handler reads (availability_preference, questions_asked,
 * rejection_reason, additional_notes) and the built-ins of `call_analysis` its schema stores
 * (call_summary, user_sentiment, call_successful, in_voicemail). Output names are camelCase.
 *
 * Decisions:
 * - Missing: a key absent, null, or blank text. Text, number and boolean fields also treat
 *   placeholder words ("N/A", "none", "null", "unknown", "not specified", "-") as missing; an enum
 *   field does not (a placeholder is not one of the choices, so it is kept raw and flagged).
 * - Enum matching ignores case, surrounding whitespace and quotes, a trailing full stop, and
 *   treats `_`/`-` as spaces ("interview_scheduled" → "Interview Scheduled").
 * - Booleans: true/false, "true"/"false", "yes"/"no", "y"/"n", "1"/"0", 1/0, any case.
 * - Numbers: finite non-negative numbers, or text holding one number: "5", "5 years", "5+ years",
 *   "about 5", "$85,000", "85k", "$120,000 per year", "120000 USD". Not read (flagged): ranges
 *   ("5-7 years", "$100k-$120k"), other units ("$50/hour"), negatives, decimal commas ("1,5"),
 *   years of experience over 80.
 * - Lists (skills, questions): an array, a JSON array in text, or text. Skills text is split on
 *   commas, semicolons and line breaks (never on "and": "Research and Development" is one skill);
 *   questions text on line breaks and after each "?". Items are trimmed, leading bullets dropped,
 *   empties and placeholders dropped, and case-insensitive duplicates dropped (first spelling
 *   kept). A list is `[]` when missing.
 * - Text fields: trimmed strings; a number or boolean becomes its text; an array of texts is
 *   joined with ", " (unavailable_dates: ["Oct 15", "Oct 16"]); an object is flagged.
 * - Keys match exactly, or failing that ignoring case and punctuation ("scheduledDate",
 *   "Scheduled Date"); when both spellings are present the exact one wins and the other is extra.
 * - `custom_analysis_data` given as a JSON object in a string is read; any other non-object is an
 *   issue (`not_object`) and yields an empty analysis. null / undefined yields an empty analysis
 *   with no issue.
 */

export const INTEREST_LEVELS = ['High', 'Medium', 'Low', 'Not Interested'] as const;
export type InterestLevel = (typeof INTEREST_LEVELS)[number];

export const SCREENING_OUTCOMES = ['Interview Scheduled', 'Callback Requested', 'Not Interested', 'Voicemail Left'] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

/** Retell's built-in `user_sentiment` choices (docs/retell.md#analysis). */
export const USER_SENTIMENTS = ['Positive', 'Neutral', 'Negative', 'Unknown'] as const;
export type UserSentiment = (typeof USER_SENTIMENTS)[number];

/** An enum field as read: `value` is the matched choice, or null when `raw` is outside the choices. */
export interface EnumValue<T extends string> {
  value: T | null;
  raw: string;
  valid: boolean;
}

type FieldKind = 'boolean' | 'text' | 'number' | 'list' | 'interest' | 'outcome' | 'sentiment';

/** Every custom analysis field of the guide: its name in Retell, its name here, and its kind. */
export const SCREENING_FIELDS = {
  interview_scheduled: ['interviewScheduled', 'boolean'],
  scheduled_date: ['scheduledDate', 'text'],
  scheduled_time: ['scheduledTime', 'text'],
  scheduled_timezone: ['scheduledTimezone', 'text'],
  scheduled_datetime_iso: ['scheduledDatetimeIso', 'text'],
  candidate_timezone: ['candidateTimezone', 'text'],
  availability_preference: ['availabilityPreference', 'text'],
  unavailable_dates: ['unavailableDates', 'text'],
  is_qualified_candidate: ['isQualifiedCandidate', 'boolean'],
  candidate_interest_level: ['candidateInterestLevel', 'interest'],
  years_of_experience: ['yearsOfExperience', 'number'],
  salary_expectation: ['salaryExpectation', 'number'],
  technical_skills_mentioned: ['technicalSkillsMentioned', 'list'],
  questions_asked: ['questionsAsked', 'list'],
  outcome: ['outcome', 'outcome'],
  rejection_reason: ['rejectionReason', 'text'],
  additional_notes: ['additionalNotes', 'text'],
} as const satisfies Record<string, readonly [string, FieldKind]>;
export type ScreeningFieldName = keyof typeof SCREENING_FIELDS;

/** The built-in `call_analysis` fields the guide stores beside the custom ones. */
export const CALL_ANALYSIS_FIELDS = {
  call_summary: ['callSummary', 'text'],
  user_sentiment: ['userSentiment', 'sentiment'],
  call_successful: ['callSuccessful', 'boolean'],
  in_voicemail: ['inVoicemail', 'boolean'],
} as const satisfies Record<string, readonly [string, FieldKind]>;
export type CallAnalysisFieldName = keyof typeof CALL_ANALYSIS_FIELDS;

export interface ScreeningCallAnalysis {
  call_summary?: unknown;
  user_sentiment?: unknown;
  call_successful?: unknown;
  in_voicemail?: unknown;
  [key: string]: unknown;
}

export type ScreeningIssueProblem = 'not_object' | 'unreadable' | 'off_enum' | 'not_boolean' | 'not_number' | 'out_of_range' | 'not_text' | 'not_list';

export interface ScreeningIssue {
  /** The Retell field name (`custom_analysis_data` / `call_analysis` for the whole object). */
  field: string;
  problem: ScreeningIssueProblem;
  raw: string;
}

export interface ScreeningAnalysis {
  // Interview scheduling
  interviewScheduled?: boolean;
  scheduledDate?: string;
  scheduledTime?: string;
  scheduledTimezone?: string;
  scheduledDatetimeIso?: string;
  candidateTimezone?: string;
  availabilityPreference?: string;
  unavailableDates?: string;
  // Screening data
  isQualifiedCandidate?: boolean;
  candidateInterestLevel?: EnumValue<InterestLevel>;
  yearsOfExperience?: number;
  salaryExpectation?: number;
  technicalSkillsMentioned: string[];
  questionsAsked: string[];
  outcome?: EnumValue<ScreeningOutcome>;
  rejectionReason?: string;
  additionalNotes?: string;
  // Retell's built-in analysis
  callSummary?: string;
  userSentiment?: EnumValue<UserSentiment>;
  callSuccessful?: boolean;
  inVoicemail?: boolean;
  /** Keys of custom_analysis_data this module does not know, as given. */
  extra: Record<string, unknown>;
  issues: ScreeningIssue[];
}

// ---------------------------------------------------------------------------------------------

const PLACEHOLDERS = new Set([
  'n/a',
  'na',
  'none',
  'null',
  'nil',
  'undefined',
  'unknown',
  'not specified',
  'not provided',
  'not mentioned',
  'not applicable',
  '-',
  '--',
  '—',
]);

function isPlaceholder(s: string): boolean {
  return PLACEHOLDERS.has(s.trim().toLowerCase());
}

/** The value as text, for `raw`. Never throws. */
export function rawText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    /* circular, hostile toJSON… */
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

type Read<T> = { ok: true; value: T } | { ok: false; missing: true } | { ok: false; missing: false; problem: ScreeningIssueProblem };
const MISSING = { ok: false, missing: true } as const;
const bad = (problem: ScreeningIssueProblem): Read<never> => ({ ok: false, missing: false, problem });

function enumKey(s: string): string {
  return s
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/\.$/, '')
    .replace(/[_-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function readEnum<T extends string>(value: unknown, choices: readonly T[]): Read<EnumValue<T>> {
  if (value === null || value === undefined) return MISSING;
  const raw = rawText(value);
  if (typeof value === 'string' && !value.trim()) return MISSING;
  const key = typeof value === 'string' ? enumKey(value) : undefined;
  const match = key === undefined ? undefined : choices.find((c) => c.toLowerCase() === key);
  return { ok: true, value: match ? { value: match, raw, valid: true } : { value: null, raw, valid: false } };
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);

function readBoolean(value: unknown): Read<boolean> {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'number') return value === 1 ? { ok: true, value: true } : value === 0 ? { ok: true, value: false } : bad('not_boolean');
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (!s || isPlaceholder(s)) return MISSING;
    if (TRUE_WORDS.has(s)) return { ok: true, value: true };
    if (FALSE_WORDS.has(s)) return { ok: true, value: false };
  }
  return bad('not_boolean');
}

const YEARS_UNIT = /^(?:years?|yrs?|y)?(?: (?:of )?(?:relevant |professional |work )?experience)?$/;
const SALARY_UNIT = /^(?:usd|us dollars|dollars)?(?: ?(?:(?:per|a|\/) ?(?:year|yr|annum)|annually|yearly|annual))?$/;

function readNumber(value: unknown, kind: 'years' | 'salary'): Read<number> {
  if (value === null || value === undefined) return MISSING;
  let n: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return bad('not_number');
    n = value;
  } else if (typeof value === 'string') {
    const s = value.toLowerCase().replace(/\s+/g, ' ').trim();
    if (!s || isPlaceholder(s)) return MISSING;
    const m = /^(?:(?:about|around|approximately|approx\.?|roughly|~) ?)?([-+])?\s*([$€£])?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(k\b)?\s*(\+)?\s*(.*)$/.exec(
      s,
    );
    if (!m) return bad('not_number');
    const [, sign, , int, frac, k, , rest] = m;
    const unit = rest.replace(/\.$/, '').trim();
    if (/\d/.test(unit)) return bad('not_number');
    if (!(kind === 'years' ? YEARS_UNIT : SALARY_UNIT).test(unit)) return bad('not_number');
    if (k && kind === 'years') return bad('not_number');
    n = Number(int.replace(/,/g, '') + (frac ?? '')) * (k ? 1000 : 1);
    if (sign === '-') n = -n;
    if (!Number.isFinite(n)) return bad('not_number');
  } else {
    return bad('not_number');
  }
  if (n < 0 || (kind === 'years' && n > 80)) return bad('out_of_range');
  return { ok: true, value: n };
}

function readText(value: unknown): Read<string> {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'string') {
    const s = value.trim();
    return !s || isPlaceholder(s) ? MISSING : { ok: true, value: s };
  }
  if (typeof value === 'number' || typeof value === 'boolean') return Number.isNaN(value) ? bad('not_text') : { ok: true, value: String(value) };
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value) {
      const r = readText(item);
      if (r.ok) parts.push(r.value);
      else if (!r.missing) return bad('not_text');
    }
    return parts.length ? { ok: true, value: parts.join(', ') } : MISSING;
  }
  return bad('not_text');
}

function splitSkills(s: string): string[] {
  return s.split(/[,;\n\r]+/);
}

function splitQuestions(s: string): string[] {
  return s.split(/[\n\r]+|(?<=\?)\s+/);
}

function cleanItem(s: string): string {
  return s
    .trim()
    .replace(/^(?:[-*•·]|\d+[.)])\s+/, '')
    .replace(/^["'`]+|["'`]+$/g, '')
    .trim();
}

function readList(value: unknown, split: (s: string) => string[]): Read<string[]> & { dropped?: number } {
  if (value === null || value === undefined) return MISSING;
  let items: unknown[];
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(t);
        if (Array.isArray(parsed)) return readList(parsed, split);
      } catch {
        /* not JSON: plain text */
      }
    }
    items = split(value);
  } else if (Array.isArray(value)) {
    items = value.flatMap((v) => (typeof v === 'string' ? split(v) : [v]));
  } else if (typeof value === 'number') {
    items = [String(value)];
  } else {
    return bad('not_list');
  }
  const out: string[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const item of items) {
    const text = typeof item === 'string' ? item : typeof item === 'number' && Number.isFinite(item) ? String(item) : undefined;
    if (text === undefined) {
      if (item !== null && item !== undefined) dropped++;
      continue;
    }
    const clean = cleanItem(text);
    if (!clean || isPlaceholder(clean)) continue;
    const key = clean.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(clean);
  }
  return { ok: true, value: out, ...(dropped ? { dropped } : {}) };
}

function read(kind: FieldKind, field: string, value: unknown): Read<unknown> & { dropped?: number } {
  switch (kind) {
    case 'boolean':
      return readBoolean(value);
    case 'text':
      return readText(value);
    case 'number':
      return readNumber(value, field === 'years_of_experience' ? 'years' : 'salary');
    case 'list':
      return readList(value, field === 'questions_asked' ? splitQuestions : splitSkills);
    case 'interest':
      return readEnum(value, INTEREST_LEVELS);
    case 'outcome':
      return readEnum(value, SCREENING_OUTCOMES);
    case 'sentiment':
      return readEnum(value, USER_SENTIMENTS);
  }
}

const keyOf = (k: string) => k.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The entries of a plain object, or undefined for anything else. Never throws. */
function entriesOf(value: unknown): Array<[string, unknown, boolean]> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return undefined;
  }
  return keys.map((k): [string, unknown, boolean] => {
    try {
      return [k, (value as Record<string, unknown>)[k], true];
    } catch {
      return [k, undefined, false];
    }
  });
}

function objectFrom(value: unknown): { entries?: Array<[string, unknown, boolean]>; notObject: boolean } {
  if (value === null || value === undefined) return { notObject: false };
  if (typeof value === 'string' && value.trim().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(value);
      const entries = entriesOf(parsed);
      if (entries) return { entries, notObject: false };
    } catch {
      /* not JSON */
    }
  }
  const entries = entriesOf(value);
  return entries ? { entries, notObject: false } : { notObject: true };
}

function readFields(
  container: string,
  source: unknown,
  fields: Record<string, readonly [string, FieldKind]>,
  into: Record<string, unknown>,
  issues: ScreeningIssue[],
  extra: Map<string, unknown> | undefined,
): void {
  const { entries, notObject } = objectFrom(source);
  if (notObject) {
    issues.push({ field: container, problem: 'not_object', raw: rawText(source) });
    return;
  }
  if (!entries) return;
  const exact = new Set(entries.map(([k]) => k));
  const byLooseKey = new Map(Object.keys(fields).map((f) => [keyOf(f), f]));
  for (const [key, value, readable] of entries) {
    let field: string | undefined = Object.prototype.hasOwnProperty.call(fields, key) ? key : undefined;
    if (!field) {
      const loose = byLooseKey.get(keyOf(key));
      if (loose && !exact.has(loose)) field = loose;
    }
    if (!field) {
      if (extra && readable) extra.set(key, value);
      continue;
    }
    if (!readable) {
      issues.push({ field, problem: 'unreadable', raw: '' });
      continue;
    }
    const [name, kind] = fields[field];
    const r = read(kind, field, value);
    if (r.ok) {
      into[name] = r.value;
      if (r.value && typeof r.value === 'object' && 'valid' in r.value && !(r.value as EnumValue<string>).valid) {
        issues.push({ field, problem: 'off_enum', raw: (r.value as EnumValue<string>).raw });
      }
      if (r.dropped) issues.push({ field, problem: 'not_text', raw: rawText(value) });
    } else if (!r.missing) {
      issues.push({ field, problem: r.problem, raw: rawText(value) });
    }
  }
}

/**
 * Reads `call_analysis.custom_analysis_data` (and optionally the built-in fields of
 * `call_analysis`) into a ScreeningAnalysis. Never throws.
 */
export function parseScreeningAnalysis(customAnalysisData: unknown, callAnalysis?: ScreeningCallAnalysis | null): ScreeningAnalysis {
  const out: Record<string, unknown> = {};
  const issues: ScreeningIssue[] = [];
  const extra = new Map<string, unknown>();
  try {
    readFields('custom_analysis_data', customAnalysisData, SCREENING_FIELDS, out, issues, extra);
  } catch {
    issues.push({ field: 'custom_analysis_data', problem: 'unreadable', raw: '' });
  }
  try {
    readFields('call_analysis', callAnalysis, CALL_ANALYSIS_FIELDS, out, issues, undefined);
  } catch {
    issues.push({ field: 'call_analysis', problem: 'unreadable', raw: '' });
  }
  return {
    ...(out as Partial<ScreeningAnalysis>),
    technicalSkillsMentioned: (out.technicalSkillsMentioned as string[] | undefined) ?? [],
    questionsAsked: (out.questionsAsked as string[] | undefined) ?? [],
    // fromEntries defines own properties, so a "__proto__" key stays data.
    extra: Object.fromEntries(extra),
    issues,
  };
}

/** The same from a whole `call.call_analysis` object. Never throws. */
export function parseCallAnalysis(callAnalysis: unknown): ScreeningAnalysis {
  let custom: unknown;
  try {
    custom = callAnalysis && typeof callAnalysis === 'object' ? (callAnalysis as Record<string, unknown>).custom_analysis_data : undefined;
  } catch {
    custom = undefined;
  }
  return parseScreeningAnalysis(custom, callAnalysis as ScreeningCallAnalysis | null);
}

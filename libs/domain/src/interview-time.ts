import { DateTime, IANAZone } from 'luxon';

/**
 * The instant of an interview (or callback) from what Retell's post-call analysis extracted:
 * `scheduled_datetime_iso`, `scheduled_date`, `scheduled_time`, `scheduled_timezone`, plus the
 * candidate's and the tenant's zones. Pure; never throws; never guesses: whatever cannot be
 * pinned to one instant comes back as `needs_review` with a reason.
 *
 * Order of rules:
 * 1. `scheduled_datetime_iso` with an offset (`Z`, `-04:00`) is the instant. Its zone is the first
 *    of the spoken zone, the candidate's zone and the tenant's zone whose offset at that instant
 *    equals the ISO offset; if none does, a fixed-offset zone named `UTC-04:00` (or `UTC` for +00:00),
 *    which luxon reads but which is not an IANA name. An RFC 9557 suffix (`…-04:00[America/New_York]`)
 *    is tried first. Disagreements with the other fields are kept as `warnings`, not errors.
 * 2. Otherwise the wall time from `scheduled_date` + `scheduled_time` (an ISO string without an
 *    offset supplies whichever of the two is missing and must agree with any that is present),
 *    in the first zone given of: the zone spoken with the time ("3:00 PM ET"), `scheduled_timezone`
 *    (these two must agree), the candidate's zone, the tenant's zone. A zone that is given but
 *    cannot be read is `needs_review` rather than a reason to fall through to the next one.
 *    DST comes from the zone's rules at that date (luxon/ICU), so "3:00 PM ET" is -04:00 in
 *    October and -05:00 in January.
 *
 * Decisions:
 * - Abbreviations name a region's clock, not a fixed offset: EST, PST, GMT, CET… resolve to
 *   America/New_York, America/Los_Angeles, Europe/London, Europe/Berlin, DST-correct ("3 PM EST"
 *   in October is 15:00 -04:00, which is what speakers mean). When the season of the abbreviation
 *   disagrees with the date a `zone_season_mismatch` warning is added. "Central" is US Central,
 *   "CST" is US Central, "IST" is India, "MST" is US Mountain (Denver; say "Arizona" for Phoenix).
 * - Numeric dates are US order, month first, with `/` or `-` ("10/08/2025" is 8 October); a first
 *   number over 12 is not silently flipped, and dotted dates ("08.10.2025") and two-digit years
 *   are not read. Dates without a year and relative words ("Monday", "tomorrow") are not read.
 * - "3:00" (one-digit hour, no AM/PM) is ambiguous; "09:00" and "15:00" are 24-hour times; a bare
 *   hour ("3") is ambiguous; "noon" is 12:00; "midnight" is ambiguous (which day?).
 * - A local time that does not exist (spring-forward gap) and one that happens twice (fall-back
 *   overlap) are both `needs_review`: picking either offset would be a guess.
 * - A valid IANA name is kept as spelled (only its case is repaired): "US/Eastern" stays
 *   "US/Eastern", "Asia/Kolkata" is not turned into ICU's "Asia/Calcutta".
 */

export interface InterviewTimeInput {
  scheduledDatetimeIso?: string | null;
  scheduledDate?: string | null;
  scheduledTime?: string | null;
  /** The zone the candidate and agent spoke of (`scheduled_timezone`), e.g. "Eastern Time (ET)". */
  spokenZone?: string | null;
  /** The candidate's zone: an IANA name or spoken words. */
  candidateZone?: string | null;
  /** The tenant's zone, normally an IANA name. */
  tenantZone?: string | null;
}

/** The input words exactly as given (strings only; absent keys omitted). */
export type InterviewTimeRaw = { [K in keyof InterviewTimeInput]?: string };

export type InterviewTimeSource = 'iso' | 'spoken_zone' | 'candidate_zone' | 'tenant_zone';
export type InterviewZoneOrigin = 'iso_zone' | 'spoken_zone' | 'candidate_zone' | 'tenant_zone' | 'iso_offset';

export type InterviewTimeWarning =
  | 'iso_unreadable'
  | 'iso_without_offset'
  | 'iso_offset_differs_from_spoken_zone'
  | 'iso_differs_from_date'
  | 'iso_differs_from_time'
  | 'unknown_spoken_zone'
  | 'zone_season_mismatch';

export type InterviewTimeReviewReason =
  | 'nothing_given'
  | 'unexpected_input'
  | 'iso_unreadable'
  | 'iso_conflicts_with_date_time'
  | 'missing_date'
  | 'missing_time'
  | 'relative_date'
  | 'date_without_year'
  | 'unreadable_date'
  | 'invalid_date'
  | 'weekday_mismatch'
  | 'unreadable_time'
  | 'ambiguous_time'
  | 'unknown_zone'
  | 'conflicting_zones'
  | 'no_zone'
  | 'nonexistent_local_time'
  | 'ambiguous_local_time';

export interface ResolvedInterviewTime {
  status: 'resolved';
  /** The UTC instant. */
  instant: Date;
  /** IANA name, or a fixed offset `UTC±HH:MM` when only an ISO offset is known (see rule 1). */
  zone: string;
  /** What fixed the instant: the ISO string, or the wall time read in that zone. */
  source: InterviewTimeSource;
  /** Where `zone` came from (equal to `source` unless source is `iso`). */
  zoneFrom: InterviewZoneOrigin;
  /** The wall time in `zone`, e.g. 2025-10-08T15:00:00-04:00. */
  localIso: string;
  warnings: InterviewTimeWarning[];
  raw: InterviewTimeRaw;
}

export interface InterviewTimeNeedsReview {
  status: 'needs_review';
  reason: InterviewTimeReviewReason;
  /** Which input the reason is about, when it is about one. */
  field?: keyof InterviewTimeInput;
  warnings: InterviewTimeWarning[];
  raw: InterviewTimeRaw;
}

export type InterviewTime = ResolvedInterviewTime | InterviewTimeNeedsReview;

// ---------------------------------------------------------------------------------------------
// Zones

export type ZoneSeason = 'standard' | 'daylight';
export type SpokenZone = { ok: true; zone: string; fixedOffset: boolean; season?: ZoneSeason } | { ok: false; reason: 'unknown_zone' | 'conflicting_zones' };

type ZoneEntry = [iana: string, words: string[], standard?: string[], daylight?: string[]];
const ZONE_WORDS: ZoneEntry[] = [
  ['America/New_York', ['eastern', 'us eastern', 'eastern us', 'et', 'new york'], ['est', 'eastern standard'], ['edt', 'eastern daylight']],
  ['America/Chicago', ['central', 'us central', 'central us', 'ct', 'chicago'], ['cst', 'central standard'], ['cdt', 'central daylight']],
  ['America/Denver', ['mountain', 'us mountain', 'mountain us', 'mt', 'denver'], ['mst', 'mountain standard'], ['mdt', 'mountain daylight']],
  ['America/Phoenix', ['arizona', 'phoenix']],
  ['America/Los_Angeles', ['pacific', 'us pacific', 'pacific us', 'pt', 'los angeles'], ['pst', 'pacific standard'], ['pdt', 'pacific daylight']],
  ['America/Anchorage', ['alaska', 'alaskan', 'akt', 'anchorage'], ['akst', 'alaska standard'], ['akdt', 'alaska daylight']],
  ['Pacific/Honolulu', ['hawaii', 'hawaiian', 'hawaii-aleutian', 'hawaii aleutian', 'hst', 'hawaii standard', 'hawaii-aleutian standard', 'honolulu']],
  ['Europe/London', ['uk', 'united kingdom', 'british', 'britain', 'england', 'london', 'greenwich'], ['gmt', 'greenwich mean'], ['bst', 'british summer']],
  [
    'Europe/Berlin',
    ['central european', 'central europe', 'europe central'],
    ['cet', 'central european standard'],
    ['cest', 'central european summer', 'central european daylight'],
  ],
  ['Asia/Kolkata', ['ist', 'india', 'indian', 'india standard', 'indian standard']],
  [
    'Australia/Sydney',
    ['aet', 'australian eastern', 'eastern australia', 'eastern australian', 'sydney'],
    ['aest', 'australian eastern standard'],
    ['aedt', 'australian eastern daylight'],
  ],
  ['Asia/Tokyo', ['jst', 'japan', 'japan standard', 'tokyo']],
  ['UTC', ['utc', 'z', 'zulu', 'coordinated universal', 'universal']],
];

const ZONE_TABLE = new Map<string, { zone: string; season?: ZoneSeason }>();
for (const [zone, words, standard = [], daylight = []] of ZONE_WORDS) {
  for (const w of words) ZONE_TABLE.set(w, { zone });
  for (const w of standard) ZONE_TABLE.set(w, { zone, season: 'standard' });
  for (const w of daylight) ZONE_TABLE.set(w, { zone, season: 'daylight' });
}

/** Every word the zone table knows, with its IANA zone (for docs and tests). */
export const SPOKEN_ZONE_WORDS: ReadonlyMap<string, string> = new Map([...ZONE_TABLE].map(([w, e]) => [w, e.zone]));

const DASHES = /[\u2212\u2013\u2014]/g;

function zoneKey(text: string): string {
  let k = text.toLowerCase().replace(DASHES, '-').replace(/\./g, '').replace(/\s+/g, ' ').trim();
  k = k.replace(/^the /, '');
  k = k.replace(/ ?(time ?zone|time|zone)$/, '').trim();
  return k;
}

function fixedZoneName(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function ianaName(text: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text) || !IANAZone.isValidZone(text)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
    // Keep the caller's spelling (ICU maps Asia/Kolkata to Asia/Calcutta); only repair its case.
    return resolved.toLowerCase() === text.toLowerCase() ? resolved : text;
  } catch {
    return undefined;
  }
}

function parseZonePart(text: string): SpokenZone {
  const t = text.trim().replace(DASHES, '-');
  if (!t) return { ok: false, reason: 'unknown_zone' };
  const offset = /^(?:utc|gmt|z)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i.exec(t);
  if (offset) {
    const h = Number(offset[2]);
    const m = Number(offset[3] ?? 0);
    if (h > 14 || m > 59) return { ok: false, reason: 'unknown_zone' };
    const minutes = (offset[1] === '-' ? -1 : 1) * (h * 60 + m);
    return { ok: true, zone: fixedZoneName(minutes), fixedOffset: minutes !== 0 };
  }
  const hit = ZONE_TABLE.get(zoneKey(t)) ?? ZONE_TABLE.get(zoneKey(t).replace(/^us /, ''));
  if (hit) return { ok: true, zone: hit.zone, fixedOffset: false, ...(hit.season ? { season: hit.season } : {}) };
  const iana = ianaName(t);
  if (iana) return { ok: true, zone: iana, fixedOffset: false };
  if (t.includes('/')) {
    // "EST/EDT", "PT / PDT": every part must name the same zone.
    const parts = t.split('/').map((p) => p.trim());
    if (parts.length > 1 && parts.every(Boolean) && !parts.some((p) => p.includes('/'))) {
      const read = parts.map(parseZonePart);
      const first = read[0];
      if (first.ok && read.every((r) => r.ok && r.zone === first.zone && !r.fixedOffset)) return { ok: true, zone: first.zone, fixedOffset: false };
    }
  }
  return { ok: false, reason: 'unknown_zone' };
}

/**
 * Reads a spoken or written zone: table words ("Eastern Time", "ET", "EST", "Pacific", "UK", "CET",
 * "IST", "AEST", "JST", "UTC"…), offsets ("UTC-4", "GMT+5:30", "-04:00"), IANA names, and the
 * "Eastern Time (ET)" style (every readable part must agree, except that "Arizona" refines
 * "Mountain"; an unreadable part such as "(US & Canada)" is ignored).
 */
export function parseSpokenZone(text: string | null | undefined): SpokenZone {
  if (typeof text !== 'string' || !text.trim()) return { ok: false, reason: 'unknown_zone' };
  const parts: string[] = [];
  let rest = text.replace(/\(([^()]*)\)/g, (_m, inner: string) => {
    parts.push(inner);
    return ' ';
  });
  rest = rest.replace(/\s+/g, ' ').trim();
  if (/[()]/.test(rest)) return { ok: false, reason: 'unknown_zone' };
  if (parts.length === 0) return parseZonePart(rest);
  if (rest) parts.unshift(rest);
  const read = parts.map(parseZonePart).filter((p): p is Extract<SpokenZone, { ok: true }> => p.ok);
  if (read.length === 0) return { ok: false, reason: 'unknown_zone' };
  let zones = new Set(read.map((r) => r.zone));
  if (zones.size === 2 && zones.has('America/Denver') && zones.has('America/Phoenix')) zones = new Set(['America/Phoenix']);
  if (zones.size > 1) return { ok: false, reason: 'conflicting_zones' };
  const zone = [...zones][0];
  const seasons = new Set(read.filter((r) => r.zone === zone && r.season).map((r) => r.season as ZoneSeason));
  const chosen = read.find((r) => r.zone === zone) as Extract<SpokenZone, { ok: true }>;
  return { ok: true, zone, fixedOffset: chosen.fixedOffset, ...(seasons.size === 1 ? { season: [...seasons][0] } : {}) };
}

function offsetAt(zone: string, ms: number): number {
  return DateTime.fromMillis(ms, { zone }).offset;
}

// ---------------------------------------------------------------------------------------------
// Dates

export type InterviewDate =
  | { ok: true; year: number; month: number; day: number }
  | { ok: false; reason: 'relative_date' | 'date_without_year' | 'unreadable_date' | 'invalid_date' | 'weekday_mismatch' };

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
const RELATIVE =
  /\b(today|tonight|tomorrow|tmrw|yesterday|next|this|coming|week|weekend|fortnight|later|soon|asap|mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday)\b/;

function checkedDate(year: number, month: number, day: number, weekday?: number): InterviewDate {
  if (year < 1900 || year > 2999) return { ok: false, reason: 'invalid_date' };
  const d = DateTime.utc(year, month, day);
  if (!d.isValid || d.month !== month || d.day !== day) return { ok: false, reason: 'invalid_date' };
  if (weekday !== undefined && d.weekday !== weekday) return { ok: false, reason: 'weekday_mismatch' };
  return { ok: true, year, month, day };
}

/** Reads "2025-10-08", "2025/10/08", "10/08/2025" (US order), "October 8, 2025", "Wed, Oct 8th 2025", "8 October 2025". */
export function parseInterviewDate(text: string | null | undefined): InterviewDate {
  if (typeof text !== 'string') return { ok: false, reason: 'unreadable_date' };
  const s = text.toLowerCase().replace(/\s+/g, ' ').trim();
  if (!s) return { ok: false, reason: 'unreadable_date' };
  // A leading weekday ("Wednesday, October 8, 2025", "Wed 2025-10-08") must match the date.
  let weekday: number | undefined;
  let body = s;
  const wd = /^([a-z]+)\.?,? (.*\d.*)$/.exec(s);
  if (wd && WEEKDAYS[wd[1]] !== undefined) {
    weekday = WEEKDAYS[wd[1]];
    body = wd[2].trim();
  }
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(body);
  if (m) return checkedDate(Number(m[1]), Number(m[2]), Number(m[3]), weekday);
  m = /^(\d{1,2})([/-])(\d{1,2})\2(\d{4})$/.exec(body);
  if (m) return checkedDate(Number(m[4]), Number(m[1]), Number(m[3]), weekday);

  const words = body.replace(/[,.]/g, ' ').replace(/\s+/g, ' ').trim();
  const ord = '(\\d{1,2})(?:st|nd|rd|th)?';
  m = new RegExp(`^([a-z]+) (?:the )?${ord} (\\d{4})$`).exec(words);
  if (m && MONTHS[m[1]]) return checkedDate(Number(m[3]), MONTHS[m[1]], Number(m[2]), weekday);
  m = new RegExp(`^(?:the )?${ord} (?:of )?([a-z]+) (\\d{4})$`).exec(words);
  if (m && MONTHS[m[2]]) return checkedDate(Number(m[3]), MONTHS[m[2]], Number(m[1]), weekday);
  m = new RegExp(`^([a-z]+) (?:the )?${ord}$`).exec(words) ?? new RegExp(`^(?:the )?${ord} (?:of )?([a-z]+)$`).exec(words);
  if (m && (MONTHS[m[1]] || MONTHS[m[2]])) return { ok: false, reason: 'date_without_year' };
  if (/^\d{1,2}[/-]\d{1,2}$/.test(s)) return { ok: false, reason: 'date_without_year' };
  if (RELATIVE.test(s)) return { ok: false, reason: 'relative_date' };
  return { ok: false, reason: 'unreadable_date' };
}

// ---------------------------------------------------------------------------------------------
// Times

export type InterviewClock =
  | { ok: true; hour: number; minute: number; second: number; zoneWords?: string; zone?: SpokenZone }
  | { ok: false; reason: 'unreadable_time' | 'ambiguous_time' };

const VAGUE_TIME = /\b(morning|afternoon|evening|night|tonight|midnight|anytime|any time|asap|later|soon|early|late|ish|o'?clock|around|about)\b/;

function withZone(hour: number, minute: number, second: number, rest: string): InterviewClock {
  const words = rest.trim();
  if (!words) return { ok: true, hour, minute, second };
  const zone = parseSpokenZone(words);
  if (!zone.ok && zone.reason === 'unknown_zone') return { ok: false, reason: VAGUE_TIME.test(words.toLowerCase()) ? 'ambiguous_time' : 'unreadable_time' };
  return { ok: true, hour, minute, second, zoneWords: words, zone };
}

/**
 * Reads "3:00 PM", "3pm", "3 p.m.", "3.30pm", "15:00", "09:00", "15:00:00", "noon", "12 noon",
 * optionally followed by a zone ("3:00 PM ET", "15:00 (CET)").
 */
export function parseInterviewTime(text: string | null | undefined): InterviewClock {
  if (typeof text !== 'string') return { ok: false, reason: 'unreadable_time' };
  const s = text.replace(/\s+/g, ' ').trim();
  if (!s) return { ok: false, reason: 'unreadable_time' };
  const noon = /^(?:12(?::00)?\s*)?noon\b(.*)$/i.exec(s);
  if (noon) return withZone(12, 0, 0, noon[1]);
  const m = /^(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?\s*(?:([ap])\.?\s?m\.?)?(?=[\s(]|$)(.*)$/i.exec(s);
  if (!m) return { ok: false, reason: VAGUE_TIME.test(s.toLowerCase()) ? 'ambiguous_time' : 'unreadable_time' };
  const [, hh, mm, ss, ampm, rest] = m;
  let hour = Number(hh);
  const minute = mm === undefined ? 0 : Number(mm);
  const second = ss === undefined ? 0 : Number(ss);
  if (minute > 59 || second > 59) return { ok: false, reason: 'unreadable_time' };
  if (ampm) {
    if (hour < 1 || hour > 12) return { ok: false, reason: 'unreadable_time' };
    hour = (hour % 12) + (ampm.toLowerCase() === 'p' ? 12 : 0);
  } else {
    if (mm === undefined) return { ok: false, reason: 'ambiguous_time' };
    if (hour > 23) return { ok: false, reason: 'unreadable_time' };
    if (hh.length === 1 && hour >= 1) return { ok: false, reason: 'ambiguous_time' };
  }
  return withZone(hour, minute, second, rest);
}

// ---------------------------------------------------------------------------------------------
// ISO strings

type IsoRead =
  | { kind: 'instant'; ms: number; offset: number; local: Wall; bracketZone?: string }
  | { kind: 'local'; date: { year: number; month: number; day: number }; time?: { hour: number; minute: number; second: number } }
  | { kind: 'bad' };
interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function readIso(text: string): IsoRead {
  let s = text.trim();
  let bracketZone: string | undefined;
  const br = /^(.*)\[([^\]]+)\]$/.exec(s);
  if (br) {
    s = br[1].trim();
    bracketZone = br[2].replace(/^!/, '');
  }
  s = s.replace(/^(\d{4}-\d{2}-\d{2})[ t]/i, '$1T');
  const hasTime = /T/i.test(s);
  const hasOffset = hasTime && /(?:z|[+-]\d{2}(?::?\d{2})?)$/i.test(s.slice(s.search(/T/i)));
  const dt = DateTime.fromISO(s, { zone: 'utc', setZone: true });
  if (!dt.isValid) return { kind: 'bad' };
  const wall = { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute, second: dt.second };
  if (hasOffset) return { kind: 'instant', ms: dt.toMillis(), offset: dt.offset, local: wall, ...(bracketZone ? { bracketZone } : {}) };
  return {
    kind: 'local',
    date: { year: wall.year, month: wall.month, day: wall.day },
    ...(hasTime ? { time: { hour: wall.hour, minute: wall.minute, second: wall.second } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Resolution

const INPUT_KEYS: Array<keyof InterviewTimeInput> = ['scheduledDatetimeIso', 'scheduledDate', 'scheduledTime', 'spokenZone', 'candidateZone', 'tenantZone'];

function rawOf(input: unknown): InterviewTimeRaw {
  const raw: InterviewTimeRaw = {};
  if (!input || typeof input !== 'object') return raw;
  for (const k of INPUT_KEYS) {
    try {
      const v = (input as Record<string, unknown>)[k];
      if (typeof v === 'string') raw[k] = v;
    } catch {
      /* unreadable key: treated as absent */
    }
  }
  return raw;
}

function given(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() ? v.trim() : undefined;
}

/** The instants at which the wall time occurs in `zone`: none (a gap), one, or two (an overlap). */
export function instantsOfWallTime(wall: Wall, zone: string): number[] {
  const local = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const offsets = new Set([offsetAt(zone, local - 86_400_000), offsetAt(zone, local), offsetAt(zone, local + 86_400_000)]);
  const out = new Set<number>();
  for (const o of offsets) {
    const t = local - o * 60_000;
    if (offsetAt(zone, t) === o) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

function seasonMismatch(zone: SpokenZone | undefined, zoneName: string, ms: number): boolean {
  if (!zone?.ok || !zone.season || zone.zone !== zoneName) return false;
  const inDst = DateTime.fromMillis(ms, { zone: zoneName }).isInDST;
  return inDst !== (zone.season === 'daylight');
}

function localIsoOf(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
}

function review(
  reason: InterviewTimeReviewReason,
  raw: InterviewTimeRaw,
  warnings: InterviewTimeWarning[],
  field?: keyof InterviewTimeInput,
): InterviewTimeNeedsReview {
  return { status: 'needs_review', reason, ...(field ? { field } : {}), warnings, raw };
}

export function resolveInterviewTime(input: InterviewTimeInput): InterviewTime {
  const raw = rawOf(input);
  try {
    return resolve(raw);
  } catch {
    return review('unexpected_input', raw, []);
  }
}

function resolve(raw: InterviewTimeRaw): InterviewTime {
  const iso = given(raw.scheduledDatetimeIso);
  const dateText = given(raw.scheduledDate);
  const timeText = given(raw.scheduledTime);
  const spokenText = given(raw.spokenZone);
  const candidateText = given(raw.candidateZone);
  const tenantText = given(raw.tenantZone);
  const warnings: InterviewTimeWarning[] = [];

  const date = dateText !== undefined ? parseInterviewDate(dateText) : undefined;
  const clock = timeText !== undefined ? parseInterviewTime(timeText) : undefined;
  const clockZone = clock?.ok ? clock.zone : undefined;
  const spoken = spokenText !== undefined ? parseSpokenZone(spokenText) : undefined;

  let isoLocal: Extract<IsoRead, { kind: 'local' }> | undefined;
  if (iso !== undefined) {
    const read = readIso(iso);
    if (read.kind === 'instant') return fromIsoInstant(read, raw, { date, clock, spoken, clockZone, candidateText, tenantText });
    if (read.kind === 'local') {
      isoLocal = read;
      warnings.push('iso_without_offset');
    } else warnings.push('iso_unreadable');
  }

  if (dateText === undefined && timeText === undefined && !isoLocal) {
    return review(iso !== undefined ? 'iso_unreadable' : 'nothing_given', raw, warnings, iso !== undefined ? 'scheduledDatetimeIso' : undefined);
  }

  // The calendar day.
  let ymd: { year: number; month: number; day: number };
  if (date) {
    if (!date.ok) return review(date.reason, raw, warnings, 'scheduledDate');
    ymd = date;
    if (isoLocal && (isoLocal.date.year !== ymd.year || isoLocal.date.month !== ymd.month || isoLocal.date.day !== ymd.day)) {
      return review('iso_conflicts_with_date_time', raw, warnings, 'scheduledDatetimeIso');
    }
  } else if (isoLocal) ymd = isoLocal.date;
  else return review('missing_date', raw, warnings, 'scheduledDate');

  // The wall-clock time.
  let hms: { hour: number; minute: number; second: number };
  if (clock) {
    if (!clock.ok) return review(clock.reason, raw, warnings, 'scheduledTime');
    hms = clock;
    if (isoLocal?.time && (isoLocal.time.hour !== hms.hour || isoLocal.time.minute !== hms.minute || isoLocal.time.second !== hms.second)) {
      return review('iso_conflicts_with_date_time', raw, warnings, 'scheduledDatetimeIso');
    }
  } else if (isoLocal?.time) hms = isoLocal.time;
  else return review('missing_time', raw, warnings, 'scheduledTime');

  // The zone.
  let zone: Extract<SpokenZone, { ok: true }>;
  let source: InterviewTimeSource;
  if (clockZone || spoken) {
    if (clockZone && !clockZone.ok) return review(clockZone.reason, raw, warnings, 'scheduledTime');
    if (spoken && !spoken.ok) return review(spoken.reason, raw, warnings, 'spokenZone');
    const a = clockZone as Extract<SpokenZone, { ok: true }> | undefined;
    const b = spoken as Extract<SpokenZone, { ok: true }> | undefined;
    if (a && b && a.zone !== b.zone) return review('conflicting_zones', raw, warnings, 'spokenZone');
    zone = a && b ? { ...b, ...(a.season ? { season: a.season } : {}) } : ((a ?? b) as Extract<SpokenZone, { ok: true }>);
    source = 'spoken_zone';
  } else if (candidateText !== undefined) {
    const z = parseSpokenZone(candidateText);
    if (!z.ok) return review(z.reason, raw, warnings, 'candidateZone');
    zone = z;
    source = 'candidate_zone';
  } else if (tenantText !== undefined) {
    const z = parseSpokenZone(tenantText);
    if (!z.ok) return review(z.reason, raw, warnings, 'tenantZone');
    zone = z;
    source = 'tenant_zone';
  } else {
    return review('no_zone', raw, warnings);
  }

  const instants = instantsOfWallTime({ ...ymd, ...hms }, zone.zone);
  if (instants.length === 0) return review('nonexistent_local_time', raw, warnings, 'scheduledTime');
  if (instants.length > 1) return review('ambiguous_local_time', raw, warnings, 'scheduledTime');
  const ms = instants[0];
  if (seasonMismatch(zone, zone.zone, ms)) warnings.push('zone_season_mismatch');
  return { status: 'resolved', instant: new Date(ms), zone: zone.zone, source, zoneFrom: source, localIso: localIsoOf(ms, zone.zone), warnings, raw };
}

function fromIsoInstant(
  read: Extract<IsoRead, { kind: 'instant' }>,
  raw: InterviewTimeRaw,
  ctx: { date?: InterviewDate; clock?: InterviewClock; spoken?: SpokenZone; clockZone?: SpokenZone; candidateText?: string; tenantText?: string },
): ResolvedInterviewTime {
  const warnings: InterviewTimeWarning[] = [];
  const { ms, offset } = read;
  const spoken = ctx.spoken ?? ctx.clockZone;
  const options: Array<[InterviewZoneOrigin, SpokenZone | undefined]> = [
    ['iso_zone', read.bracketZone !== undefined ? parseSpokenZone(read.bracketZone) : undefined],
    ['spoken_zone', spoken],
    ['candidate_zone', ctx.candidateText !== undefined ? parseSpokenZone(ctx.candidateText) : undefined],
    ['tenant_zone', ctx.tenantText !== undefined ? parseSpokenZone(ctx.tenantText) : undefined],
  ];
  let chosen: { from: InterviewZoneOrigin; zone: Extract<SpokenZone, { ok: true }> } | undefined;
  for (const [from, z] of options) {
    if (!z?.ok) continue;
    if (offsetAt(z.zone, ms) === offset) {
      chosen = { from, zone: z };
      break;
    }
  }
  if (spoken && !spoken.ok) warnings.push('unknown_spoken_zone');
  else if (spoken?.ok && offsetAt(spoken.zone, ms) !== offset) warnings.push('iso_offset_differs_from_spoken_zone');

  if (ctx.date?.ok && (ctx.date.year !== read.local.year || ctx.date.month !== read.local.month || ctx.date.day !== read.local.day)) {
    warnings.push('iso_differs_from_date');
  }
  if (ctx.clock?.ok && (ctx.clock.hour !== read.local.hour || ctx.clock.minute !== read.local.minute || ctx.clock.second !== read.local.second)) {
    warnings.push('iso_differs_from_time');
  }
  const zone = chosen ? chosen.zone.zone : fixedZoneName(offset);
  if (chosen && seasonMismatch(chosen.zone, zone, ms)) warnings.push('zone_season_mismatch');
  return {
    status: 'resolved',
    instant: new Date(ms),
    zone,
    source: 'iso',
    zoneFrom: chosen ? chosen.from : 'iso_offset',
    localIso: localIsoOf(ms, zone),
    warnings,
    raw,
  };
}

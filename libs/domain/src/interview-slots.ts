import { DateTime, IANAZone } from 'luxon';
import { isoWithOffset, localWords } from './zone-format';
import { instantOfWallTime, zoneOffsetMs } from './zone-offset';

/**
 * Free interview slots of one interviewer: their weekly working hours, read in their own zone
 * (so a 9:00–17:00 day stays 9:00–17:00 local across a DST change), less the interviews they
 * already have. Pure; instants in, instants out.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Per weekday, windows of [startMinute, endMinute) since local midnight (0–1440), e.g. `{ mon: [[540, 1020]] }`. */
export type WorkingHours = Partial<Record<Weekday, Array<[number, number]>>>;

export interface BusyInterval {
  start: Date;
  end: Date;
}

export interface SlotQuery {
  /** Slots start at or after this instant … */
  from: Date;
  /** … and end at or before this one. */
  to: Date;
  /** The interviewer's IANA zone: the zone of workingHours. */
  zone: string;
  workingHours: WorkingHours;
  slotMinutes: number;
  busy: BusyInterval[];
  /** No slot starts before this (e.g. now plus a little notice). */
  notBefore?: Date;
  /** At most this many slots, earliest first. */
  limit?: number;
}

const MAX_DAYS = 62;

const DAY_MS = 86_400_000;

/** Starts of the free slots, earliest first. A local start that does not exist (a spring-forward gap) is skipped. */
export function findFreeSlots(q: SlotQuery): Date[] {
  const limit = q.limit ?? 50;
  const from = Math.max(q.from.getTime(), q.notBefore?.getTime() ?? -Infinity);
  const to = q.to.getTime();
  const slotMs = q.slotMinutes * 60_000;
  if (!(q.slotMinutes > 0) || from >= to || limit <= 0) return [];
  // "UTC"/"GMT" are fixed; a zone Intl does not take has no working day at all.
  const zone = zoneOffsetMs(q.zone, from) !== null ? q.zone : /^(utc|gmt)$/i.test(q.zone) ? 'UTC' : null;
  if (!zone) return [];
  const instantOf = zone === 'UTC' ? (wall: number) => wall : (wall: number) => instantOfWallTime(zone, wall);
  const busy = [...q.busy].map((b) => [b.start.getTime(), b.end.getTime()] as const).sort((a, b) => a[0] - b[0]);
  const slots: Date[] = [];
  // Local calendar days, each as its midnight written as UTC (Date.UTC fields are the local date's).
  const firstWall = from + (zone === 'UTC' ? 0 : zoneOffsetMs(zone, from)!);
  const firstDay = Math.floor(firstWall / DAY_MS) * DAY_MS;
  for (let d = 0; d < MAX_DAYS; d++) {
    const dayWall = firstDay + d * DAY_MS;
    // The day's first instant (its midnight, or the first time after a skipped midnight) must come before `to`.
    if (dayStart(instantOf, dayWall) >= to) break;
    const windows = q.workingHours[WEEKDAYS[(new Date(dayWall).getUTCDay() + 6) % 7]] ?? [];
    for (const [startMin, endMin] of [...windows].sort((a, b) => a[0] - b[0])) {
      for (let m = startMin; m + q.slotMinutes <= endMin && m < 1440; m += q.slotMinutes) {
        const start = instantOf(dayWall + m * 60_000);
        if (start === null) continue; // no such local time
        const end = start + slotMs;
        if (start < from || end > to) continue;
        if (busy.some(([bs, be]) => bs < end && be > start)) continue;
        slots.push(new Date(start));
        if (slots.length >= limit) return slots;
      }
    }
  }
  return slots;
}

/** The first instant of a local day: its midnight, or when the clock skips midnight, the first minute that exists (at most a few hours on). */
function dayStart(instantOf: (wall: number) => number | null, dayWall: number): number {
  for (let m = 0; m < 1440; m += 15) {
    const at = instantOf(dayWall + m * 60_000);
    if (at !== null) return at;
  }
  return dayWall;
}

/** The free slots nearest to `wanted` (before or after), nearest first. */
export function nearestSlots(slots: Date[], wanted: Date, count: number): Date[] {
  return [...slots]
    .sort((a, b) => Math.abs(a.getTime() - wanted.getTime()) - Math.abs(b.getTime() - wanted.getTime()) || a.getTime() - b.getTime())
    .slice(0, count);
}

export type WorkingHoursCheck = { ok: true; value: WorkingHours } | { ok: false; reason: string };

/** Reads stored or submitted working hours: known weekdays, whole minutes 0–1440, start before end, no overlaps. */
export function parseWorkingHours(value: unknown): WorkingHoursCheck {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: 'workingHours must be an object such as {"mon": [[540, 1020]]}' };
  const out: WorkingHours = {};
  for (const [key, windows] of Object.entries(value as Record<string, unknown>)) {
    if (!(WEEKDAYS as readonly string[]).includes(key))
      return { ok: false, reason: `workingHours: '${key.slice(0, 20)}' is not one of ${WEEKDAYS.join(', ')}` };
    if (!Array.isArray(windows) || windows.length > 12)
      return { ok: false, reason: `workingHours.${key} must be a list (at most 12) of [startMinute, endMinute]` };
    const list: Array<[number, number]> = [];
    for (const w of windows) {
      const ok = Array.isArray(w) && w.length === 2 && w.every((n) => Number.isInteger(n) && n >= 0 && n <= 1440) && w[0] < w[1];
      if (!ok) return { ok: false, reason: `workingHours.${key}: each window is [startMinute, endMinute], whole minutes 0–1440, start before end` };
      list.push([w[0], w[1]]);
    }
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) if (list[i][0] < list[i - 1][1]) return { ok: false, reason: `workingHours.${key}: windows overlap` };
    out[key as Weekday] = list;
  }
  return { ok: true, value: out };
}

export function isIanaZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * An instant as an agent can read it out, in `zone`: "Tuesday, March 3 at 2:00 PM Eastern Time".
 * The zone's generic name (no "Standard"/"Daylight") is what people say; ICU supplies it.
 */
export function spokenInstant(instant: Date, zone: string): string {
  // A zone ICU does not know (bad data) reads in UTC rather than as "Invalid DateTime".
  const fast = localWords(instant, zone);
  if (fast !== null) return `${fast} ${zoneWords(instant, zone)}`;
  if (!DateTime.local().setZone(zone).isValid) zone = 'UTC';
  const local = DateTime.fromJSDate(instant, { zone }).setLocale('en-US');
  return `${local.toFormat("cccc, LLLL d 'at' h:mm a")} ${zoneWords(instant, zone)}`;
}

const ZONE_NAMES = new Map<string, Intl.DateTimeFormat>();
const ZONE_WORDS = new Map<string, string>();

/** The zone's generic English name ("Eastern Time"), or its offset ("GMT+03:00") where ICU has none. */
export function zoneWords(instant: Date, zone: string): string {
  if (/^(Etc\/)?(UTC|UCT|Universal|Zulu)$/.test(zone)) return 'UTC';
  // The name depends on the zone, its offset and (rarely, when a region changes its time) the year:
  // remembered per those, so formatting runs once per zone and season rather than per instant.
  const offset = zoneOffsetMs(zone, instant.getTime());
  const key = offset === null ? null : `${zone}|${offset}|${instant.getUTCFullYear()}`;
  const known = key && ZONE_WORDS.get(key);
  if (known) return known;
  // One formatter per zone: making one costs far more than formatting with it (the inbound answer is on a ringing phone's path).
  let format = ZONE_NAMES.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longGeneric' });
    if (ZONE_NAMES.size < 1000) ZONE_NAMES.set(zone, format);
  }
  const words = format.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? zone;
  if (key && ZONE_WORDS.size < 10_000) ZONE_WORDS.set(key, words);
  return words;
}

/** ISO 8601 with the offset of `zone` at that instant, e.g. 2021-03-02T14:00:00-05:00. */
export function isoInZone(instant: Date, zone: string): string {
  return isoWithOffset(instant, zone) ?? DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true })!;
}

/**
 * An IANA zone's offset from UTC at an instant, and local wall time back to an instant, without
 * building a luxon DateTime or calling Intl per instant: both cost microseconds each, and a slot
 * search or a spoken answer needs hundreds of them while a caller waits.
 *
 * Intl (ICU) stays the source of truth. Per zone and UTC day, the offset is read at the day's
 * first and last second; when both agree the whole day has that one offset and it is cached
 * (no zone changes its offset twice within a day and back), when they differ (the day of a
 * change) every instant of it is read from Intl. Offsets are in milliseconds, so the seconds of
 * old local mean times come out as Intl gives them.
 */

const DAY_MS = 86_400_000;
const MAX_ZONES = 1000;
/** Days cached per zone before its cache starts again (a few years of days). */
const MAX_DAYS_PER_ZONE = 4096;

interface ZoneDays {
  numeric: Intl.DateTimeFormat;
  /** UTC day number → that day's offset in ms, or NaN for a day on which it changes */
  days: Map<number, number>;
}

const ZONES = new Map<string, ZoneDays | null>();

function zoneDaysOf(zone: string): ZoneDays | null {
  let z = ZONES.get(zone);
  if (z !== undefined) return z;
  try {
    // luxon reads "utc"/"gmt" in any case as a fixed zone, not as IANA; callers keep their own path for those.
    z = /^(utc|gmt)$/i.test(zone)
      ? null
      : {
          numeric: new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
            hourCycle: 'h23',
            era: 'short',
          }),
          days: new Map(),
        };
  } catch {
    z = null;
  }
  if (ZONES.size < MAX_ZONES) ZONES.set(zone, z);
  return z;
}

/** The offset at `ms` as Intl reads it (whole seconds: Intl does not format milliseconds). */
function intlOffsetMs(z: ZoneDays, ms: number): number {
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  const p: Record<string, number> = {};
  let bc = false;
  for (const part of z.numeric.formatToParts(whole)) {
    if (part.type === 'era') bc = part.value === 'BC';
    else if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const year = bc ? 1 - p.year : p.year;
  // Date.UTC reads years 0–99 as 1900–1999: set the year on its own.
  const wall = new Date(Date.UTC(2000, p.month - 1, p.day, p.hour, p.minute, p.second));
  wall.setUTCFullYear(year);
  return wall.getTime() - whole;
}

/** Offset of `zone` at the instant `ms`, in milliseconds east of UTC; null for a zone Intl does not take (or "UTC"/"GMT", see above). */
export function zoneOffsetMs(zone: string, ms: number): number | null {
  const z = zoneDaysOf(zone);
  if (!z || !Number.isFinite(ms)) return null;
  const day = Math.floor(ms / DAY_MS);
  let offset = z.days.get(day);
  if (offset === undefined) {
    const first = intlOffsetMs(z, day * DAY_MS);
    const last = intlOffsetMs(z, (day + 1) * DAY_MS - 1000);
    offset = first === last ? first : NaN;
    if (z.days.size >= MAX_DAYS_PER_ZONE) z.days.clear();
    z.days.set(day, offset);
  }
  return Number.isNaN(offset) ? intlOffsetMs(z, ms) : offset;
}

/**
 * The instant at which the wall clock of `zone` reads `wallMs` (a local date and time written as
 * if it were UTC, e.g. Date.UTC(2021, 2, 14, 9)). A time the clock skips (spring forward) has no
 * instant: null. A time it reads twice (fall back) is its earlier instant. Also null for a zone
 * zoneOffsetMs does not take.
 */
export function instantOfWallTime(zone: string, wallMs: number): number | null {
  // The offsets a day either side are the only ones this wall time can have (a change moves the clock by hours at most).
  const before = zoneOffsetMs(zone, wallMs - DAY_MS);
  const after = zoneOffsetMs(zone, wallMs + DAY_MS);
  if (before === null || after === null) return null;
  let found: number | null = null;
  for (const offset of before === after ? [before] : [before, after]) {
    const at = wallMs - offset;
    if (zoneOffsetMs(zone, at) === offset && (found === null || at < found)) found = at;
  }
  return found;
}

/** The wall clock of `zone` at `ms`, as the fields of a UTC Date (read them with getUTC*); null where zoneOffsetMs is. */
export function wallClockOf(zone: string, ms: number): Date | null {
  const offset = zoneOffsetMs(zone, ms);
  return offset === null ? null : new Date(ms + offset);
}

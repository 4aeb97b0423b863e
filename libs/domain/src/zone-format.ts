import { wallClockOf, zoneOffsetMs } from './zone-offset';

/**
 * Instants written in an IANA zone from its offset at that instant (zone-offset.ts, read from Intl
 * and cached per day): English names and digits put together here, exactly as Intl's en-US
 * formatting writes them, without a formatter call or a luxon DateTime per instant. Zones Intl
 * does not take (or that luxon reads as a fixed offset, like "UTC") get null, and the caller keeps
 * its luxon path for them.
 */

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "Tuesday, March 3 at 2:00 PM" in `zone` (en-US, as Intl words it), or null where Intl does not take the zone. */
export function localWords(instant: Date, zone: string): string | null {
  const wall = wallClockOf(zone, instant.getTime());
  if (!wall) return null;
  const hour = wall.getUTCHours();
  return `${WEEKDAY_NAMES[wall.getUTCDay()]}, ${MONTH_NAMES[wall.getUTCMonth()]} ${wall.getUTCDate()} at ${hour % 12 || 12}:${pad(wall.getUTCMinutes())} ${hour < 12 ? 'AM' : 'PM'}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 with the zone's offset at that instant ("2021-03-02T14:00:00-05:00"), or null where Intl does not take the zone. */
export function isoWithOffset(instant: Date, zone: string): string | null {
  const ms = instant.getTime();
  const offsetMs = zoneOffsetMs(zone, ms);
  if (offsetMs === null) return null;
  const wall = new Date(ms + offsetMs);
  const year = wall.getUTCFullYear();
  if (year < 1000 || year > 9999) return null;
  // Offsets of old local mean times have seconds; ISO (and luxon) write whole minutes.
  const offsetMin = Math.round(offsetMs / 60_000);
  const abs = Math.abs(offsetMin);
  const offset = `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const millis = wall.getUTCMilliseconds();
  const fraction = millis ? `.${pad(millis, 3)}` : '';
  return `${year}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}${fraction}${offset}`;
}

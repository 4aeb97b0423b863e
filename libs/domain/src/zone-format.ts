/**
 * Instants formatted in an IANA zone with one cached Intl.DateTimeFormat per zone: making a
 * formatter costs far more than using it, and luxon looks the zone's offset up again for every
 * DateTime. Zones Intl does not take (or that luxon reads as a fixed offset, like "UTC") get
 * null, and the caller keeps its luxon path for them.
 */

const MAX_ZONES = 1000;

interface ZoneFormatters {
  words: Intl.DateTimeFormat;
  numeric: Intl.DateTimeFormat;
}

const FORMATTERS = new Map<string, ZoneFormatters | null>();

function formattersOf(zone: string): ZoneFormatters | null {
  let f = FORMATTERS.get(zone);
  if (f !== undefined) return f;
  try {
    // luxon reads "utc"/"gmt" in any case as a fixed zone (ISO ends in "Z"), not as IANA.
    f = /^(utc|gmt)$/i.test(zone)
      ? null
      : {
          words: new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            weekday: 'long',
            month: 'long',
            day: 'numeric',
            hour: 'numeric',
            minute: '2-digit',
            hour12: true,
          }),
          numeric: new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
            hourCycle: 'h23',
          }),
        };
  } catch {
    f = null;
  }
  if (FORMATTERS.size < MAX_ZONES) FORMATTERS.set(zone, f);
  return f;
}

/** "Tuesday, March 3 at 2:00 PM" in `zone`, or null where Intl does not take the zone. */
export function localWords(instant: Date, zone: string): string | null {
  const f = formattersOf(zone);
  if (!f) return null;
  const p: Record<string, string> = {};
  for (const part of f.words.formatToParts(instant)) p[part.type] = part.value;
  return `${p.weekday}, ${p.month} ${p.day} at ${p.hour}:${p.minute} ${p.dayPeriod}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 with the zone's offset at that instant ("2021-03-02T14:00:00-05:00"), or null where Intl does not take the zone. */
export function isoWithOffset(instant: Date, zone: string): string | null {
  const f = formattersOf(zone);
  const ms = instant.getTime();
  if (!f || !Number.isFinite(ms)) return null;
  const p: Record<string, number> = {};
  for (const part of f.numeric.formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const millis = ((ms % 1000) + 1000) % 1000;
  const localMs = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetMin = Math.round((localMs - (ms - millis)) / 60_000);
  if (p.year < 1000 || p.year > 9999) return null;
  const abs = Math.abs(offsetMin);
  const offset = `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  const fraction = millis ? `.${pad(millis, 3)}` : '';
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${fraction}${offset}`;
}

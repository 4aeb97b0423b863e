import { DateTime, IANAZone } from 'luxon';
import { instantOfWallTime, wallClockOf, zoneOffsetMs } from './zone-offset';

const HOUR = 3_600_000;
const ALL_ZONES = Intl.supportedValuesOf('timeZone');
const DST_ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'America/Santiago',
  'Asia/Beirut',
  'America/Havana',
];

/** A small deterministic generator, so a failure names an instant that can be run again. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

/** luxon's offset (minutes, read from Intl) in milliseconds. */
const luxonOffsetMs = (zone: string, ms: number) => Math.round(IANAZone.create(zone).offset(ms) * 60_000);

describe('zoneOffsetMs reads what Intl reads', () => {
  it(`every zone Intl knows (${ALL_ZONES.length}), 40 instants each over 1890–2060`, () => {
    const random = lcg(7);
    const wrong: unknown[] = [];
    for (const zone of ALL_ZONES) {
      for (let k = 0; k < 40; k++) {
        const ms = Date.UTC(1890, 0, 1) + Math.floor(random() * (Date.UTC(2060, 0, 1) - Date.UTC(1890, 0, 1))); // fixed-date-ok: compared with luxon for the same instant, never with now
        if (zoneOffsetMs(zone, ms) !== luxonOffsetMs(zone, ms)) wrong.push([zone, ms, zoneOffsetMs(zone, ms), luxonOffsetMs(zone, ms)]);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it.each(DST_ZONES)('%s, every 20 minutes through 2021 and 2022 (each change of offset included)', (zone) => {
    const wrong: unknown[] = [];
    for (let ms = Date.UTC(2021, 0, 1); ms < Date.UTC(2023, 0, 1); ms += HOUR / 3 + 7_000)
      if (zoneOffsetMs(zone, ms) !== luxonOffsetMs(zone, ms)) wrong.push([ms, zoneOffsetMs(zone, ms), luxonOffsetMs(zone, ms)]);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('the instants either side of a change', () => {
    const change = Date.UTC(2021, 2, 14, 7); // New York springs forward at 02:00 EST = 07:00Z
    expect(zoneOffsetMs('America/New_York', change - 1000)).toBe(-5 * HOUR);
    expect(zoneOffsetMs('America/New_York', change)).toBe(-4 * HOUR);
  });

  it.each([['UTC'], ['gmt'], ['Not/AZone'], ['UTC+3']])('%s is not an IANA zone Intl takes here: null', (zone) => {
    expect(zoneOffsetMs(zone, Date.UTC(2021, 2, 2))).toBeNull();
    expect(instantOfWallTime(zone, Date.UTC(2021, 2, 2))).toBeNull();
    expect(wallClockOf(zone, Date.UTC(2021, 2, 2))).toBeNull();
  });
});

describe('instantOfWallTime', () => {
  const cases: Array<[string, string, number, string | null]> = [
    ['an ordinary winter morning', 'America/New_York', Date.UTC(2021, 2, 1, 9), '2021-03-01T14:00:00.000Z'],
    ['an ordinary summer morning', 'America/New_York', Date.UTC(2021, 6, 1, 9), '2021-07-01T13:00:00.000Z'],
    ['a time the clock skips (spring forward)', 'America/New_York', Date.UTC(2021, 2, 14, 2, 30), null],
    ['a time the clock reads twice: the earlier', 'America/New_York', Date.UTC(2021, 10, 7, 1, 30), '2021-11-07T05:30:00.000Z'],
    ['half an hour skipped (Lord Howe)', 'Australia/Lord_Howe', Date.UTC(2021, 9, 3, 2, 15), null],
    ['a skipped midnight (Santiago)', 'America/Santiago', Date.UTC(2021, 8, 5, 0, 0), null],
    ['the first minute after a skipped midnight', 'America/Santiago', Date.UTC(2021, 8, 5, 1, 0), '2021-09-05T04:00:00.000Z'],
    ['a whole day skipped (Samoa, 30 December 2011)', 'Pacific/Apia', Date.UTC(2011, 11, 30, 12), null],
  ];
  it.each(cases)('%s', (_name, zone, wall, expected) => {
    const at = instantOfWallTime(zone, wall);
    expect(at === null ? null : new Date(at).toISOString()).toBe(expected);
  });

  it.each(DST_ZONES)('%s: every instant of 2021–2022 (each 20 min) is found from its wall time, or an earlier one with the same wall time', (zone) => {
    const wrong: unknown[] = [];
    for (let ms = Date.UTC(2021, 0, 1); ms < Date.UTC(2023, 0, 1); ms += HOUR / 3) {
      const wall = wallClockOf(zone, ms)!.getTime();
      const at = instantOfWallTime(zone, wall);
      if (at === null || at > ms || wallClockOf(zone, at)!.getTime() !== wall) wrong.push([ms, at]);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it.each(DST_ZONES)('%s: a wall time has no instant exactly where luxon moves it (every 30 min of 2021–2022)', (zone) => {
    const wrong: unknown[] = [];
    for (let wall = Date.UTC(2021, 0, 1); wall < Date.UTC(2023, 0, 1); wall += HOUR / 2) {
      const f = new Date(wall);
      const minute = f.getUTCHours() * 60 + f.getUTCMinutes();
      const viaLuxon = DateTime.fromObject(
        { year: f.getUTCFullYear(), month: f.getUTCMonth() + 1, day: f.getUTCDate(), hour: f.getUTCHours(), minute: f.getUTCMinutes() },
        { zone },
      );
      const exists = viaLuxon.hour * 60 + viaLuxon.minute === minute && viaLuxon.day === f.getUTCDate();
      if ((instantOfWallTime(zone, wall) !== null) !== exists) wrong.push([f.toISOString(), exists]);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

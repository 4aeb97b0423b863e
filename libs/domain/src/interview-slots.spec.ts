import { DateTime } from 'luxon';
import { findFreeSlots, isoInZone, nearestSlots, parseWorkingHours, spokenInstant, WEEKDAYS, type SlotQuery } from './interview-slots';

const NINE_TO_FIVE = { mon: [[540, 1020]], tue: [[540, 1020]], wed: [[540, 1020]], thu: [[540, 1020]], fri: [[540, 1020]] } as SlotQuery['workingHours'];
const utc = (s: string) => new Date(s);
const iso = (slots: Date[], zone: string) => slots.map((d) => isoInZone(d, zone));

describe('findFreeSlots', () => {
  const base: SlotQuery = {
    from: utc('2021-03-01T00:00:00Z'), // a Monday
    to: utc('2021-03-02T00:00:00Z'),
    zone: 'America/New_York',
    workingHours: NINE_TO_FIVE,
    slotMinutes: 60,
    busy: [],
  };
  const cases: Array<[string, Partial<SlotQuery>, string[]]> = [
    [
      'a working day in hourly slots, local time',
      {},
      ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00'].map((t) => `2021-03-01T${t}:00-05:00`),
    ],
    ['a limit keeps the earliest', { limit: 2 }, ['2021-03-01T09:00:00-05:00', '2021-03-01T10:00:00-05:00']],
    [
      'an existing interview takes its slots (10:30–11:30 blocks 10:00 and 11:00)',
      { busy: [{ start: utc('2021-03-01T15:30:00Z'), end: utc('2021-03-01T16:30:00Z') }], limit: 3 },
      ['2021-03-01T09:00:00-05:00', '2021-03-01T12:00:00-05:00', '2021-03-01T13:00:00-05:00'],
    ],
    ['notBefore drops earlier slots', { notBefore: utc('2021-03-01T20:30:00Z') }, ['2021-03-01T16:00:00-05:00']],
    ['a slot must end inside the range', { to: utc('2021-03-01T16:00:00Z') }, ['2021-03-01T09:00:00-05:00', '2021-03-01T10:00:00-05:00']],
    [
      '45-minute slots step by 45 and fit the window',
      { slotMinutes: 45, workingHours: { mon: [[540, 660]] } },
      ['2021-03-01T09:00:00-05:00', '2021-03-01T09:45:00-05:00'],
    ],
    ['a weekend has none', { from: utc('2021-03-06T00:00:00Z'), to: utc('2021-03-08T00:00:00Z') }, []],
    [
      'two windows a day (lunch off)',
      {
        workingHours: {
          mon: [
            [780, 840],
            [540, 600],
          ],
        },
      },
      ['2021-03-01T09:00:00-05:00', '2021-03-01T13:00:00-05:00'],
    ],
    [
      'DST spring forward: 9:00 local is -04:00 after the change',
      { from: utc('2021-03-12T00:00:00Z'), to: utc('2021-03-16T00:00:00Z'), workingHours: { fri: [[540, 600]], mon: [[540, 600]] } },
      ['2021-03-12T09:00:00-05:00', '2021-03-15T09:00:00-04:00'],
    ],
    [
      'DST gap: 2:00–3:00 does not exist on 14 March; 1:00 and 3:00 do',
      { from: utc('2021-03-14T00:00:00Z'), to: utc('2021-03-15T00:00:00Z'), workingHours: { sun: [[60, 240]] } },
      ['2021-03-14T01:00:00-05:00', '2021-03-14T03:00:00-04:00'],
    ],
    [
      'zone of the interviewer, not UTC: Berlin 9:00 is 08:00Z in winter',
      { zone: 'Europe/Berlin', workingHours: { mon: [[540, 600]] } },
      ['2021-03-01T09:00:00+01:00'],
    ],
    ['an empty range has none', { to: utc('2021-03-01T00:00:00Z') }, []],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    const q = { ...base, ...over };
    expect(iso(findFreeSlots(q), q.zone)).toEqual(expected);
  });
});

describe('nearestSlots', () => {
  it('orders by distance from the wanted time, earlier first on a tie', () => {
    const s = ['2021-03-01T14:00:00Z', '2021-03-01T15:00:00Z', '2021-03-01T17:00:00Z', '2021-03-01T13:00:00Z'].map(utc);
    expect(nearestSlots(s, utc('2021-03-01T16:00:00Z'), 3).map((d) => d.toISOString())).toEqual([
      '2021-03-01T15:00:00.000Z',
      '2021-03-01T17:00:00.000Z',
      '2021-03-01T14:00:00.000Z',
    ]);
  });
});

describe('parseWorkingHours', () => {
  const cases: Array<[unknown, boolean]> = [
    [{ mon: [[540, 1020]] }, true],
    [{ sun: [[0, 1440]] }, true],
    [{ monday: [[540, 1020]] }, false],
    [{ mon: [[1020, 540]] }, false],
    [{ mon: [[540, 1441]] }, false],
    [{ mon: [[540.5, 600]] }, false],
    [
      {
        mon: [
          [540, 700],
          [600, 800],
        ],
      },
      false,
    ],
    [[], false],
    ['9-5', false],
  ];
  it.each(cases)('%j → ok %s', (value, ok) => expect(parseWorkingHours(value).ok).toBe(ok));
});

describe('spokenInstant', () => {
  const cases: Array<[string, string, string]> = [
    ['2021-03-02T19:00:00Z', 'America/New_York', 'Tuesday, March 2 at 2:00 PM Eastern Time'],
    ['2021-07-06T19:00:00Z', 'America/New_York', 'Tuesday, July 6 at 3:00 PM Eastern Time'],
    ['2021-03-02T19:30:00Z', 'America/Los_Angeles', 'Tuesday, March 2 at 11:30 AM Pacific Time'],
    ['2021-03-02T09:00:00Z', 'Europe/Berlin', 'Tuesday, March 2 at 10:00 AM Central European Time'],
    ['2021-03-02T23:00:00Z', 'Asia/Kolkata', 'Wednesday, March 3 at 4:30 AM India Standard Time'],
  ];
  it.each(cases)('%s in %s', (at, zone, words) => expect(spokenInstant(utc(at), zone)).toBe(words));
});

/** findFreeSlots as it was written on luxon (one DateTime per slot): the reference the faster one must agree with. */
function referenceSlots(q: SlotQuery): Date[] {
  const limit = q.limit ?? 50;
  const from = Math.max(q.from.getTime(), q.notBefore?.getTime() ?? -Infinity);
  const to = q.to.getTime();
  if (!(q.slotMinutes > 0) || from >= to || limit <= 0) return [];
  const slots: Date[] = [];
  let day = DateTime.fromMillis(from, { zone: q.zone }).startOf('day');
  for (let d = 0; d < 62 && day.toMillis() < to; d++, day = day.plus({ days: 1 }).startOf('day')) {
    const windows = q.workingHours[WEEKDAYS[day.weekday - 1]] ?? [];
    for (const [startMin, endMin] of [...windows].sort((a, b) => a[0] - b[0])) {
      for (let m = startMin; m + q.slotMinutes <= endMin; m += q.slotMinutes) {
        const local = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Math.floor(m / 60), minute: m % 60 }, { zone: q.zone });
        if (m >= 1440 || local.hour !== Math.floor(m / 60) || local.minute !== m % 60) continue;
        const start = local.toMillis();
        if (start < from || start + q.slotMinutes * 60_000 > to) continue;
        if (q.busy.some((b) => b.start.getTime() < start + q.slotMinutes * 60_000 && b.end.getTime() > start)) continue;
        slots.push(new Date(start));
        if (slots.length >= limit) return slots;
      }
    }
  }
  return slots;
}

describe('findFreeSlots agrees with the luxon reference', () => {
  const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham', 'Asia/Tokyo', 'UTC'];
  // Windows between 06:00 and 23:00 local: the clock changes of these zones fall outside them, where luxon's
  // choice between a wall time's two instants depended on the date it ran (findFreeSlots takes the earlier).
  it.each(zones)('%s: 300 random queries over 2021–2022 (DST changes, busy intervals, limits, notice)', (zone) => {
    let x = zone.length * 7919;
    const random = () => (x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
    const pick = (n: number) => Math.floor(random() * n);
    const wrong: unknown[] = [];
    for (let k = 0; k < 300; k++) {
      const workingHours: SlotQuery['workingHours'] = {};
      for (const day of WEEKDAYS) {
        if (random() < 0.3) continue;
        const start = 360 + pick(40) * 15;
        workingHours[day] = [[start, Math.min(1380, start + 60 + pick(40) * 15)]];
      }
      const from = new Date(Date.UTC(2021, 0, 1) + pick(720) * 86_400_000 + pick(96) * 900_000);
      const to = new Date(from.getTime() + (1 + pick(14)) * 86_400_000 + pick(96) * 900_000);
      const busy = Array.from({ length: pick(6) }, () => {
        const start = from.getTime() + pick(14 * 96) * 900_000;
        return { start: new Date(start), end: new Date(start + (1 + pick(8)) * 900_000) };
      });
      const q: SlotQuery = {
        from,
        to,
        zone,
        workingHours,
        slotMinutes: [15, 30, 45, 60, 90][pick(5)],
        busy,
        notBefore: random() < 0.3 ? new Date(from.getTime() + pick(48) * 1_800_000) : undefined,
        limit: random() < 0.5 ? 1 + pick(200) : undefined,
      };
      const ours = findFreeSlots(q).map((d) => d.toISOString());
      const reference = referenceSlots(q).map((d) => d.toISOString());
      if (JSON.stringify(ours) !== JSON.stringify(reference)) wrong.push({ q, ours: ours.slice(0, 5), reference: reference.slice(0, 5) });
    }
    expect(wrong.slice(0, 2)).toEqual([]);
  });

  it('a zone Intl does not take has no slots, as before', () => {
    expect(
      findFreeSlots({
        from: utc('2021-03-01T00:00:00Z'),
        to: utc('2021-03-02T00:00:00Z'),
        zone: 'Not/AZone',
        workingHours: NINE_TO_FIVE,
        slotMinutes: 60,
        busy: [],
      }),
    ).toEqual([]);
  });

  it('a wall time read twice (fall back) gives its earlier instant', () => {
    const slots = findFreeSlots({
      from: utc('2021-11-07T04:00:00Z'),
      to: utc('2021-11-07T08:00:00Z'),
      zone: 'America/New_York',
      workingHours: { sun: [[60, 120]] },
      slotMinutes: 60,
      busy: [],
    });
    expect(slots.map((d) => d.toISOString())).toEqual(['2021-11-07T05:00:00.000Z']);
  });
});

import { findFreeSlots, isoInZone, nearestSlots, parseWorkingHours, spokenInstant, type SlotQuery } from './interview-slots';

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

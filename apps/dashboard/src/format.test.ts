import { formatCents, formatDuration, formatInstant, formatOffset, humanize } from './format';

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [undefined, '—'],
    [-5, '—'],
    [Number.NaN, '—'],
    [0, '0:00'],
    [999, '0:01'],
    [61_000, '1:01'],
    [599_400, '9:59'],
    [3_600_000, '1:00:00'],
    [3_723_000, '1:02:03'],
  ])('%s ms -> %s', (ms, text) => {
    expect(formatDuration(ms as number | null)).toBe(text);
  });
});

describe('formatCents', () => {
  it.each([
    [null, '—'],
    [0, '$0.00'],
    [7, '$0.07'],
    [12.5, '$0.13'],
    [1234.4, '$12.34'],
    [123456, '$1,234.56'],
  ])('%s cents -> %s', (cents, text) => {
    expect(formatCents(cents as number | null)).toBe(text);
  });
});

describe('formatInstant', () => {
  // fixed-date-ok: a formatting fixture, never compared with now
  const at = '2026-03-09T18:30:00.000Z';
  it.each([
    ['UTC', '18:30', 'UTC'],
    ['America/New_York', '14:30', 'EDT'],
    ['Europe/Paris', '19:30', 'GMT+1'],
    ['Asia/Kolkata', '00:00', 'GMT+5:30'],
  ])('in %s shows the wall time %s with the zone', (zone, time, abbr) => {
    const text = formatInstant(at, zone);
    expect(text).toContain(time);
    expect(text).toContain(abbr);
  });

  it('crosses the date line with the zone', () => {
    expect(formatInstant(at, 'Asia/Kolkata')).toContain('Mar 10');
    expect(formatInstant(at, 'UTC')).toContain('Mar 9');
  });

  it.each([[null], [''], ['not a date']])('shows a dash for %s', (v) => {
    expect(formatInstant(v as string | null, 'UTC')).toBe('—');
  });
});

describe('formatOffset / humanize', () => {
  it('shows seconds into the call as m:ss', () => {
    expect(formatOffset(75.2)).toBe('1:15');
    expect(formatOffset(undefined)).toBe('');
  });
  it('turns snake case into words', () => {
    expect(humanize('no_answer')).toBe('no answer');
    expect(humanize(null)).toBe('—');
  });
});

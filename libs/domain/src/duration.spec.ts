import { parseDuration, parseDurationList } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['2d', 172_800_000],
    [' 1h ', 3_600_000],
    ['1', undefined],
    ['h', undefined],
    ['1.5h', undefined],
    ['-1h', undefined],
    ['1w', undefined],
  ])('%j → %p', (text, ms) => expect(parseDuration(text)).toBe(ms));
});

describe('parseDurationList', () => {
  it('reads each offset and drops what it cannot', () => {
    expect(parseDurationList('24h, 1h,bad,2s')).toEqual([
      { label: '24h', ms: 86_400_000 },
      { label: '1h', ms: 3_600_000 },
      { label: '2s', ms: 2000 },
    ]);
  });
});

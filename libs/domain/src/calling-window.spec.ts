import { withinCallingWindow } from './calling-window';

describe('withinCallingWindow', () => {
  const nineToFiveNY = { start: 9 * 60, end: 17 * 60, timeZone: 'America/New_York' };
  it.each([
    ['no window', '2026-01-05T03:00:00Z', null, true],
    ['09:00 New York in winter (14:00Z)', '2026-01-05T14:00:00Z', nineToFiveNY, true],
    ['08:59 New York in winter', '2026-01-05T13:59:00Z', nineToFiveNY, false],
    ['17:00 New York is outside (end exclusive)', '2026-01-05T22:00:00Z', nineToFiveNY, false],
    ['09:00 New York in summer (13:00Z, DST)', '2026-07-06T13:00:00Z', nineToFiveNY, true],
    ['14:00Z in summer is 10:00 New York', '2026-07-06T14:00:00Z', nineToFiveNY, true],
    ['12:59Z in summer is 08:59 New York', '2026-07-06T12:59:00Z', nineToFiveNY, false],
    ['whole day (0–1440)', '2026-07-06T23:59:00Z', { start: 0, end: 1440, timeZone: 'UTC' }, true],
    ['invalid zone never matches', '2026-07-06T12:00:00Z', { start: 0, end: 1440, timeZone: 'Mars/Olympus' }, false],
  ])('%s', (_name, at, window, expected) => expect(withinCallingWindow(new Date(at), window)).toBe(expected));
});

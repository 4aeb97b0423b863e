import { isFinalAtRetell, missingEvents, nextWatermark, parseOperatorInstant, scheduledRange } from './reconcile';

describe('missingEvents', () => {
  const kept = (...e: string[]) => new Set(e);
  it.each([
    ['registered, nothing kept', 'registered', false, kept(), []],
    ['ongoing, nothing kept', 'ongoing', false, kept(), ['call_started']],
    ['ongoing, started kept', 'ongoing', false, kept('call_started'), []],
    ['ended, nothing kept', 'ended', false, kept(), ['call_ended']],
    ['ended and analysed, nothing kept', 'ended', true, kept(), ['call_ended', 'call_analyzed']],
    ['ended and analysed, started kept', 'ended', true, kept('call_started'), ['call_ended', 'call_analyzed']],
    ['ended and analysed, ended kept', 'ended', true, kept('call_started', 'call_ended'), ['call_analyzed']],
    ['ended and analysed, analysed kept only', 'ended', true, kept('call_analyzed'), ['call_ended']],
    ['ended and analysed, all kept', 'ended', true, kept('call_started', 'call_ended', 'call_analyzed'), []],
    ['not connected, analysed', 'not_connected', true, kept(), ['call_ended', 'call_analyzed']],
    ['error, not analysed, ended kept', 'error', false, kept('call_ended'), []],
    ['unknown status', 'something_new', true, kept(), []],
  ])('%s', (_name, callStatus, analyzed, k, expected) => {
    expect(missingEvents({ callStatus, analyzed }, k)).toEqual(expected);
  });

  it('final means ended and analysed', () => {
    expect(isFinalAtRetell({ callStatus: 'ended', analyzed: true })).toBe(true);
    expect(isFinalAtRetell({ callStatus: 'ended', analyzed: false })).toBe(false);
    expect(isFinalAtRetell({ callStatus: 'ongoing', analyzed: false })).toBe(false);
  });
});

describe('watermark', () => {
  const H = 3_600_000;
  it.each([
    ['nothing unfinished: the end of the range', { scannedTo: 10 * H, unfinishedStarts: [], previous: 5 * H, maxHoldMs: 6 * H }, 10 * H],
    ['held at the earliest unfinished call', { scannedTo: 10 * H, unfinishedStarts: [9 * H, 8 * H], previous: 5 * H, maxHoldMs: 6 * H }, 8 * H],
    ['an unfinished call older than the hold is let go', { scannedTo: 10 * H, unfinishedStarts: [3 * H, 9 * H], previous: 2 * H, maxHoldMs: 6 * H }, 9 * H],
    ['never backwards', { scannedTo: 10 * H, unfinishedStarts: [6 * H], previous: 7 * H, maxHoldMs: 6 * H }, 7 * H],
  ])('%s', (_name, input, expected) => {
    expect(nextWatermark(input)).toBe(expected);
  });

  it('a scheduled run reads from the watermark less the overlap, or the lookback the first time', () => {
    expect(scheduledRange(100_000, undefined, 10_000, 50_000)).toEqual({ from: 50_000, to: 100_000 });
    expect(scheduledRange(100_000, 90_000, 10_000, 50_000)).toEqual({ from: 80_000, to: 100_000 });
    expect(scheduledRange(100_000, 200_000, 10_000, 50_000)).toEqual({ from: 100_000, to: 100_000 });
  });
});

describe('parseOperatorInstant', () => {
  const now = Date.parse('2021-03-06T12:00:00Z');
  it.each([
    ['24 hours ago', '2021-03-05T12:00:00.000Z'],
    ['1 hour ago', '2021-03-06T11:00:00.000Z'],
    ['90 min ago', '2021-03-06T10:30:00.000Z'],
    ['2d ago', '2021-03-04T12:00:00.000Z'],
    ['1 week ago', '2021-02-27T12:00:00.000Z'],
    ['30 seconds ago', '2021-03-06T11:59:30.000Z'],
    ['now', '2021-03-06T12:00:00.000Z'],
    ['2021-03-01T08:00:00Z', '2021-03-01T08:00:00.000Z'],
    ['2021-03-01T08:00:00+02:00', '2021-03-01T06:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseOperatorInstant(text, now)?.toISOString()).toBe(iso);
  });

  it.each(['yesterday', '24 hours', 'hours ago', '2021-03-01', '2021-03-01T08:00:00', '2026-13-01T08:00:00Z', '', 'x ago'])('refuses %j', (text) => {
    expect(parseOperatorInstant(text, now)).toBeUndefined();
  });
});

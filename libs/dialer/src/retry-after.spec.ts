import { RETRY_AFTER, retryAfterMs } from './retry-after';

describe('retryAfterMs', () => {
  // The clock is injected: a whole second (HTTP dates carry seconds), taken from the real one.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const httpDate = (offsetMs: number) => new Date(now + offsetMs).toUTCString();
  it.each<[string, Record<string, string> | undefined, number]>([
    ['no headers', undefined, RETRY_AFTER.defaultMs],
    ['no Retry-After', { 'content-type': 'application/json' }, RETRY_AFTER.defaultMs],
    ['seconds', { 'retry-after': '7' }, 7000],
    ['fractional seconds', { 'retry-after': '1.5' }, 1500],
    ['header name in any case', { 'Retry-After': '3' }, 3000],
    ['zero is raised to the floor', { 'retry-after': '0' }, RETRY_AFTER.minMs],
    ['an hour is capped', { 'retry-after': '3600' }, RETRY_AFTER.maxMs],
    ['retry-after-ms wins over retry-after', { 'retry-after-ms': '2500', 'retry-after': '60' }, 2500],
    ['retry-after-ms below the floor', { 'retry-after-ms': '20' }, RETRY_AFTER.minMs],
    ['unreadable retry-after-ms falls back to retry-after', { 'retry-after-ms': 'soon', 'retry-after': '4' }, 4000],
    ['an HTTP date 30 s ahead', { 'retry-after': httpDate(30_000) }, 30_000],
    ['an HTTP date in the past', { 'retry-after': httpDate(-3_600_000) }, RETRY_AFTER.minMs],
    ['negative seconds are unreadable', { 'retry-after': '-5' }, RETRY_AFTER.defaultMs],
    ['garbage', { 'retry-after': 'later please' }, RETRY_AFTER.defaultMs],
  ])('%s → %d ms', (_name, headers, expected) => expect(retryAfterMs(headers, now)).toBe(expected));

  it('reads a fetch Headers object (what retell-sdk errors carry)', () => {
    expect(retryAfterMs(new Headers({ 'Retry-After': '9' }), now)).toBe(9000);
  });
});

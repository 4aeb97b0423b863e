import { join } from 'node:path';
import { findFixedDates, FIXED_DATE_MARKER, RECENT_DAYS, scanTree } from '../support/fixed-dates';

/**
 * No test holds a fixed calendar date that is in the future or within the last two weeks (see
 * test/support/fixed-dates.ts for why, and the marker for deliberate fixtures). The samples
 * below are built from the clock, so this file holds no such date itself.
 */

const DAY = 86_400_000;
// A fixed "now" for the samples, at 15:00 UTC so that day boundaries are well apart from it.
const NOW = Date.UTC(new Date().getUTCFullYear(), 5, 15, 15);
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const basic = (t: number) => new Date(t).toISOString().slice(0, 19).replace(/[-:]/g, '');
const ahead = NOW + 400 * DAY;
const yesterday = NOW - DAY;
const old = NOW - 3 * 365 * DAY;
const Y = new Date(ahead).getUTCFullYear();
const OLD_Y = new Date(old).getUTCFullYear();

describe('the fixed-date scan', () => {
  it.each<[string, string, Array<'future' | 'recent'>]>([
    ['a future ISO date in a body', `{ scheduledAt: '${isoDay(ahead)}T15:00:00Z' }`, ['future']],
    ['a future bare date', `date: '${isoDay(ahead)}'`, ['future']],
    ['tomorrow', `'${isoDay(NOW + DAY)}'`, ['future']],
    ['a future iCalendar instant', `'DTSTART:${basic(ahead)}Z'`, ['future']],
    ['Date.UTC in a future year (month from 0)', `Date.UTC(${Y}, 0, 15)`, ['future']],
    ['new Date(y, m, d) in a future year', `new Date(${Y}, 11, 31)`, ['future']],
    ['a future HTTP date', `'retry-after': '${new Date(ahead).toUTCString()}'`, ['future']],
    ['future epoch milliseconds', `start_timestamp: ${ahead},`, ['future']],
    ['yesterday (recent: was "now" when written)', `'${isoDay(yesterday)}T14:00:00Z'`, ['recent']],
    ['today', `Date.parse('${isoDay(NOW)}T00:00:00Z')`, ['recent']],
    ['recent epoch milliseconds', `const START = ${yesterday};`, ['recent']],
    [`${RECENT_DAYS} days ago is still recent`, `'${isoDay(NOW - RECENT_DAYS * DAY)}'`, ['recent']],
    [`${RECENT_DAYS + 1} days ago is not`, `'${isoDay(NOW - (RECENT_DAYS + 1) * DAY)}'`, []],
    ['two dates on a line', `from=${isoDay(ahead)}&to=${isoDay(ahead + DAY)}`, ['future', 'future']],
    ['an old date (only data, stays in the past)', `'${isoDay(old)}T15:00:00-04:00'`, []],
    ['an old Date.UTC', `Date.UTC(${OLD_Y}, 2, 1, 12)`, []],
    ['an impossible date is validation data', `'to=${Y}-02-30'`, []],
    ['month 13 is validation data', `'${Y}-13-01'`, []],
    ['the end-of-time sentinel', "new Date('9999-12-31T23:59:59.999Z')", []],
    ['a date built from the clock', 'new Date(Date.now() + 7 * 86_400_000).toISOString()', []],
    ['a year in an identifier is no date', `'a_status_added_in_${Y}'`, []],
    ['a hex string with a year in it', `'000102${Y}0405060708'`, []],
    ['a phone number', `'+14155550123'`, []],
    ['a longer digit run is no epoch', `'${ahead}123'`, []],
    ['a future date in a comment line', `// moved to ${isoDay(ahead)} by the reschedule`, []],
    ['a marked fixture', `'${isoDay(ahead)}', // ${FIXED_DATE_MARKER} a DST rule of that year`, []],
    ['a marker with no reason does not count', `'${isoDay(ahead)}', // ${FIXED_DATE_MARKER}`, ['future']],
  ])('%s', (_name, line, kinds) => {
    expect(findFixedDates(line, NOW).map((f) => f.kind)).toEqual(kinds);
  });

  it('a marker on the line above covers the next line only', () => {
    const source = [`// ${FIXED_DATE_MARKER} the seed's documented example call`, `const A = '${isoDay(ahead)}';`, `const B = '${isoDay(ahead)}';`].join('\n');
    expect(findFixedDates(source, NOW).map((f) => f.line)).toEqual([3]);
  });

  it('reports the line and the date it read', () => {
    const [f] = findFixedDates(`\n\n  scheduledAt: '${isoDay(ahead)}T10:00:00-05:00',`, NOW);
    expect(f).toEqual({ line: 3, text: isoDay(ahead), iso: `${isoDay(ahead)}T00:00:00.000Z`, kind: 'future' });
  });

  it('finds no such date in the tests of this tree', () => {
    expect(scanTree(join(__dirname, '../..'), Date.now())).toEqual([]);
  });
});

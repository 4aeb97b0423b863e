/**
 * Calendar dates for tests that need a date the code will compare with now (an interview to
 * book, a time to move it to): always in the future, whatever year the suite runs in.
 *
 * `FUTURE_YEAR` is two years ahead, so every day of it is more than a year away (reminders a day
 * before are always still due), and a date in it keeps its season: 15 January in New York is
 * always -05:00, 5 May always -04:00.
 */
export const FUTURE_YEAR = new Date().getUTCFullYear() + 2;

/** An instant `ms` before now, as ISO 8601: for "in the past" checks. */
export const agoIso = (ms: number) => new Date(Date.now() - ms).toISOString();

/** An instant `ms` after now, as ISO 8601. */
export const aheadIso = (ms: number) => new Date(Date.now() + ms).toISOString();

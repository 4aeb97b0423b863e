import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Finds fixed calendar dates in test sources that are in the future, or so recent that they were
 * most likely "now" when written. Either kind is a time bomb where the code compares it with now:
 * a future date passes one day (a reschedule "in the future" becomes one in the past), a recent
 * one ages out of the window it was meant to fall in (a "last 24 h" filter that then compares an
 * empty list with an empty list). Such dates must be built from the clock instead
 * (test/support/dates.ts). A date that is only data does not need to be recent or ahead, so an
 * older one serves; a deliberate exception carries a `fixed-date-ok: <why>` comment on its line or
 * the line above.
 *
 * Dates older than the recent window are never reported: those that compare with now stay on
 * the same side of it forever. So the scan only gets greener as time passes; it never turns red
 * by itself on an unchanged tree.
 */

export const FIXED_DATE_MARKER = 'fixed-date-ok:';
export const RECENT_DAYS = 14;
const DAY = 86_400_000;

export interface FixedDate {
  line: number;
  /** The literal as written. */
  text: string;
  iso: string;
  kind: 'future' | 'recent';
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Each pattern gives [year, month (1-12), day] of what it matched. */
const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => [number, number, number]]> = [
  // ISO 8601 extended: 2030-01-15, 2030-01-15T10:00:00Z
  [/(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g, (m) => [+m[1], +m[2], +m[3]]],
  // ISO 8601 basic date-time (iCalendar): 20300115T200000Z
  [/(?<!\d)(\d{4})(\d{2})(\d{2})T\d{4,6}/g, (m) => [+m[1], +m[2], +m[3]]],
  // Date.UTC(2030, 0, 15) and new Date(2030, 0, 15): months count from 0
  [/\b(?:Date\.UTC|new Date)\(\s*(\d{4})\s*,\s*(\d{1,2})(?:\s*,\s*(\d{1,2}))?/g, (m) => [+m[1], +m[2] + 1, m[3] === undefined ? 1 : +m[3]]],
  // HTTP dates (RFC 9110): Tue, 01 Jan 2030 00:00:30 GMT
  [/(?<!\d)(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})(?!\d)/g, (m) => [+m[3], MONTHS.indexOf(m[2].toLowerCase()) + 1, +m[1]]],
];
/** Epoch milliseconds between 2001-09-09 and 2286: thirteen digits starting with 1, standing alone. */
const EPOCH_MS = /(?<![\w.])1\d{12}(?![\w])/g;

/** A calendar day as epoch ms; undefined for an impossible one (validation data) or the year 9999 (the end-of-time sentinel never passes). */
function validDay(y: number, m: number, d: number): number | undefined {
  if (y < 1970 || y >= 9999 || m < 1 || m > 12 || d < 1) return undefined;
  const t = Date.UTC(y, m - 1, d);
  return new Date(t).getUTCDate() === d ? t : undefined;
}

const isCommentLine = (line: string) => /^\s*(\/\/|\/\*|\*)/.test(line);
const marked = (line: string | undefined) => line !== undefined && new RegExp(`${FIXED_DATE_MARKER}\\s*\\S`).test(line);

/** The dates of one source text that are ahead of `now` or within RECENT_DAYS before it. */
export function findFixedDates(source: string, now: number): FixedDate[] {
  const lines = source.split('\n');
  const today = Math.floor(now / DAY) * DAY;
  const found: FixedDate[] = [];
  lines.forEach((line, i) => {
    if (isCommentLine(line) || marked(line) || marked(lines[i - 1])) return;
    const hits: Array<{ text: string; t: number; dayOnly: boolean }> = [];
    for (const [re, parts] of PATTERNS) {
      for (const m of line.matchAll(re)) {
        const t = validDay(...parts(m as RegExpExecArray));
        if (t !== undefined) hits.push({ text: m[0], t, dayOnly: true });
      }
    }
    for (const m of line.matchAll(EPOCH_MS)) hits.push({ text: m[0], t: Number(m[0]), dayOnly: false });
    for (const h of hits) {
      const day = h.dayOnly ? h.t : Math.floor(h.t / DAY) * DAY;
      if (day > today) found.push({ line: i + 1, text: h.text, iso: new Date(h.t).toISOString(), kind: 'future' });
      else if (day >= today - RECENT_DAYS * DAY) found.push({ line: i + 1, text: h.text, iso: new Date(h.t).toISOString(), kind: 'recent' });
    }
  });
  return found;
}

/** Test sources: everything under test/, and the specs beside the code in apps/ and libs/. */
export function testSources(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, pick: (name: string) => boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, pick);
      else if (pick(entry.name)) files.push(path);
    }
  };
  walk(join(root, 'test'), (n) => /\.(ts|js)$/.test(n));
  for (const top of ['apps', 'libs']) walk(join(root, top), (n) => n.endsWith('.spec.ts'));
  return files.sort();
}

/** Every finding of the tree, as `path:line: …` messages. */
export function scanTree(root: string, now: number): string[] {
  return testSources(root).flatMap((file) =>
    findFixedDates(readFileSync(file, 'utf8'), now).map(
      (f) => `${relative(root, file)}:${f.line}: ${f.text} is ${f.kind === 'future' ? 'in the future' : `within ${RECENT_DAYS} days of now`}`,
    ),
  );
}

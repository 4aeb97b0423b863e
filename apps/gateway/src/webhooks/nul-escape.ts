const NUL_ESCAPE = '\\u0000';
const BACKSLASH = 0x5c;

/**
 * Whether valid JSON text holds a `\u0000` escape, i.e. a NUL once parsed, which PostgreSQL
 * refuses in jsonb and text. A plain search first (most bodies have none); each hit is a NUL
 * only if the backslash before `u0000` is not itself escaped (`\\u0000` is a backslash, then
 * "u0000"), that is when an even number of backslashes precede it. Runs of backslashes never
 * span two hits, so this stays linear.
 */
export function hasNulEscape(json: string): boolean {
  for (let at = json.indexOf(NUL_ESCAPE); at !== -1; at = json.indexOf(NUL_ESCAPE, at + NUL_ESCAPE.length)) {
    let before = 0;
    for (let i = at - 1; i >= 0 && json.charCodeAt(i) === BACKSLASH; i--) before++;
    if (before % 2 === 0) return true;
  }
  return false;
}

/**
 * SQL literals for statements sent in one simple-protocol round trip (several statements, no
 * parameters). Strings become E'…' with quotes and backslashes escaped, so the result does not
 * depend on the server's standard_conforming_strings. Anything else that cannot be a literal throws.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('invalid date');
    return `${quote(value.toISOString())}::timestamptz`;
  }
  throw new TypeError(`no SQL literal for ${typeof value}`);
}

/** A JSON value as a jsonb literal (NULL for null/undefined). */
export function jsonbLiteral(value: unknown): string {
  return value === null || value === undefined ? 'NULL' : jsonbTextLiteral(JSON.stringify(value));
}

const DOLLAR_TAG = '$rops$';

/**
 * Already-serialised JSON text as a jsonb literal; PostgreSQL parses (and rejects) it. Dollar-quoted
 * when the tag does not occur in the text: no escaping pass over a 20 KB body here, and none when
 * PostgreSQL reads it (a dollar-quoted string is taken as it is). Otherwise E'…' as sqlLiteral.
 */
export function jsonbTextLiteral(text: string): string {
  // '$rops' rather than the whole tag: text ending in '$rops' would close the quote one '$' early.
  if (text.includes('$rops')) return `${quote(text)}::jsonb`;
  if (text.includes('\0')) throw new TypeError('a SQL string cannot hold a NUL character');
  return `${DOLLAR_TAG}${text}${DOLLAR_TAG}::jsonb`;
}

function quote(s: string): string {
  if (s.includes('\0')) throw new TypeError('a SQL string cannot hold a NUL character');
  return `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

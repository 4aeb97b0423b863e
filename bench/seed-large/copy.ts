import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

export type CopyValue = string | number | boolean | Date | null | undefined | string[];

/** One value in COPY's text format: \N for null, backslash escapes for the characters it reserves. */
function copyText(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return escape(`{${v.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  return escape(v);
}

const RESERVED = /[\\\t\n\r]/;
const escape = (s: string) => (RESERVED.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s);

/** COPY `table` (columns) FROM STDIN with rows from a generator, in chunks of about 256 KB. */
export async function copyRows(client: Client, table: string, columns: readonly string[], rows: Iterable<CopyValue[]>): Promise<number> {
  let count = 0;
  function* chunks(): Generator<string> {
    let buf = '';
    for (const row of rows) {
      buf += row.map(copyText).join('\t') + '\n';
      count++;
      if (buf.length > 262_144) {
        yield buf;
        buf = '';
      }
    }
    if (buf) yield buf;
  }
  const sql = `COPY "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`;
  await pipeline(Readable.from(chunks()), client.query(copyFrom(sql)));
  return count;
}

import { InvalidInputError } from '@retell-ops/domain';
import { decodeCursor, encodeCursor, keysetPage, readCursor, rowsToFetch, type KeysetCursor } from './keyset-page';

const ID = '3f2b8c1e-9a7d-4e6f-8b5a-1c2d3e4f5a6b';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('keyset cursors: encodeCursor / decodeCursor', () => {
  it.each([
    ['a normal timestamp', new Date('2025-10-09T14:03:27.123Z'), ID],
    ['the epoch', new Date(0), '00000000-0000-0000-0000-000000000000'],
    ['a date before the epoch', new Date('1969-12-31T23:59:59.999Z'), ID],
    ['millisecond precision', new Date(1_760_000_000_001), 'ffffffff-ffff-4fff-bfff-ffffffffffff'],
    ['a far-future date', new Date('9999-12-31T23:59:59.999Z'), ID],
    ['no time (sorted last)', null, ID],
  ])('round-trips %s', (_name, at, id) => {
    const cursor: KeysetCursor = { at, id };
    const raw = encodeCursor(cursor);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/); // safe in a query string as is
    expect(decodeCursor(raw)).toEqual(cursor);
    expect(decodeCursor(raw)!.at?.getTime()).toBe(at?.getTime());
  });

  it('is opaque but deterministic', () => {
    const c = { at: new Date('2025-10-09T14:03:27.123Z'), id: ID };
    expect(encodeCursor(c)).toBe(encodeCursor({ ...c }));
    expect(encodeCursor(c)).toBe(b64(`2025-10-09T14:03:27.123Z|${ID}`));
    expect(encodeCursor({ at: null, id: ID })).toBe(b64(`-|${ID}`));
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   '],
    ['not base64 at all', '!!!@@@###'],
    ['random base64url', 'aGVsbG8gd29ybGQ'],
    ['a bare uuid', ID],
    ['a bare ISO date', '2025-10-09T14:03:27.123Z'],
    ['encoded: date only', b64('2025-10-09T14:03:27.123Z')],
    ['encoded: date and empty id', b64('2025-10-09T14:03:27.123Z|')],
    ['encoded: id only', b64(`|${ID}`)],
    ['encoded: invalid date', b64(`not-a-date|${ID}`)],
    ['encoded: month 13', b64(`2025-13-01T00:00:00.000Z|${ID}`)],
    ['encoded: uuid too short', b64(`2025-10-09T14:03:27.123Z|${ID.slice(0, -1)}`)],
    ['encoded: uuid without dashes', b64(`2025-10-09T14:03:27.123Z|${ID.replace(/-/g, '')}`)],
    ['encoded: uppercase uuid', b64(`2025-10-09T14:03:27.123Z|${ID.toUpperCase()}`)],
    ['encoded: uuid with SQL after it', b64(`2025-10-09T14:03:27.123Z|${ID}' OR 1=1 --`)],
    ['encoded: uuid with a trailing newline', b64(`2025-10-09T14:03:27.123Z|${ID}\n`)],
    ['encoded: swapped parts', b64(`${ID}|2025-10-09T14:03:27.123Z`)],
    ['encoded: other separator', b64(`2025-10-09T14:03:27.123Z,${ID}`)],
    ['encoded: JSON', b64(JSON.stringify({ occurredAt: '2025-10-09T14:03:27.123Z', id: ID }))],
    ['encoded: a third part', b64(`2025-10-09T14:03:27.123Z|${ID}|x`)],
    ['encoded: a date without its time', b64(`2025-10-09|${ID}`)],
    ['encoded: a time not as issued', b64(`2025-10-09T14:03:27Z|${ID}`)],
    ['encoded: no time and no id', b64('-|')],
    ['a very long string', 'A'.repeat(100_000)],
  ])('garbage (%s) -> undefined', (_name, raw) => {
    expect(decodeCursor(raw)).toBeUndefined();
  });
});

describe('readCursor', () => {
  const dated = encodeCursor({ at: new Date('2025-10-09T14:03:27.123Z'), id: ID });
  const undated = encodeCursor({ at: null, id: ID });

  it('is undefined on the first page and the cursor after it', () => {
    expect(readCursor(undefined)).toBeUndefined();
    expect(readCursor(dated)).toEqual({ at: new Date('2025-10-09T14:03:27.123Z'), id: ID });
    expect(readCursor(undated, { nullable: true })).toEqual({ at: null, id: ID });
  });

  it.each([
    ['garbage', 'not-a-cursor', {}],
    ['empty', '', {}],
    ['a cursor without a time where every row has one', undated, {}],
  ])('refuses %s as bad input of the cursor field', (_name, raw, options) => {
    const read = () => readCursor(raw, options as { nullable: true });
    expect(read).toThrow(InvalidInputError);
    expect(read).toThrow('cursor is not one this API issued');
    try {
      read();
    } catch (e) {
      expect((e as InvalidInputError).field).toBe('cursor');
    }
  });
});

describe('keysetPage', () => {
  const rows = Array.from({ length: 4 }, (_, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, at: new Date(1_760_000_000_000 - i * 1000) }));
  const key = (r: (typeof rows)[number]) => ({ at: r.at, id: r.id });

  it.each<[string, number | undefined, number, number, boolean]>([
    ['more rows than the limit', 3, 4, 3, true],
    ['exactly the limit', 4, 4, 4, false],
    ['fewer than the limit', undefined, 4, 4, false],
    ['nothing', 2, 0, 0, false],
  ])('%s', (_name, limit, fetched, shown, more) => {
    expect(rowsToFetch({ limit })).toBe((limit ?? 50) + 1);
    const page = keysetPage(rows.slice(0, fetched), { limit }, key, (r) => r.id);
    expect(page.data).toEqual(rows.slice(0, shown).map((r) => r.id));
    expect(page.nextCursor).toBe(more ? encodeCursor(key(rows[shown - 1])) : null);
  });
});

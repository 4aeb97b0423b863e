import { decodeCursor, encodeCursor, type CallCursor } from './cursor';

const ID = '3f2b8c1e-9a7d-4e6f-8b5a-1c2d3e4f5a6b';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('encodeCursor / decodeCursor', () => {
  it.each([
    ['a normal timestamp', new Date('2025-10-09T14:03:27.123Z'), ID],
    ['the epoch', new Date(0), '00000000-0000-0000-0000-000000000000'],
    ['a date before the epoch', new Date('1969-12-31T23:59:59.999Z'), ID],
    ['millisecond precision', new Date(1_760_000_000_001), 'ffffffff-ffff-4fff-bfff-ffffffffffff'],
    ['a far-future date', new Date('9999-12-31T23:59:59.999Z'), ID],
  ])('round-trips %s', (_name, occurredAt, id) => {
    const cursor: CallCursor = { occurredAt, id };
    const raw = encodeCursor(cursor);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/); // safe in a query string as is
    expect(decodeCursor(raw)).toEqual(cursor);
    expect(decodeCursor(raw)!.occurredAt.getTime()).toBe(occurredAt.getTime());
  });

  it('is opaque but deterministic', () => {
    const c = { occurredAt: new Date('2025-10-09T14:03:27.123Z'), id: ID };
    expect(encodeCursor(c)).toBe(encodeCursor({ ...c }));
    expect(encodeCursor(c)).toBe(b64(`2025-10-09T14:03:27.123Z|${ID}`));
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
    ['a very long string', 'A'.repeat(100_000)],
  ])('garbage (%s) -> undefined', (_name, raw) => {
    expect(decodeCursor(raw)).toBeUndefined();
  });
});

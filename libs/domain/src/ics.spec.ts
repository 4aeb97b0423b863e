import { escapeIcsText, foldIcsLine, renderIcs } from './ics';

describe('renderIcs', () => {
  const event = {
    uid: 'interview-1@retell-ops',
    start: new Date('2025-10-08T19:00:00Z'),
    durationMinutes: 45,
    summary: 'Interview: John Doe, Senior Python Developer',
    description: 'Booked on call call_abc; notes: remote, team size?',
    status: 'CONFIRMED' as const,
    sequence: 2,
    stamp: new Date('2025-10-01T08:30:00.123Z'),
    timeZone: 'America/New_York',
  };
  const ics = renderIcs(event);
  const lines = ics.split('\r\n');

  it.each([
    ['BEGIN:VCALENDAR'],
    ['VERSION:2.0'],
    ['BEGIN:VEVENT'],
    ['UID:interview-1@retell-ops'],
    ['DTSTART:20251008T190000Z'],
    ['DTEND:20251008T194500Z'],
    ['DTSTAMP:20251001T083000Z'],
    ['SEQUENCE:2'],
    ['STATUS:CONFIRMED'],
    ['METHOD:PUBLISH'],
    ['SUMMARY:Interview: John Doe\\, Senior Python Developer'],
    ['END:VEVENT'],
    ['END:VCALENDAR'],
  ])('has %s', (line) => expect(lines).toContain(line));

  it('ends every line with CRLF and keeps every line within 75 octets', () => {
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const l of lines) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
  });

  it('says CANCEL for a cancelled interview', () => {
    const c = renderIcs({ ...event, status: 'CANCELLED', sequence: 3 });
    expect(c).toContain('METHOD:CANCEL\r\n');
    expect(c).toContain('STATUS:CANCELLED\r\n');
  });
});

describe('escapeIcsText', () => {
  it.each([
    ['a,b', 'a\\,b'],
    ['a;b', 'a\\;b'],
    ['a\\b', 'a\\\\b'],
    ['line1\nline2', 'line1\\nline2'],
    ['line1\r\nline2', 'line1\\nline2'],
  ])('%j → %j', (input, out) => expect(escapeIcsText(input)).toBe(out));
});

describe('foldIcsLine', () => {
  it.each([
    ['short', 1],
    ['x'.repeat(75), 1],
    ['x'.repeat(76), 2],
    ['x'.repeat(75 + 74 + 1), 3],
  ])('%#: folds into %i lines of at most 75 octets', (line, count) => {
    const folded = foldIcsLine(line).split('\r\n');
    expect(folded).toHaveLength(count);
    for (const l of folded) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(folded.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(line);
  });

  it('never splits a multi-byte character', () => {
    const line = `DESCRIPTION:${'é'.repeat(80)}`;
    const folded = foldIcsLine(line).split('\r\n');
    for (const l of folded) {
      expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
      expect(Buffer.from(l, 'utf8').toString('utf8')).toBe(l);
    }
    expect(folded.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(line);
  });
});

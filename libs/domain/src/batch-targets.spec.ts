import { collapseDuplicateNumbers, MAX_BATCH_TARGETS, MAX_REPORTED_BAD_ROWS, readCsvTargets, readJsonTargets } from './batch-targets';

describe('readJsonTargets', () => {
  it.each([
    ['a plain number', ['+14155550123'], [{ row: 0, toNumber: '+14155550123' }]],
    [
      'an object with variables and metadata',
      [{ toNumber: '+14155550123', dynamicVariables: { a: 'b' }, metadata: { n: 1 } }],
      [{ row: 0, toNumber: '+14155550123', dynamicVariables: { a: 'b' }, metadata: { n: 1 } }],
    ],
    ['a candidate only', [{ candidateId: 'ext-1' }], [{ row: 0, candidateId: 'ext-1' }]],
  ])('%s is a target', (_name, targets, expected) => {
    expect(readJsonTargets(targets)).toEqual({ targets: expected, bad: [], badCount: 0 });
  });

  it.each([
    ['not an array', 'x', 'targets must be an array'],
    ['empty', [], 'targets must not be empty'],
    ['a bad number', ['+14155550123', '555-0100'], 'targets.1.toNumber must be an E.164 number such as +14155550123'],
    ['a number that is not a string', [14155550124], 'targets.0.toNumber must be an E.164 number such as +14155550123'],
    ['null', [null], 'targets.0 needs toNumber or candidateId'],
    ['an empty object', [{}], 'targets.0 needs toNumber or candidateId'],
    ['an unknown field', [{ toNumber: '+14155550123', colour: 'blue' }], 'targets.0.property colour should not exist'],
    [
      'a non-string variable',
      [{ toNumber: '+14155550123', dynamicVariables: { age: 42 } }],
      'targets.0.dynamicVariables.age must be a string (Retell dynamic variables are strings only; got number)',
    ],
    ['metadata not an object', [{ toNumber: '+14155550123', metadata: [1] }], 'targets.0.metadata must be an object'],
    ['a long candidate id', [{ candidateId: 'x'.repeat(201) }], 'targets.0.candidateId must be a string of at most 200 characters'],
  ])('%s is refused', (_name, targets, message) => {
    expect(readJsonTargets(targets).bad[0].message).toBe(message);
  });

  it(`more than ${MAX_BATCH_TARGETS} targets are refused; at most ${MAX_REPORTED_BAD_ROWS} bad rows are named, all counted`, () => {
    expect(readJsonTargets(Array.from({ length: MAX_BATCH_TARGETS + 1 }, () => '+14155550123')).bad[0].message).toMatch(/no more than 100000/);
    const read = readJsonTargets(Array.from({ length: 500 }, () => 'nope'));
    expect([read.bad.length, read.badCount, read.targets.length]).toEqual([MAX_REPORTED_BAD_ROWS, 500, 0]);
  });
});

describe('readCsvTargets', () => {
  it('maps the number, candidate, metadata.* and variable columns; blank lines and empty cells are left out', () => {
    const rows = [['Phone', 'candidate_id', 'first_name', 'metadata.source'], ['+14155550123', '', 'Ana', 'fair'], [''], ['', 'ext-9', '', '']];
    expect(readCsvTargets(rows)).toEqual({
      targets: [
        { row: 2, toNumber: '+14155550123', dynamicVariables: { first_name: 'Ana' }, metadata: { source: 'fair' } },
        { row: 4, candidateId: 'ext-9' },
      ],
      bad: [],
      badCount: 0,
    });
  });

  it.each([
    ['no number or candidate column', [['name'], ['Ana']], 'line 1: the header needs a phone (or toNumber) column or a candidate_id column'],
    [
      'a column twice',
      [
        ['phone', 'a', 'a'],
        ['+14155550123', '1', '2'],
      ],
      'line 1: the column "a" appears twice',
    ],
    ['no rows', [['phone']], 'targets must not be empty (the CSV has no rows after its header)'],
    ['a bad number', [['phone'], ['555']], 'line 2: phone "555" must be an E.164 number such as +14155550123'],
    ['a short row', [['phone', 'a'], ['+14155550123']], 'line 2: 1 cells where the header has 2'],
    [
      'an empty row of cells',
      [
        ['phone', 'a'],
        ['', 'x'],
      ],
      'line 2: needs a phone number or a candidate_id',
    ],
  ])('%s is refused', (_name, rows, message) => {
    expect(readCsvTargets(rows).bad[0].message).toBe(message);
  });
});

describe('collapseDuplicateNumbers', () => {
  it('keeps the first of each number and names the rows dropped', () => {
    const t = (row: number, toNumber: string) => ({ row, toNumber });
    expect(collapseDuplicateNumbers([t(0, '+1'), t(1, '+2'), t(2, '+1'), t(3, '+1')])).toEqual({ kept: [t(0, '+1'), t(1, '+2')], duplicateRows: [2, 3] });
  });
});

import { parseTargetsCsv } from './csv';
import { isE164, splitNumbers } from './e164';
import { collectTargets } from './pages/BatchesPage';

describe('isE164', () => {
  it.each([
    ['+14155550123', true],
    [' +14155550123 ', true],
    ['+442071838750', true],
    ['14155550123', false],
    ['+04155550123', false],
    ['+1415', false],
    ['+1234567890123456', false],
    ['+1 415 555 0123', false],
    ['', false],
  ])('%j -> %s', (v, ok) => {
    expect(isE164(v)).toBe(ok);
  });
});

describe('splitNumbers', () => {
  it('splits on lines, commas, semicolons and spaces', () => {
    expect(splitNumbers('+14155550100\n+14155550101, +14155550102;+14155550103  \n\n')).toEqual([
      '+14155550100',
      '+14155550101',
      '+14155550102',
      '+14155550103',
    ]);
  });
});

describe('parseTargetsCsv', () => {
  it('takes phone and makes every other column a dynamic variable (strings)', () => {
    const { targets, errors } = parseTargetsCsv('phone,first_name,slot\n+14155550100,Ada,9\n+14155550101,Grace,\n');
    expect(errors).toEqual([]);
    expect(targets).toEqual([
      { toNumber: '+14155550100', dynamicVariables: { first_name: 'Ada', slot: '9' } },
      { toNumber: '+14155550101', dynamicVariables: { first_name: 'Grace' } },
    ]);
  });

  it('accepts a phone-only file and quoted values with commas', () => {
    expect(parseTargetsCsv('phone\n+14155550100')).toEqual({ targets: [{ toNumber: '+14155550100' }], errors: [] });
    expect(parseTargetsCsv('phone,note\n+14155550100,"late, after 5"').targets[0].dynamicVariables).toEqual({ note: 'late, after 5' });
  });

  it('names each bad row by its line in the file', () => {
    const { targets, errors } = parseTargetsCsv('phone,name\n+14155550100,a\n555-0101,b\n+14155550102,c');
    expect(targets.map((t) => t.toNumber)).toEqual(['+14155550100', '+14155550102']);
    expect(errors).toEqual(['row 3: "555-0101" is not an E.164 number such as +14155550123']);
  });

  it('refuses a file without a phone column', () => {
    const { targets, errors } = parseTargetsCsv('number,name\n+14155550100,a');
    expect(targets).toEqual([]);
    expect(errors[0]).toMatch(/"phone" column/);
  });
});

describe('collectTargets', () => {
  it('joins pasted numbers and CSV rows, listing every bad number', () => {
    const csv = parseTargetsCsv('phone,name\n+14155550105,x');
    const { targets, errors } = collectTargets('+14155550100\nbad\n+14155550101', csv);
    expect(targets).toEqual(['+14155550100', '+14155550101', { toNumber: '+14155550105', dynamicVariables: { name: 'x' } }]);
    expect(errors).toEqual(['"bad" is not an E.164 number such as +14155550123']);
  });
});

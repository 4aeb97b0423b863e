import { jsonbLiteral, jsonbTextLiteral, sqlLiteral } from './sql-literal';

describe('sqlLiteral', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'NULL'],
    ['undefined', undefined, 'NULL'],
    ['plain text', 'abc', "E'abc'"],
    ['empty string', '', "E''"],
    ['single quote doubled', "it's", "E'it''s'"],
    ['backslash doubled', 'a\\b', "E'a\\\\b'"],
    ['quote after backslash', "\\'; DROP TABLE x; --", "E'\\\\''; DROP TABLE x; --'"],
    ['unicode kept', 'café ☎', "E'café ☎'"],
    ['integer', 42, '42'],
    ['negative', -7, '-7'],
    ['fraction', 12.3456, '12.3456'],
    ['true', true, 'TRUE'],
    ['false', false, 'FALSE'],
    ['date', new Date(Date.UTC(2025, 9, 8, 19)), "E'2025-10-08T19:00:00.000Z'::timestamptz"],
  ])('%s', (_name, value, expected) => {
    expect(sqlLiteral(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['invalid date', new Date('nope')],
    ['object', { a: 1 }],
    ['bigint', BigInt(1)],
    ['NUL character', 'a\0b'],
  ])('refuses %s', (_name, value) => {
    expect(() => sqlLiteral(value)).toThrow(TypeError);
  });
});

describe('jsonbLiteral', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'NULL'],
    ['object', { a: "it's" }, '$rops$' + `{"a":"it's"}` + '$rops$::jsonb'],
    ['escaped newline stays escaped', { t: 'a\nb' }, '$rops$' + '{"t":"a\\nb"}' + '$rops$::jsonb'],
    ['array', [1, 2], '$rops$[1,2]$rops$::jsonb'],
    ['the dollar tag inside: E-quoted instead', { t: "$rops$'" }, `E'{"t":"$rops$''"}'::jsonb`],
    ['the tag without its last $ inside: E-quoted instead', { t: "'$rops" }, `E'{"t":"''$rops"}'::jsonb`],
  ])('%s', (_name, value, expected) => {
    expect(jsonbLiteral(value)).toBe(expected);
  });

  it('takes JSON text as it is', () => {
    expect(jsonbTextLiteral('{"x": 1}')).toBe('$rops${"x": 1}$rops$::jsonb');
  });

  it('never lets the text close the quote early (text ending in $rops)', () => {
    expect(jsonbTextLiteral(' $rops')).toBe("E' $rops'::jsonb");
  });

  it('refuses a NUL character', () => {
    expect(() => jsonbTextLiteral('"a\0b"')).toThrow(TypeError);
  });
});

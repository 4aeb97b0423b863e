import { hasNulEscape } from './nul-escape';

/** Whether any key or string of the parsed JSON holds a NUL: the truth the fast check must match. */
function nulOnceParsed(json: string): boolean {
  let found = false;
  JSON.parse(json, (key, value) => {
    if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) found = true;
    return value;
  });
  return found;
}

/** Each body is valid JSON; the expectation is checked against what JSON.parse makes of it. */
describe('hasNulEscape', () => {
  it.each<[string, string, boolean]>([
    ['no escape at all', '{"a":"b"}', false],
    ['a NUL in a value', '{"a":"x\\u0000y"}', true],
    ['a NUL in a key', '{"\\u0000":1}', true],
    ['a NUL as the whole string', '["\\u0000"]', true],
    ['an escaped backslash, then u0000 (text, not a NUL)', '{"a":"\\\\u0000"}', false],
    ['three backslashes: an escaped backslash, then a NUL', '{"a":"\\\\\\u0000"}', true],
    ['four backslashes, then u0000', '{"a":"\\\\\\\\u0000"}', false],
    ['a text hit first, a real NUL later', '{"a":"\\\\u0000","b":"\\u0000"}', true],
    ['two text hits', '{"a":"\\\\u0000\\\\u0000"}', false],
    ['other control escapes', '{"a":"\\u0001\\u001f\\n"}', false],
    ['\\u00000 is a NUL followed by 0', '{"a":"\\u00000"}', true],
    ['u0000 without a backslash', '{"a":"u0000"}', false],
  ])('%s', (_name, json, expected) => {
    expect(hasNulEscape(json)).toBe(expected);
    expect(nulOnceParsed(json)).toBe(expected);
  });

  it('agrees with JSON.parse on every mix of backslashes before u0000', () => {
    for (let slashes = 1; slashes <= 8; slashes++) {
      const json = `["${'\\'.repeat(slashes)}u0000"]`;
      let parsed: string | undefined;
      try {
        parsed = (JSON.parse(json) as string[])[0];
      } catch {
        continue; // an odd count before a non-escape is not valid JSON; not a case the gateway sees
      }
      expect(hasNulEscape(json)).toBe(parsed.includes('\0'));
    }
  });

  it('a 4 MB body of text hits answers without a NUL', () => {
    const json = JSON.stringify({ t: '\\u0000'.repeat(700_000) });
    expect(hasNulEscape(json)).toBe(false);
  });
});

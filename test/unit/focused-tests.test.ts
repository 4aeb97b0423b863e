import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { focusedIn, focusedTests } = require('../support/focused-tests') as {
  focusedIn(source: string): Array<{ line: number; text: string }>;
  focusedTests(root?: string): Array<{ file: string; line: number; text: string }>;
};

/**
 * Samples spell the focus and skip calls in capitals (it.ONLY, FIT, …) and `sample` lowers them,
 * so this file holds no focused or skipped call that another scanner could take for a real one.
 */
const sample = (source: string) =>
  source.replace(/\.(ONLY|SKIP|TODO)\b/g, (m) => m.toLowerCase()).replace(/\b(FIT|FDESCRIBE|XIT|XDESCRIBE)\b/g, (m) => m.toLowerCase());

/** The scan .ci/run runs before Jest: a focused test would skip the rest of its file and still pass. */
describe('focused-test scan', () => {
  it.each<[string, string, number[]]>([
    ['it.ONLY', "it.ONLY('x', () => {});", [1]],
    ['test.ONLY', "test.ONLY('x', () => {});", [1]],
    ['describe.ONLY', "describe.ONLY('x', () => {});", [1]],
    ['FIT', "FIT('x', () => {});", [1]],
    ['FDESCRIBE', "FDESCRIBE('x', () => {});", [1]],
    ['FIT.each', 'FIT.each([1])("x %i", () => {});', [1]],
    ['test.ONLY.each', 'test.ONLY.each([[1]])("x", () => {});', [1]],
    ['describe.ONLY.each', 'describe.ONLY.each([1])("x", () => {});', [1]],
    ['it.concurrent.ONLY', "it.concurrent.ONLY('x', async () => {});", [1]],
    ['spaces around the dots', "it . only ('x', () => {});", [1]],
    ['indented, on its line', "describe('a', () => {\n  it('b', () => {});\n  it.ONLY('c', () => {});\n});", [3]],
    ['two in one file', "it.ONLY('a', () => {});\nFDESCRIBE('b', () => {});", [1, 2]],
    ['a plain test', "it('x', () => {}); test('y', () => {}); describe('z', () => {});", []],
    ['skipped and todo tests', "it.SKIP('x', () => {}); XIT('y', () => {}); test.TODO('z'); XDESCRIBE('w', () => {});", []],
    ['test.each', "test.each([[1]])('x', () => {});", []],
    ['a line comment', "// it.ONLY('x') was here\nit('x', () => {});", []],
    ['a block comment', "/* FIT('x', …) */ it('x', () => {});", []],
    ['a string', `it('does not treat "it.ONLY(" in a string as focus', () => {});`, []],
    ['a template literal', "const sample = `describe.ONLY('x', () => {})`;", []],
    ['a method that ends in fit', "layout.FIT('x'); profit('y'); benefit(1);", []],
    ['a property named only', "options.ONLY('x'); submit.ONLY = true;", []],
  ])('%s', (_name, source, lines) => {
    expect(focusedIn(sample(source)).map((f) => f.line)).toEqual(lines);
  });

  it('names the line it found', () => {
    expect(focusedIn(sample("describe('a', () => {\n    it.ONLY('b', () => {});\n});"))).toEqual([{ line: 2, text: sample("it.ONLY('b', () => {});") }]);
  });

  it('no test file of this repository is focused', () => {
    expect(focusedTests(path.resolve(__dirname, '..', '..'))).toEqual([]);
  });
});

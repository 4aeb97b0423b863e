import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { focusedIn, focusedTests } = require('../support/focused-tests') as {
  focusedIn(source: string): Array<{ line: number; text: string }>;
  focusedTests(root?: string): Array<{ file: string; line: number; text: string }>;
};

/** The scan .ci/run runs before Jest: a focused test would skip the rest of its file and still pass. */
describe('focused-test scan', () => {
  it.each<[string, string, number[]]>([
    ['it.only', "it.only('x', () => {});", [1]],
    ['test.only', "test.only('x', () => {});", [1]],
    ['describe.only', "describe.only('x', () => {});", [1]],
    ['fit', "fit('x', () => {});", [1]],
    ['fdescribe', "fdescribe('x', () => {});", [1]],
    ['fit.each', 'fit.each([1])("x %i", () => {});', [1]],
    ['test.only.each', 'test.only.each([[1]])("x", () => {});', [1]],
    ['describe.only.each', 'describe.only.each([1])("x", () => {});', [1]],
    ['it.concurrent.only', "it.concurrent.only('x', async () => {});", [1]],
    ['spaces around the dots', "it . only ('x', () => {});", [1]],
    ['indented, on its line', "describe('a', () => {\n  it('b', () => {});\n  it.only('c', () => {});\n});", [3]],
    ['two in one file', "it.only('a', () => {});\nfdescribe('b', () => {});", [1, 2]],
    ['a plain test', "it('x', () => {}); test('y', () => {}); describe('z', () => {});", []],
    ['skipped and todo tests', "it.skip('x', () => {}); xit('y', () => {}); test.todo('z'); xdescribe('w', () => {});", []],
    ['test.each', "test.each([[1]])('x', () => {});", []],
    ['a line comment', "// it.only('x') was here\nit('x', () => {});", []],
    ['a block comment', "/* fit('x', …) */ it('x', () => {});", []],
    ['a string', `it('does not treat "it.only(" in a string as focus', () => {});`, []],
    ['a template literal', 'const sample = `describe.only(\'x\', () => {})`;', []],
    ['a method that ends in fit', "layout.fit('x'); profit('y'); benefit(1);", []],
    ['a property named only', "options.only('x'); submit.only = true;", []],
  ])('%s', (_name, source, lines) => {
    expect(focusedIn(source).map((f) => f.line)).toEqual(lines);
  });

  it('names the line it found', () => {
    expect(focusedIn("describe('a', () => {\n    it.only('b', () => {});\n});")).toEqual([{ line: 2, text: "it.only('b', () => {});" }]);
  });

  it('no test file of this repository is focused', () => {
    expect(focusedTests(path.resolve(__dirname, '..', '..'))).toEqual([]);
  });
});

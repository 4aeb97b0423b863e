import { resolveBin, runNode } from '../support/house-tools';

/**
 * Every file Prettier formats (all but .prettierignore's) is formatted as .prettierrc says.
 * `npm run format` fixes them; `npm run format:check` is this check from the command line.
 */
describe('Prettier over the tree', () => {
  it('finds every file formatted', async () => {
    const run = await runNode(resolveBin('prettier/bin/prettier.cjs'), ['--check', '.']);
    const unformatted = `${run.stdout}\n${run.stderr}`
      .split('\n')
      .map((l) => /^\[warn\] (?!Code style issues)(.+)$/.exec(l)?.[1])
      .filter((f): f is string => !!f);
    expect({ unformatted: unformatted.length, first: unformatted.slice(0, 15) }).toEqual({ unformatted: 0, first: [] });
    expect(run.code).toBe(0);
  }, 240_000);
});

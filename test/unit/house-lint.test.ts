import { eslint } from '../support/house-tools';

/** The house lint (eslint.config.mjs) holds over the whole tree: apps, libs, test, bench, tools. */
describe('ESLint over the tree', () => {
  it('reports no error and no warning', async () => {
    const results = await eslint('tree');
    // The tree really was linted (not an empty match): every area is in the results.
    const linted = results.map((r) => r.filePath);
    for (const area of ['apps/', 'libs/', 'test/', 'bench/', 'tools/'])
      expect({ area, linted: linted.some((f) => f.startsWith(area)) }).toEqual({ area, linted: true });
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId ?? '(parse)'}: ${m.message}`));
    // The first few, so a failure says what to fix.
    expect({ count: problems.length, first: problems.slice(0, 10) }).toEqual({ count: 0, first: [] });
  }, 240_000);
});

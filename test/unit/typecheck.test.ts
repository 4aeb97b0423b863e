import { resolveBin, runNode } from '../support/house-tools';

/**
 * The build only transpiles (tools/build-project.js) and Jest runs through SWC, so neither checks
 * types: this does, over everything tsconfig.json includes (apps, libs, test, bench, tools), and
 * over the dashboard with its own browser tsconfig (Vite only transpiles it too).
 */
describe('TypeScript', () => {
  it('type-checks the tree without an error', async () => {
    const run = await runNode(resolveBin('typescript/bin/tsc'), ['--noEmit', '-p', 'tsconfig.json']);
    const errors = run.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect({ errors: errors.length, first: errors.slice(0, 10) }).toEqual({ errors: 0, first: [] });
    expect(run.code).toBe(0);
  }, 240_000);

  it('type-checks the dashboard without an error', async () => {
    const run = await runNode(resolveBin('typescript/bin/tsc'), ['--noEmit', '-p', 'apps/dashboard/tsconfig.json']);
    const errors = run.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect({ errors: errors.length, first: errors.slice(0, 10) }).toEqual({ errors: 0, first: [] });
    expect(run.code).toBe(0);
  }, 240_000);
});

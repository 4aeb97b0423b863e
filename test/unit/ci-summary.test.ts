import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { summaryLines } = require('../support/summary-reporter') as { summaryLines(results: object): [string, string] };

const ROOT = path.resolve(__dirname, '..', '..');

/** A Jest aggregated result with only what the reporter reads. */
function results(
  totals: { passed?: number; failed?: number; pending?: number; todo?: number },
  suites: Array<{ failing?: number; execError?: boolean; skipped?: boolean }> = [],
) {
  return {
    numPassedTests: totals.passed ?? 0,
    numFailedTests: totals.failed ?? 0,
    numPendingTests: totals.pending ?? 0,
    numTodoTests: totals.todo ?? 0,
    testResults: suites.map((s) => ({
      numFailingTests: s.failing ?? 0,
      testExecError: s.execError ? { message: 'boom' } : undefined,
      skipped: s.skipped ?? false,
    })),
  };
}

describe('the summary CI reads', () => {
  it.each<[string, ReturnType<typeof results>, [string, string]]>([
    ['all passed', results({ passed: 12 }), ['0 skipped, 0 todo', '12 passed, 0 failed']],
    ['skipped and todo tests are counted', results({ passed: 7, pending: 3, todo: 2 }), ['3 skipped, 2 todo', '7 passed, 0 failed']],
    ['failing tests', results({ passed: 5, failed: 2 }, [{ failing: 2 }]), ['0 skipped, 0 todo', '5 passed, 2 failed']],
    ['a suite that did not run is one failure', results({ passed: 5 }, [{ execError: true }]), ['0 skipped, 0 todo', '5 passed, 1 failed']],
    [
      'a suite error beside failing tests is not counted twice',
      results({ failed: 1 }, [{ failing: 1, execError: true }]),
      ['0 skipped, 0 todo', '0 passed, 1 failed'],
    ],
    ['a skipped suite is no failure', results({ pending: 4 }, [{ skipped: true, execError: true }]), ['4 skipped, 0 todo', '0 passed, 0 failed']],
  ])('%s', (_name, r, lines) => {
    expect(summaryLines(r)).toEqual(lines);
  });
});

/**
 * .ci/run itself, in a copy of its tree where `npm` is a stand-in that writes what Jest's reporter
 * would and exits as told: the script still runs exactly `npm test`, and its last line is the contract.
 */
describe('.ci/run', () => {
  let tree: string;

  beforeEach(() => {
    tree = mkdtempSync(path.join(tmpdir(), 'ci-run-'));
    mkdirSync(path.join(tree, '.ci'));
    mkdirSync(path.join(tree, 'test', 'support'), { recursive: true });
    mkdirSync(path.join(tree, 'bin'));
    cpSync(path.join(ROOT, '.ci', 'run'), path.join(tree, '.ci', 'run'));
    cpSync(path.join(ROOT, 'test', 'support', 'focused-tests.js'), path.join(tree, 'test', 'support', 'focused-tests.js'));
    writeFileSync(path.join(tree, 'test', 'a.test.ts'), "it('a', () => {});\n");
    writeFileSync(
      path.join(tree, 'bin', 'npm'),
      '#!/usr/bin/env bash\necho "$*" >> npm-calls.txt\nmkdir -p .run\n[ -n "${FAKE_SUMMARY:-}" ] && printf "%b" "$FAKE_SUMMARY" > .run/test-summary.txt\nexit "${FAKE_STATUS:-0}"\n',
    );
    chmodSync(path.join(tree, 'bin', 'npm'), 0o755);
  });

  afterEach(() => rmSync(tree, { recursive: true, force: true }));

  async function ciRun(env: { FAKE_SUMMARY?: string; FAKE_STATUS?: string }): Promise<{ code: number; lines: string[]; stderr: string; npmCalls: string }> {
    const run = promisify(execFile)('bash', [path.join(tree, '.ci', 'run')], {
      env: { ...process.env, PATH: `${path.join(tree, 'bin')}:${process.env.PATH}`, ...env },
    });
    const { code, stdout, stderr } = await run.then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    const calls = path.join(tree, 'npm-calls.txt');
    return { code, lines: stdout.trimEnd().split('\n'), stderr, npmCalls: existsSync(calls) ? readFileSync(calls, 'utf8') : '' };
  }

  it('passes the counts through and ends with the line CI parses', async () => {
    const r = await ciRun({ FAKE_SUMMARY: '2 skipped, 1 todo\\n40 passed, 0 failed\\n' });
    expect(r).toMatchObject({ code: 0, npmCalls: 'test\n' });
    expect(r.lines.slice(-2)).toEqual(['2 skipped, 1 todo', '40 passed, 0 failed']);
  });

  it('failing tests: non-zero, counted', async () => {
    const r = await ciRun({ FAKE_SUMMARY: '0 skipped, 0 todo\\n38 passed, 2 failed\\n', FAKE_STATUS: '1' });
    expect(r.code).toBe(1);
    expect(r.lines.slice(-2)).toEqual(['0 skipped, 0 todo', '38 passed, 2 failed']);
  });

  it('a failed run that reported no failure counts one', async () => {
    const r = await ciRun({ FAKE_SUMMARY: '0 skipped, 0 todo\\n40 passed, 0 failed\\n', FAKE_STATUS: '1' });
    expect(r.code).toBe(1);
    expect(r.lines.slice(-1)).toEqual(['40 passed, 1 failed']);
  });

  it('a run that died before Jest reported counts one', async () => {
    const r = await ciRun({ FAKE_STATUS: '1' });
    expect(r.code).toBe(1);
    expect(r.lines.slice(-2)).toEqual(['0 skipped, 0 todo', '0 passed, 1 failed']);
  });

  it('a focused test fails the run before npm test, each counted, with where it is', async () => {
    // spelled in capitals and lowered here, so this file itself holds no focused call
    const focused = "describe('b', () => {\n  it.ONLY('one', () => {});\n  FIT('two', () => {});\n});\n".replace('ONLY', 'only').replace('FIT', 'fit');
    writeFileSync(path.join(tree, 'test', 'b.test.ts'), focused);
    const r = await ciRun({ FAKE_SUMMARY: '0 skipped, 0 todo\\n1 passed, 0 failed\\n' });
    expect(r.code).toBe(1);
    expect(r.npmCalls).toBe('');
    expect(r.stderr).toContain('test/b.test.ts:2: focused test: it.only');
    expect(r.stderr).toContain('test/b.test.ts:3: focused test: fit');
    expect(r.stderr).toMatch(/refuses focused tests/);
    expect(r.lines.slice(-2)).toEqual(['0 skipped, 0 todo', '0 passed, 2 failed']);
  });
});

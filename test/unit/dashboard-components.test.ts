import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The dashboard's component tests run under Vitest (jsdom, Vite's transforms); this suite runs
 * them once and reports each of their tests as one of its own, so `npm test`'s counts include them
 * and a failing component test fails the run with its message.
 */
interface VitestAssertion {
  fullName: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled';
  failureMessages: string[];
}
interface VitestReport {
  success: boolean;
  testResults: { name: string; status: string; message?: string; assertionResults: VitestAssertion[] }[];
}

const ROOT = path.resolve(__dirname, '..', '..');

function runVitest(): { report?: VitestReport; error?: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'rops-vitest-'));
  const out = path.join(dir, 'vitest.json');
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', 'apps/dashboard', '--reporter=json', `--outputFile=${out}`],
      {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 300_000,
        env: { ...process.env, NODE_ENV: 'test', CI: '1' },
      },
    );
  } catch (e) {
    // A failing test exits non-zero but still writes its report; only a missing report is an error.
    const stderr = String((e as { stderr?: Buffer }).stderr ?? '').slice(-2000);
    try {
      return { report: JSON.parse(readFileSync(out, 'utf8')) as VitestReport };
    } catch {
      return { error: `vitest wrote no report: ${stderr || (e as Error).message}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  try {
    return { report: JSON.parse(readFileSync(out, 'utf8')) as VitestReport };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { report, error } = runVitest();
const files = report?.testResults ?? [];

describe('dashboard component tests (Vitest)', () => {
  it('ran and found its test files', () => {
    expect(error).toBeUndefined();
    expect(files.length).toBeGreaterThan(0);
    // a file that failed to load has no assertions but a failed status
    expect(files.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).map((f) => `${f.name}: ${f.message ?? ''}`.slice(0, 500))).toEqual([]);
  });

  for (const file of files) {
    describe(path.relative(ROOT, file.name), () => {
      for (const a of file.assertionResults) {
        if (a.status === 'skipped' || a.status === 'pending' || a.status === 'todo' || a.status === 'disabled') {
          it.todo(a.fullName);
          continue;
        }
        it(a.fullName, () => {
          if (a.status !== 'passed') throw new Error(a.failureMessages.join('\n').slice(0, 4000) || `status ${a.status}`);
        });
      }
    });
  }
});

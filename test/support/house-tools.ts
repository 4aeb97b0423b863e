import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository's own lint, format and type-check tools, run as child processes from the tests. */

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> ...args` in the repository root; resolves with the exit code (never rejects on a non-zero one). */
export function runNode(script: string, args: string[], { input, timeoutMs = 240_000 }: { input?: string; timeoutMs?: number } = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [script, ...args],
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

export interface LintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  line: number;
  message: string;
}
export interface LintResult {
  filePath: string;
  messages: LintMessage[];
}

/** ESLint with the repository's config (test/support/eslint-run.mjs): the whole tree, or snippets placed at the given paths. */
export async function eslint(mode: 'tree' | 'text', cases?: Array<{ filePath: string; code: string }>): Promise<LintResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rops-lint-'));
  try {
    const out = path.join(dir, 'out.json');
    const run = await runNode('test/support/eslint-run.mjs', [mode, out], { input: cases ? JSON.stringify(cases) : undefined });
    if (run.code !== 0) throw new Error(`eslint-run ${mode} exited ${run.code}:\n${run.stderr.slice(0, 4000)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as LintResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const resolveBin = (pkgBin: string) => require.resolve(pkgBin);

// Runs the repository's ESLint config through ESLint's Node API, in a child process of the test
// (ESLint loads eslint.config.mjs as an ES module, which Jest's CommonJS sandbox cannot).
//
//   node test/support/eslint-run.mjs tree <out.json>          lint the whole tree
//   node test/support/eslint-run.mjs text <out.json> < cases  lint [{ filePath, code }] as if at those paths
//
// Writes [{ filePath, messages: [{ ruleId, severity, line, message }] }] to <out.json> (stdout is
// left to ESLint's and Nx's own warnings).
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [mode, outFile] = process.argv.slice(2);

// @nx/enforce-module-boundaries reads the cached project graph and silently skips itself when
// there is none (a fresh clone): compute it first, so the rule always runs.
process.env.NX_DAEMON = 'false';
process.env.NX_NO_CLOUD = 'true';
await createProjectGraphAsync({ exitOnError: true });

const eslint = new ESLint({ cwd: ROOT });
const pick = (results) =>
  results.map((r) => ({
    filePath: path.relative(ROOT, r.filePath),
    messages: r.messages.map(({ ruleId, severity, line, message }) => ({ ruleId, severity, line, message })),
  }));

let results;
if (mode === 'tree') {
  results = pick(await eslint.lintFiles(['.']));
} else if (mode === 'text') {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  results = [];
  for (const { filePath, code } of JSON.parse(input)) results.push(...pick(await eslint.lintText(code, { filePath: path.join(ROOT, filePath) })));
} else {
  console.error('usage: node test/support/eslint-run.mjs tree|text <out.json>');
  process.exit(2);
}
writeFileSync(outFile, JSON.stringify(results));

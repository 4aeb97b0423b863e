#!/usr/bin/env node
// Finds focused tests (`it.only`, `test.only`, `describe.only`, `fit`, `fdescribe`, and their
// `.each`/`.concurrent` forms) in the files Jest runs. A focused test silently skips the rest of
// its file, so CI refuses to run with one. Comments and string literals are blanked before the
// scan: a sample in a string (as in the scan's own unit test) is not a focused test.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Where Jest looks (jest.config.js testMatch): *.spec.ts under apps/ and libs/, *.test.ts under test/. */
const TEST_TREES = [
  { dir: 'apps', suffix: '.spec.ts' },
  { dir: 'libs', suffix: '.spec.ts' },
  { dir: 'test', suffix: '.test.ts' },
];

const FOCUS = [
  // it, test or describe, then any of .concurrent / .each / .failing, then .only
  /(?<![\w$.])(?:it|test|describe)(?:\s*\.\s*(?:concurrent|each|failing))*\s*\.\s*only\b/g,
  /(?<![\w$.])(?:fit|fdescribe)\s*(?:\.\s*(?:each|failing)\b|\()/g,
];

/** The source with comments and string/template contents replaced by spaces (newlines kept, so lines still count). */
function blankCommentsAndStrings(source) {
  let out = '';
  let i = 0;
  const blank = (text) => text.replace(/[^\n]/g, ' ');
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') j++;
        else if (c !== '`' && source[j] === '\n') break; // an unterminated quote ends at the line
        j++;
      }
      out += c + blank(source.slice(i + 1, j)) + (j < source.length ? c : '');
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Focused tests in one file's source: [{ line, text }]. */
function focusedIn(source) {
  const code = blankCommentsAndStrings(source);
  const found = [];
  for (const pattern of FOCUS) {
    for (const m of code.matchAll(pattern)) {
      const line = code.slice(0, m.index).split('\n').length;
      found.push({ line, text: source.split('\n')[line - 1].trim() });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

function testFiles(root = ROOT) {
  const files = [];
  const walk = (dir, suffix) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, suffix);
      else if (entry.name.endsWith(suffix)) files.push(full);
    }
  };
  for (const { dir, suffix } of TEST_TREES) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir), suffix);
  return files.sort();
}

/** Every focused test in the repository's test files: [{ file, line, text }], file relative to root. */
function focusedTests(root = ROOT) {
  return testFiles(root).flatMap((file) => focusedIn(fs.readFileSync(file, 'utf8')).map((f) => ({ file: path.relative(root, file), ...f })));
}

module.exports = { focusedIn, focusedTests, blankCommentsAndStrings };

if (require.main === module) {
  const found = focusedTests();
  for (const f of found) process.stderr.write(`${f.file}:${f.line}: focused test: ${f.text}\n`);
  if (found.length) {
    process.stderr.write(`${found.length} focused test(s): remove .only / fit / fdescribe so the whole suite runs.\n`);
    // The count on stdout, for .ci/run's summary line; exit 3 tells "found some" from a crash of the scan.
    process.stdout.write(`${found.length}\n`);
    process.exit(3);
  }
}

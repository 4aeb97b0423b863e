#!/usr/bin/env node
/**
 * One Nx project's `build`: transpiles that project's own TypeScript (not its specs) with SWC into
 * `dist/<project root>/`, the layout the apps run from (`dist/apps/<app>/src/main.js`), rewriting
 * the `@retell-ops/*` imports of tsconfig.base.json into relative paths within dist/.
 *
 *   node tools/build-project.js <project root> [<source dir> ...]   (source dirs default to <root>/src)
 *
 * It only transpiles, so its output depends on the project's files alone (the Nx cache keys it on
 * them); type-checking is the `typecheck` target (`tsc --noEmit` over the whole tree), which
 * `npm test` runs as a test. The SWC settings are the ones Jest runs every suite with (.swcrc).
 */
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SKIP = /\.(spec|test|d)\.ts$/;

function sourceFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !SKIP.test(e.name) ? [full] : [];
  });
}

function swcOptions() {
  const rc = JSON.parse(fs.readFileSync(path.join(ROOT, '.swcrc'), 'utf8'));
  delete rc.$schema;
  const { paths } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.base.json'), 'utf8')).compilerOptions;
  return { ...rc, swcrc: false, sourceMaps: true, jsc: { ...rc.jsc, baseUrl: ROOT, paths } };
}

function build(projectRoot, sourceDirs) {
  const options = swcOptions();
  const files = sourceDirs.flatMap((d) => sourceFiles(path.join(ROOT, d)));
  if (files.length === 0) throw new Error(`no TypeScript sources under ${sourceDirs.join(', ')}`);
  fs.rmSync(path.join(DIST, projectRoot), { recursive: true, force: true });
  for (const file of files) {
    const out = path.join(DIST, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    const { code, map } = swc.transformFileSync(file, { ...options, filename: file, outputPath: out });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const mapFile = `${path.basename(out)}.map`;
    fs.writeFileSync(out, `${code}\n//# sourceMappingURL=${mapFile}\n`);
    const sourceMap = JSON.parse(map);
    sourceMap.sources = [path.relative(path.dirname(out), file)];
    fs.writeFileSync(`${out}.map`, JSON.stringify(sourceMap));
  }
  process.stdout.write(`[build] ${projectRoot}: ${files.length} file(s) -> ${path.relative(ROOT, path.join(DIST, projectRoot))}\n`);
}

if (require.main === module) {
  const [projectRoot, ...dirs] = process.argv.slice(2);
  if (!projectRoot) {
    console.error('usage: node tools/build-project.js <project root> [<source dir> ...]');
    process.exit(2);
  }
  try {
    build(projectRoot, dirs.length ? dirs : [path.join(projectRoot, 'src')]);
  } catch (e) {
    console.error(`[build] ${projectRoot}: ${e.message || e}`);
    process.exit(1);
  }
}

module.exports = { build };

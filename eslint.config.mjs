// The house lint (ESLint flat config). `npm run lint` runs it per Nx project (`nx run-many -t lint`);
// `test/unit/house-lint.test.ts` runs it over the whole tree inside `npm test`.
// The layering the tags encode (CONTRIBUTING.md, "Lint, format, Nx"):
//   type:app -> type:feature -> type:data / type:util -> type:domain
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

// Only the ones the repo's plain .js files use (the `globals` package is not a dependency here).
const nodeGlobals = Object.fromEntries(
  [
    'require',
    'module',
    'exports',
    '__dirname',
    '__filename',
    'process',
    'console',
    'Buffer',
    'URL',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'fetch',
    'AbortController',
    'AbortSignal',
  ].map((g) => [g, 'readonly']),
);
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'navigator',
    'location',
    'history',
    'localStorage',
    'sessionStorage',
    'fetch',
    'URL',
    'URLSearchParams',
    'EventSource',
    'Blob',
    'File',
    'FileReader',
    'FormData',
    'console',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'AbortController',
  ].map((g) => [g, 'readonly']),
);

// What the domain may never import: it holds pure rules, no I/O and no framework.
const IO_PACKAGES = ['@prisma/*', 'pg', 'ioredis', 'bullmq', '@nestjs/*', 'fastify', 'retell-sdk'];
const IO_MODULES = ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'net', 'node:http', 'node:https', 'node:http2', 'http', 'https', 'http2'];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'libs/db/src/generated/**', '.nx/**', '.run/**', 'coverage/**', 'bench/results/**', 'graph.json'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { '@nx': nx },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are the house's way to say "deliberately unused" (a destructured-away field, a required parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util', 'type:domain'] },
            // dialer and recruiting build on call-records (a call's record is theirs to read and settle).
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util', 'type:domain'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:util', 'type:domain'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:domain'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: IO_PACKAGES },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:server', 'scope:shared'] },
            // The browser app gets nothing of the server but the domain's types (see the dashboard block below).
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...IO_PACKAGES, ...IO_MODULES], message: 'libs/domain holds pure rules: no I/O, database, queue or framework imports.' }] },
      ],
    },
  },
  {
    // The gateway loads no Prisma (test/integration/gateway-module-graph.test.ts checks its run-time module graph):
    // it and the tool code it runs take the pool and the tools from entries beside the libs' indexes
    // (`@retell-ops/db/pg-pool`, `@retell-ops/recruiting/live`, …) and only types from indexes that load Prisma.
    files: [
      'apps/gateway/**/*.ts',
      'libs/recruiting/src/live.ts',
      'libs/recruiting/src/book-slot.ts',
      'libs/recruiting/src/interview-reminders.ts',
      'libs/recruiting/src/reminder-scheduler.ts',
      'libs/recruiting/src/tools/**/*.ts',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['@retell-ops/db', '@retell-ops/call-records', '@retell-ops/dialer', '@retell-ops/live-events', '@retell-ops/recruiting'].map((name) => ({
            name,
            allowTypeImports: true,
            message: `${name}'s index loads Prisma, which the gateway never does: import a type, or add an entry beside the index (tsconfig.base.json paths).`,
          })),
        },
      ],
    },
  },
  {
    // Suites and benchmarks drive the apps in process through relative imports of their sources;
    // the layering is for the shipped code, so the boundaries rule stays off here.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Tests read untyped JSON answers and reach into private state; `any` there is the point, not a leak.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
  {
    files: ['apps/dashboard/**/*.{ts,tsx}'],
    languageOptions: { globals: browserGlobals },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@retell-ops/domain', allowTypeImports: true, message: 'The dashboard runs in the browser: only `import type` from @retell-ops/domain.' },
          ],
          patterns: [
            {
              group: ['@retell-ops/*', '!@retell-ops/domain'],
              message: 'The dashboard runs in the browser: it talks to the server over HTTP, never through a server lib.',
            },
            { group: ['**/libs/**', '**/apps/*/src/**'], message: 'The dashboard imports no server source by path.' },
          ],
        },
      ],
    },
  },
  prettier,
);

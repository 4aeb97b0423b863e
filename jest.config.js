// One Jest run covers every tier: unit specs beside the code, integration and end-to-end suites
// under test/ (real PostgreSQL and Redis, prepared once in globalSetup).
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;
// Every `@retell-ops/*` import resolves as tsconfig.base.json says (the build rewrites them from the same
// paths), entries beside a lib's index included (`@retell-ops/db/pg-pool`, `@retell-ops/recruiting/live`).
const { paths } = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8')).compilerOptions;
const libPaths = Object.fromEntries(Object.entries(paths).map(([name, [file]]) => [`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, `<rootDir>/${file}`]));

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    ...libPaths,
    '^content-disposition$': '<rootDir>/test/support/content-disposition-stub.js',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  // Client libraries (ioredis reconnect timers) can outlive a suite by a few seconds; do not let them hold CI.
  forceExit: true,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};

// One Jest run covers every tier: unit specs beside the code, integration and end-to-end suites
// under test/ (real PostgreSQL and Redis, prepared once in globalSetup).
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    '^@retell-ops/db/pg-pool$': '<rootDir>/libs/db/src/pg-pool.ts',
    '^@retell-ops/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
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

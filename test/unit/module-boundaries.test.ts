import { eslint, LintMessage } from '../support/house-tools';

/**
 * The layering the Nx tags encode (eslint.config.mjs, CONTRIBUTING.md "Lint, format, Nx"):
 * an import upward is a lint error, one downward or sideways where allowed is clean. Each snippet
 * is linted as if it lived at its path, with the repository's own config.
 */
type Case = [name: string, filePath: string, code: string, expected: Array<string>];

const use = (names: string) => `\nexport const used = [${names}];\n`;

const CASES: Case[] = [
  // upward: each is an error from the boundaries rule
  [
    'domain importing a data lib',
    'libs/domain/src/lint-fixture.ts',
    `import { QueueProducers } from '@retell-ops/queue';${use('QueueProducers')}`,
    ['@nx/enforce-module-boundaries: A project tagged with "type:domain" can only depend on libs tagged with "type:domain"'],
  ],
  // The db lib already imports domain, so domain importing it closes a cycle: reported as such.
  [
    'domain importing the db lib',
    'libs/domain/src/lint-fixture.ts',
    `import { PrismaService } from '@retell-ops/db';${use('PrismaService')}`,
    ['@nx/enforce-module-boundaries: Circular dependency between "domain" and "db" detected: domain -> db -> domain'],
  ],
  // Every feature lib already imports every data lib, so a data lib importing a feature closes a
  // cycle, and the rule reports the cycle (an error all the same).
  [
    'the db lib importing the dialer',
    'libs/db/src/lint-fixture.ts',
    `import { DialDispatcher } from '@retell-ops/dialer';${use('DialDispatcher')}`,
    ['@nx/enforce-module-boundaries: Circular dependency between "db" and "dialer" detected: db -> dialer -> db'],
  ],
  [
    'the util lib importing a data lib',
    'libs/config/src/lint-fixture.ts',
    `import { checkRetellSignature } from '@retell-ops/retell';${use('checkRetellSignature')}`,
    ['@nx/enforce-module-boundaries: A project tagged with "type:util" can only depend on libs tagged with "type:util", "type:domain"'],
  ],
  [
    'a lib importing another by relative path',
    'libs/dialer/src/lint-fixture.ts',
    `import { PrismaService } from '../../db/src/prisma.service';${use('PrismaService')}`,
    ['@nx/enforce-module-boundaries: Projects cannot be imported by a relative or absolute path, and must begin with a npm scope'],
  ],
  // the domain does no I/O
  [
    'domain importing pg',
    'libs/domain/src/lint-fixture.ts',
    `import { Pool } from 'pg';${use('Pool')}`,
    ['@nx/enforce-module-boundaries: A project tagged with "type:domain" is not allowed to import "pg"', 'no-restricted-imports'],
  ],
  [
    'domain importing @nestjs/common',
    'libs/domain/src/lint-fixture.ts',
    `import { Injectable } from '@nestjs/common';${use('Injectable')}`,
    ['@nx/enforce-module-boundaries: A project tagged with "type:domain" is not allowed to import "@nestjs/common"', 'no-restricted-imports'],
  ],
  ['domain importing node:fs', 'libs/domain/src/lint-fixture.ts', `import { readFileSync } from 'node:fs';${use('readFileSync')}`, ['no-restricted-imports']],
  ['domain importing node:http', 'libs/domain/src/lint-fixture.ts', `import { request } from 'node:http';${use('request')}`, ['no-restricted-imports']],
  // allowed: each is clean
  [
    'a feature lib importing another feature, data, util and domain',
    'libs/dialer/src/lint-fixture.ts',
    `import { CallRows } from '@retell-ops/call-records';\nimport { PrismaService } from '@retell-ops/db';\nimport { loadEnv } from '@retell-ops/config';\nimport { CALL_STATUSES } from '@retell-ops/domain';${use('CallRows, PrismaService, loadEnv, CALL_STATUSES')}`,
    [],
  ],
  ['a data lib importing the util lib', 'libs/db/src/lint-fixture.ts', `import { loadEnv } from '@retell-ops/config';${use('loadEnv')}`, []],
  ['domain importing luxon (pure)', 'libs/domain/src/lint-fixture.ts', `import { DateTime } from 'luxon';${use('DateTime')}`, []],
  ['an app importing a feature lib', 'apps/api/src/lint-fixture.ts', `import { DialDispatcher } from '@retell-ops/dialer';${use('DialDispatcher')}`, []],
  // the gateway loads no Prisma: only types from an index that loads it, values from the entries beside it
  [
    'the gateway importing a value from the db index',
    'apps/gateway/src/lint-fixture.ts',
    `import { PgPool } from '@retell-ops/db';${use('PgPool')}`,
    ['@typescript-eslint/no-restricted-imports'],
  ],
  [
    "the recruiting lib's tool code importing a value from the db index",
    'libs/recruiting/src/tools/lint-fixture.ts',
    `import { sqlLiteral } from '@retell-ops/db';${use('sqlLiteral')}`,
    ['@typescript-eslint/no-restricted-imports'],
  ],
  [
    'the gateway importing the pool and tool entries, and a type from the db index',
    'apps/gateway/src/lint-fixture.ts',
    `import type { Interview } from '@retell-ops/db';\nimport { PgPool } from '@retell-ops/db/pg-pool';\nimport { LiveTools } from '@retell-ops/recruiting/live';${use('PgPool, LiveTools')}\nexport type Row = Interview;\n`,
    [],
  ],
  // the browser app: only types from the domain
  [
    'the dashboard importing types from the domain',
    'apps/dashboard/src/lint-fixture.tsx',
    `import type { CallStatus } from '@retell-ops/domain';\nexport type Shown = CallStatus;\n`,
    [],
  ],
  [
    'the dashboard importing a value from the domain',
    'apps/dashboard/src/lint-fixture.tsx',
    `import { CALL_STATUSES } from '@retell-ops/domain';${use('CALL_STATUSES')}`,
    ['@typescript-eslint/no-restricted-imports'],
  ],
  [
    'the dashboard importing a server lib',
    'apps/dashboard/src/lint-fixture.tsx',
    `import type { PrismaService } from '@retell-ops/db';\nexport type Db = PrismaService;\n`,
    [
      '@nx/enforce-module-boundaries: A project tagged with "scope:web" can only depend on libs tagged with "scope:web", "scope:shared"',
      '@typescript-eslint/no-restricted-imports',
    ],
  ],
];

/** `rule: first line of the message` for the boundaries rule (it says which constraint), the rule id alone for the others. */
const describeMessage = (m: LintMessage) =>
  m.ruleId === '@nx/enforce-module-boundaries' ? `${m.ruleId}: ${m.message.split('\n')[0]}` : (m.ruleId ?? `(parse) ${m.message}`);

describe('module boundaries', () => {
  let results: Map<string, LintMessage[]>;

  beforeAll(async () => {
    // One ESLint process for every case: each snippet gets its own (unique) path under its project.
    const cases = CASES.map(([, filePath, code], i) => ({ filePath: filePath.replace('lint-fixture', `lint-fixture-${i}`), code }));
    const linted = await eslint('text', cases);
    results = new Map(linted.map((r, i) => [CASES[i][0], r.messages]));
  }, 240_000);

  it.each(CASES)('%s', (name, _filePath, _code, expected) => {
    expect((results.get(name) ?? []).map(describeMessage).sort()).toEqual([...expected].sort());
  });
});

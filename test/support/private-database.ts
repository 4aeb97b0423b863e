import { randomBytes } from 'node:crypto';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const db = require('../../tools/db.js') as {
  migrate(url: string, opts?: { log?: (line: string) => void }): Promise<number>;
  createDatabase(url: string): Promise<void>;
  dropDatabase(url: string): Promise<void>;
};

export interface PrivateDatabase {
  url: string;
  drop: () => Promise<void>;
}

/**
 * A migrated database of a suite's own, beside the shared test database. For suites whose
 * processes look at every tenant (a dialer worker dispatches and reaps whatever is due in its
 * database): in the shared one they would act on other suites' rows, and other suites' workers
 * on theirs.
 */
export async function privateDatabase(label: string): Promise<PrivateDatabase> {
  const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/retell_ops_test');
  url.pathname = `${url.pathname}_${label}_${randomBytes(4).toString('hex')}`;
  const href = url.toString();
  await db.createDatabase(href);
  await db.migrate(href, { log: () => undefined });
  return { url: href, drop: () => db.dropDatabase(href) };
}

/** Runs once per Jest run: services up, client generated, apps built, a fresh test database. */
export default async function globalSetup(): Promise<void> {
  if (process.env.ROPS_TEST_PREPARED === '1') return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prepareForTests } = require('../../tools/prepare');
  await prepareForTests({ install: false });
  process.env.ROPS_TEST_PREPARED = '1';
}

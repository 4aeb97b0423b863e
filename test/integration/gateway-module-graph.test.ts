import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { envVars, testEnv } from '../support/test-env';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');

/**
 * Boots the built gateway (every provider constructed, every module of its graph required) in a
 * child process, `also` required first, and lists the loaded modules that are Prisma's.
 */
const PROBE = `
require('reflect-metadata');
for (const extra of JSON.parse(process.env.PROBE_ALSO)) require(extra);
const { loadEnv } = require(${JSON.stringify(path.join(DIST, 'libs/config/src/index.js'))});
const { createGateway } = require(${JSON.stringify(path.join(DIST, 'apps/gateway/src/create-gateway.js'))});
(async () => {
  const app = await createGateway(loadEnv());
  await app.init();
  const loaded = Object.keys(require.cache);
  await app.close();
  const prisma = loaded.filter((f) => /[\\\\/]@prisma[\\\\/]|[\\\\/]libs[\\\\/]db[\\\\/]src[\\\\/](generated|prisma\\.service)/.test(f));
  process.stdout.write(JSON.stringify({ modules: loaded.length, prisma }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function probe(also: string[] = []): Promise<{ modules: number; prisma: string[] }> {
  const env = { ...process.env, ...envVars(testEnv()), PROBE_ALSO: JSON.stringify(also), LOG_LEVEL: 'error' };
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', PROBE], { cwd: ROOT, env, timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`probe failed: ${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

/**
 * The gateway process never loads Prisma (its client costs ~130–150 MB of RSS and a query builder
 * on every request): the tool routes run on the plain pool, and the gateway imports the libs
 * through entries that load none of it (`@retell-ops/recruiting/live`, `@retell-ops/db/pg-pool`, …).
 * Runs against the build (`npm run build`), as the apps run.
 */
describe("the gateway's module graph", () => {
  beforeAll(() => {
    if (!existsSync(path.join(DIST, 'apps/gateway/src/create-gateway.js'))) throw new Error('no built gateway: run npm run build first');
  });

  it('holds no Prisma module once the gateway has booted', async () => {
    const { modules, prisma } = await probe();
    expect(modules).toBeGreaterThan(100);
    expect(prisma).toEqual([]);
  }, 90_000);

  it('would show Prisma, were anything to load it (the probe sees it)', async () => {
    const { prisma } = await probe([path.join(DIST, 'libs/recruiting/src/index.js')]);
    expect(prisma).toEqual(expect.arrayContaining([expect.stringMatching(/[\\/]@prisma[\\/]client[\\/]/)]));
  }, 90_000);
});

import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { freePort } from '../support/processes';
import * as services from '../../tools/services';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * `npm start` / `npm test` on a machine where PostgreSQL and Redis do not run: pointed at ports
 * where nothing listens, the services step starts private instances there from the installed
 * binaries (as root too: PostgreSQL then runs as the postgres user), they answer, and
 * `node tools/services.js stop` stops them. Without the binaries (nor Docker) it names the
 * command that installs them.
 */
describe('services step (tools/services.js)', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const ports = { postgres: 0, redis: 0 };

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'rops-services-'));
    chmodSync(tmp, 0o755); // the postgres user (when we are root) must reach the folder inside
    [ports.postgres, ports.redis] = await Promise.all([freePort(), freePort()]);
    env = {
      ...process.env,
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${ports.postgres}/retell_ops`,
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      ROPS_SERVICES_DIR: path.join(tmp, 'services'),
    };
  });

  afterAll(async () => {
    await run(process.execPath, [path.join(ROOT, 'tools', 'services.js'), 'stop'], { env }).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('starts private PostgreSQL and Redis on the ports the URLs name, which answer, then stop cleanly', async () => {
    expect(await services.reachable({ host: '127.0.0.1', port: ports.postgres })).toBe(false);
    expect(await services.reachable({ host: '127.0.0.1', port: ports.redis })).toBe(false);

    const { stdout } = await run(process.execPath, [path.join(ROOT, 'tools', 'prepare.js'), 'services'], { env, timeout: 120_000 });
    expect(stdout).toMatch(new RegExp(`PostgreSQL does not answer on 127\\.0\\.0\\.1:${ports.postgres}: starting a private one`));
    expect(stdout).toMatch(new RegExp(`Redis does not answer on 127\\.0\\.0\\.1:${ports.redis}: starting a private one`));
    expect(stdout).toMatch(/stop them with: node tools\/services\.js stop/);

    const pg = new Client({ host: '127.0.0.1', port: ports.postgres, user: 'postgres', database: 'postgres' });
    await pg.connect();
    try {
      expect((await pg.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pg.end();
    }
    const redis = new IORedis(ports.redis, '127.0.0.1', { maxRetriesPerRequest: 0 });
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      redis.disconnect();
    }

    // Running again finds them up and starts nothing.
    const again = await run(process.execPath, [path.join(ROOT, 'tools', 'prepare.js'), 'services'], { env, timeout: 60_000 });
    expect(again.stdout).not.toMatch(/starting/);

    const { stdout: status } = await run(process.execPath, [path.join(ROOT, 'tools', 'services.js'), 'status'], { env });
    expect(status).toMatch(new RegExp(`PostgreSQL\\s+running on 127\\.0\\.0\\.1:${ports.postgres}`));
    expect(status).toMatch(new RegExp(`Redis\\s+running on 127\\.0\\.0\\.1:${ports.redis}`));

    const { stdout: stopped } = await run(process.execPath, [path.join(ROOT, 'tools', 'services.js'), 'stop'], { env, timeout: 120_000 });
    expect(stopped).toMatch(new RegExp(`stopped the private PostgreSQL on 127\\.0\\.0\\.1:${ports.postgres}`));
    expect(stopped).toMatch(new RegExp(`stopped the private Redis on 127\\.0\\.0\\.1:${ports.redis}`));
    expect(await services.reachable({ host: '127.0.0.1', port: ports.postgres })).toBe(false);
    expect(await services.reachable({ host: '127.0.0.1', port: ports.redis })).toBe(false);
  }, 180_000);

  it('without the server binaries nor Docker, stops with the command that installs them', async () => {
    const emptyBin = path.join(tmp, 'empty-bin');
    mkdirSync(emptyBin, { recursive: true });
    const [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);
    const lookIn = {
      env: { PATH: emptyBin, ROPS_SERVICES_DIR: path.join(tmp, 'unused') },
      postgresRoots: [path.join(tmp, 'no-postgresql')],
      log: () => undefined,
    };
    await expect(
      services.ensureServices({ databaseUrl: `postgresql://postgres@127.0.0.1:${pgPort}/x`, redisUrl: `redis://127.0.0.1:${redisPort}`, ...lookIn }),
    ).rejects.toThrow(/Install them with:\n {2}sudo apt-get install -y postgresql redis-server\n/);
    // Only what is missing: here Redis is the running one of this machine.
    await expect(
      services.ensureServices({ databaseUrl: `postgresql://postgres@127.0.0.1:${pgPort}/x`, redisUrl: 'redis://127.0.0.1:6379', ...lookIn }),
    ).rejects.toThrow(
      new RegExp(
        `^PostgreSQL does not answer on 127\\.0\\.0\\.1:${pgPort} and its server is not installed \\(initdb, pg_ctl\\), nor is Docker\\. Install it with:\n {2}sudo apt-get install -y postgresql\n`,
      ),
    );
  });

  it('a server elsewhere that does not answer is not started here: it says which URL to fix', async () => {
    const port = await freePort();
    await expect(
      services.ensureServices({ databaseUrl: 'postgresql://postgres@127.0.0.1:5432/x', redisUrl: `redis://redis.invalid:${port}`, log: () => undefined }),
    ).rejects.toThrow(/^Redis at redis\.invalid:\d+ \(REDIS_URL\) does not answer, and it is not on this machine/);
  });
});

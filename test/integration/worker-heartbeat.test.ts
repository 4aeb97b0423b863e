import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis';
import { freePort, startApp, type AppProcess } from '../support/processes';
import { envVars, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * The container healthchecks, for real: a worker app with HEALTH_FILE (on a Redis of its own,
 * stopped and started) and docker/healthcheck.js in both of its modes.
 */
const HEALTHCHECK = path.resolve(__dirname, '..', '..', 'docker', 'healthcheck.js');

function healthcheck(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [HEALTHCHECK, ...args], { timeout: 10_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}`.trim() });
    });
  });
}
const ageMs = (file: string) => Date.now() - statSync(file).mtimeMs;

describe('worker heartbeat (HEALTH_FILE) and docker/healthcheck.js', () => {
  let redis: PrivateRedis;
  let worker: AppProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    dir = mkdtempSync(path.join(tmpdir(), 'rops-health-'));
  });
  afterAll(async () => {
    await worker?.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('beats while the worker consumes and Redis answers, goes stale while Redis is down, stops at shutdown', async () => {
    const file = path.join(dir, 'candidate-worker.alive');
    const vars = envVars(testEnv({ REDIS_URL: redis.url, HEALTH_FILE: file, HEALTH_INTERVAL_MS: '200' }));
    worker = await startApp('candidate-worker', vars, /consuming/);

    await waitFor(() => existsSync(file), { what: 'the heartbeat file' });
    const first = statSync(file).mtimeMs;
    await waitFor(() => statSync(file).mtimeMs > first, { what: 'a second beat' });
    expect(await healthcheck('file', file, '2')).toEqual({ code: 0, out: expect.stringContaining('touched') });

    await redis.stop();
    await waitFor(() => ageMs(file) > 1500, { what: 'the file to go stale with Redis down', timeoutMs: 10_000 });
    const stale = await healthcheck('file', file, '1');
    expect(stale).toEqual({ code: 1, out: expect.stringMatching(/^unhealthy: .* s old \(limit 1 s\)$/) });

    await redis.start();
    await waitFor(() => ageMs(file) < 1000, { what: 'beats again once Redis is back', timeoutMs: 30_000 });
    expect((await healthcheck('file', file, '2')).code).toBe(0);

    await worker.stop('SIGTERM');
    // Nest's shutdown hook closes the app and then re-raises the signal: a clean stop ends by SIGTERM.
    expect(worker.child.signalCode ?? worker.child.exitCode).toBe('SIGTERM');
    expect(existsSync(file)).toBe(false);
    expect(await healthcheck('file', file, '30')).toEqual({ code: 1, out: expect.stringContaining('unhealthy: ENOENT') });
    worker = undefined;
  }, 90_000);

  it('HTTP mode: healthy on 2xx only', async () => {
    const server: Server = createServer((req, res) => {
      res.statusCode = req.url === '/ready' ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    try {
      expect(await healthcheck(`http://127.0.0.1:${port}/ready`)).toEqual({ code: 0, out: expect.stringContaining('answered 200') });
      expect(await healthcheck(`http://127.0.0.1:${port}/down`)).toEqual({ code: 1, out: expect.stringContaining('answered 503') });
    } finally {
      server.close();
    }
    const closed = await freePort();
    expect((await healthcheck(`http://127.0.0.1:${closed}/ready`)).code).toBe(1);
  });

  it.each([[[]], [['file']], [['file', '/tmp/x', 'soon']], [['ftp://x']]])('bad usage %p is unhealthy with the usage', async (args) => {
    expect(await healthcheck(...(args as string[]))).toEqual({ code: 1, out: expect.stringContaining('usage:') });
  });
});

import path from 'node:path';
import { freePort, spawnApp, startApp } from '../support/processes';

/** The built simulator as a process: what it refuses (exit 1, one clear line) and where it listens. */
const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'apps', 'retell-sim', 'src', 'main.js');
const REAL_KEY = 'key_0f1e2d3c4b5a69788796a5b4c3d2e1f0';

async function run(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const sim = await spawnApp({ name: 'retell-sim', script: MAIN, env });
  const timer = setTimeout(() => void sim.stop('SIGKILL'), 15_000); // a refusal is immediate; listening would hang here
  const { code } = await sim.exited;
  clearTimeout(timer);
  return { code, out: sim.output().trim() };
}

describe('retell-sim process: safe defaults', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['NODE_ENV=production', { NODE_ENV: 'production' }, /^retell-sim: refusing to start: the Retell simulator does not run under NODE_ENV=production/],
    [
      'a non-development key',
      { RETELL_API_KEY: REAL_KEY },
      /^retell-sim: refusing to start: RETELL_API_KEY is not a development key.*RETELL_SIM_ALLOW_ANY_KEY=1/,
    ],
    ['RETELL_SIM_HOST outside the known interfaces', { RETELL_SIM_HOST: '192.0.2.1' }, /^retell-sim: refusing to start: RETELL_SIM_HOST must be one of/],
  ])('%s → exit 1 with the reason', async (_name, env, message) => {
    const port = await freePort();
    const { code, out } = await run({ ...env, RETELL_SIM_PORT: String(port) });
    expect({ code, out }).toEqual({ code: 1, out: expect.stringMatching(message) });
    expect(out).not.toContain(REAL_KEY);
    expect(out.split('\n')).toHaveLength(1);
  });

  it.each<[string, Record<string, string>, string]>([
    ['HOST=0.0.0.0 (shared) → loopback only', { HOST: '0.0.0.0' }, '127.0.0.1'],
    ['a per-test key with RETELL_SIM_ALLOW_ANY_KEY=1 → runs, on loopback', { RETELL_API_KEY: REAL_KEY, RETELL_SIM_ALLOW_ANY_KEY: '1' }, '127.0.0.1'],
    ['RETELL_SIM_HOST=0.0.0.0 → every interface', { RETELL_SIM_HOST: '0.0.0.0' }, '0.0.0.0'],
  ])(
    '%s',
    async (_name, env, host) => {
      const port = await freePort();
      const sim = await startApp('retell-sim', { ...env, RETELL_SIM_PORT: String(port) }, /listening on/);
      try {
        expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
        // 127.0.0.2 is loopback too on Linux, but a socket bound to 127.0.0.1 does not answer there; one bound to 0.0.0.0 does.
        const other = await fetch(`http://127.0.0.2:${port}/health`).then(
          (r) => r.status,
          () => 'refused',
        );
        expect(other).toBe(host === '0.0.0.0' ? 200 : 'refused');
      } finally {
        await sim.stop();
      }
    },
    30_000,
  );
});

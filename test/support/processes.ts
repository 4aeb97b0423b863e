import { appMain, spawnApp, type AppProcess } from '../../tools/processes';
import { secretsIn } from './log-secrets';

export { freePort, spawnApp, waitForHttp, type AppProcess } from '../../tools/processes';

/**
 * Log kept per process: enough for every line a suite reads back (a refusal logged once per
 * request over hundreds of requests), while a process that floods its log cannot fill memory.
 */
const TEST_KEEP_CHARS = 16 * 1024 * 1024;

/**
 * Starts a built app (dist/apps/<name>/src/main.js) and waits for a line of its log. Stopping it
 * scans everything it logged for secrets (test/support/log-secrets.ts) and fails the stop, so the
 * test that ran it, when one is found: no key, token or signature is ever logged, in any suite.
 */
export async function startApp(name: string, env: Record<string, string>, readyLine: RegExp, timeoutMs = 30000): Promise<AppProcess> {
  const app = await spawnApp({
    name,
    script: appMain(name),
    env: { ...env, LOG_LEVEL: 'log', NO_COLOR: '1' },
    ready: readyLine,
    timeoutMs,
    keepChars: TEST_KEEP_CHARS,
  });
  const stop = app.stop;
  app.stop = async (signal?: NodeJS.Signals) => {
    await stop(signal);
    const found = secretsIn(app.output());
    if (found.length) throw new Error(`${name} logged a secret:\n  ${found.join('\n  ')}`);
  };
  return app;
}

import { appMain, spawnApp, type AppProcess } from '../../tools/processes';

export { freePort, spawnApp, waitForHttp, type AppProcess } from '../../tools/processes';

/**
 * Log kept per process: enough for every line a suite reads back (a refusal logged once per
 * request over hundreds of requests), while a process that floods its log cannot fill memory.
 */
const TEST_KEEP_CHARS = 16 * 1024 * 1024;

/** Starts a built app (dist/apps/<name>/src/main.js) and waits for a line of its log. */
export function startApp(name: string, env: Record<string, string>, readyLine: RegExp, timeoutMs = 30000): Promise<AppProcess> {
  return spawnApp({ name, script: appMain(name), env: { ...env, LOG_LEVEL: 'log', NO_COLOR: '1' }, ready: readyLine, timeoutMs, keepChars: TEST_KEEP_CHARS });
}

import { freePort, spawnApp, type AppProcess } from './processes';

/** A throwaway redis-server of the test's own, so a test can stop it without touching the shared one. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL: Redis goes away as in a crash */
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: AppProcess | undefined;
  const start = async () => {
    server = await spawnApp({
      name: `redis-server on ${port}`,
      command: 'redis-server',
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ready: /Ready to accept connections/,
    });
  };
  const stop = async () => {
    await server?.stop('SIGKILL');
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

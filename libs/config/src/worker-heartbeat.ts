import { unlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import type { AppEnv } from './env';
import { createRedis } from './redis';

/**
 * Liveness for apps with no HTTP port: while `isAlive` says yes, the file's mtime is renewed every
 * `intervalMs`; a container healthcheck fails once the file is older than a few intervals
 * (docker/healthcheck.js). Stopping removes the file, so a draining worker reads as unhealthy.
 */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating = false;

  constructor(
    private readonly file: string,
    private readonly intervalMs: number,
    private readonly isAlive: () => Promise<boolean>,
    private readonly logger = new Logger('Heartbeat'),
  ) {}

  /** Starts beating; resolves with the first beat's result (whether the file was written). */
  start(): Promise<boolean> {
    if (this.timer) return Promise.resolve(false);
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    this.timer.unref();
    return this.beat();
  }

  /** One beat; skipped while the previous one still waits (a hung Redis must not pile up checks). */
  async beat(): Promise<boolean> {
    if (this.beating) return false;
    this.beating = true;
    try {
      if (!(await this.isAlive().catch(() => false))) return false;
      if (!this.timer) return false; // stopped while the check ran
      await writeFile(this.file, `${new Date().toISOString()}\n`);
      return true;
    } catch (e) {
      this.logger.warn(`cannot write HEALTH_FILE ${this.file}: ${(e as Error).message}`);
      return false;
    } finally {
      this.beating = false;
    }
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    try {
      unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}

/**
 * The heartbeat of a worker app, when HEALTH_FILE is set: alive while Redis answers PING on a
 * connection of its own (the workers' queues live there) and the app has not begun to shut down.
 * Start it once the app's workers are ready.
 */
export function startWorkerHeartbeat(env: AppEnv): { stop: () => void } | undefined {
  if (!env.HEALTH_FILE) return undefined;
  // Producer options: a PING while Redis is down fails at once instead of waiting in a queue.
  const redis = createRedis(env.REDIS_URL, 'producer', { enableAutoPipelining: false });
  redis.on('error', () => undefined); // the workers log Redis trouble; the heartbeat just stops beating
  const heartbeat = new WorkerHeartbeat(env.HEALTH_FILE, env.HEALTH_INTERVAL_MS, async () => redis.status === 'ready' && (await redis.ping()) === 'PONG');
  void heartbeat.start();
  const stop = () => {
    heartbeat.stop();
    redis.disconnect();
  };
  // `once`: Nest's own shutdown hook re-raises the signal after closing, which must then end the process.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, stop);
  return { stop };
}

import IORedis, { type RedisOptions } from 'ioredis';

/**
 * Producers fail fast when Redis is unreachable (so the gateway can answer 503 instead of
 * holding a webhook in memory); workers wait and reconnect, as BullMQ requires.
 */
export function createRedis(url: string, role: 'producer' | 'worker', extra: RedisOptions = {}): IORedis {
  const options: RedisOptions =
    role === 'producer'
      ? // Auto-pipelining batches concurrent adds into one write per tick (the gateway's hot path).
        { enableOfflineQueue: false, enableAutoPipelining: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (n) => Math.min(n * 200, 2000) }
      : { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(n * 200, 5000) };
  return new IORedis(url, { ...options, ...extra });
}

/** Whether Redis answers PING on `connection` within `timeoutMs` (waiting for a connection still being made). */
export async function redisAnswers(connection: IORedis, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = (async () => {
    if (connection.status === 'wait') await connection.connect().catch(() => undefined);
    if (connection.status !== 'ready') {
      await new Promise<void>((resolve) => {
        connection.once('ready', resolve);
        setTimeout(() => {
          connection.off('ready', resolve);
          resolve();
        }, timeoutMs).unref();
      });
    }
    return (await connection.ping()) === 'PONG';
  })().catch(() => false);
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

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

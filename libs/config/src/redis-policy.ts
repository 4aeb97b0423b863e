import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { isRedisClusterUrl, parseRedisClusterUrl } from './redis';
import type { AppEnv } from './env';

export type EvictionVerdict = { action: 'ok' } | { action: 'warn'; message: string } | { action: 'refuse'; message: string };

/** `maxmemory_policy` from the text of INFO (CONFIG GET is often disabled on managed Redis); undefined when absent. */
export function maxmemoryPolicyOf(info: string): string | undefined {
  const line = info.split(/\r?\n/).find((l) => l.startsWith('maxmemory_policy:'));
  const policy = line?.slice('maxmemory_policy:'.length).trim();
  return policy || undefined;
}

/**
 * BullMQ keeps every job in Redis: under any policy but `noeviction`, Redis full deletes jobs, so
 * accepted events are lost silently. Refused in production; said loudly elsewhere. A policy that
 * cannot be read (Redis unreachable, INFO without the field) lets the app start as before.
 */
export function evictionVerdict(policy: string | undefined, nodeEnv: AppEnv['NODE_ENV']): EvictionVerdict {
  if (policy === 'noeviction') return { action: 'ok' };
  if (policy === undefined)
    return { action: 'warn', message: `could not read Redis's maxmemory-policy: make sure it is noeviction, or jobs can be evicted and lost` };
  const message = `Redis's maxmemory-policy is ${policy}, not noeviction: when Redis fills up it evicts keys, and queued jobs (accepted events) are lost. Set maxmemory-policy noeviction`;
  return nodeEnv === 'production' ? { action: 'refuse', message: `${message}. Refusing to start under NODE_ENV=production.` } : { action: 'warn', message };
}

export class RedisEvictionPolicyError extends Error {}

const INFO_TIMEOUT_MS = 2000;

/**
 * Boot check of an app that writes to Redis: reads the eviction policy once, logs a warning, or
 * throws RedisEvictionPolicyError (production). Never holds the boot longer than about 2 s, and a
 * Redis that cannot be reached is only logged: the app starts and reports Redis down as before.
 */
export async function checkRedisEvictionPolicy(env: Pick<AppEnv, 'REDIS_URL' | 'NODE_ENV'>, logger = new Logger('Redis')): Promise<void> {
  // On a cluster every node holds jobs: each one's policy counts, and the first that is wrong decides.
  const targets = isRedisClusterUrl(env.REDIS_URL) ? clusterNodeClients(env.REDIS_URL) : [new IORedis(env.REDIS_URL, INFO_CLIENT)];
  const infos: string[] = [];
  try {
    for (const client of targets) {
      client.on('error', () => undefined); // reported below
      await client.connect();
      infos.push(await client.info('memory'));
    }
  } catch (e) {
    logger.warn(`could not check Redis's maxmemory-policy at start (${(e as Error).message}); going on`);
    return;
  } finally {
    for (const client of targets) client.disconnect();
  }
  for (const info of infos) {
    const verdict = evictionVerdict(maxmemoryPolicyOf(info), env.NODE_ENV);
    if (verdict.action === 'refuse') throw new RedisEvictionPolicyError(verdict.message);
    if (verdict.action === 'warn') {
      logger.warn(verdict.message);
      return;
    }
  }
}

const INFO_CLIENT = {
  lazyConnect: true,
  connectTimeout: INFO_TIMEOUT_MS,
  commandTimeout: INFO_TIMEOUT_MS,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
  enableOfflineQueue: true,
};

/** One plain client per seed node of the cluster URL (the seed list names the nodes to check). */
function clusterNodeClients(url: string): IORedis[] {
  const target = parseRedisClusterUrl(url);
  return target.nodes.map(
    (n) =>
      new IORedis({ ...INFO_CLIENT, host: n.host, port: n.port, username: target.username, password: target.password, ...(target.tls ? { tls: {} } : {}) }),
  );
}

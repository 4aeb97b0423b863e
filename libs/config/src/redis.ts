import IORedis, { Cluster, type RedisOptions } from 'ioredis';

/**
 * `redis+cluster://[user:pass@]host:port,host:port[,…]` (or `rediss+cluster://` for TLS): the
 * seed nodes of a Redis Cluster. Every client the apps make then talks to the cluster, and
 * BullMQ's keys carry a hash tag (`queuePrefix`).
 */
const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//;

export function isRedisClusterUrl(url: string): boolean {
  return CLUSTER_SCHEME.test(url);
}

export interface RedisClusterTarget {
  nodes: Array<{ host: string; port: number }>;
  username?: string;
  password?: string;
  tls: boolean;
}

/** The seed nodes and credentials of a `redis+cluster://` URL; throws on one that names no node. */
export function parseRedisClusterUrl(url: string): RedisClusterTarget {
  const scheme = CLUSTER_SCHEME.exec(url);
  if (!scheme) throw new Error('not a redis+cluster:// URL');
  let rest = url.slice(scheme[0].length).replace(/[/?].*$/, '');
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const auth = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = auth.indexOf(':');
    username = decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : auth) || undefined;
    password = colon >= 0 ? decodeURIComponent(auth.slice(colon + 1)) : undefined;
  }
  const nodes = rest
    .split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(hostPort);
      if (!m) throw new Error(`bad cluster node '${hostPort.slice(0, 100)}' (host:port)`);
      return { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 6379 };
    });
  if (!nodes.length) throw new Error('a redis+cluster:// URL names at least one host:port');
  return { nodes, username, password, tls: scheme[1] === 'rediss' };
}

/**
 * The prefix of every BullMQ key. On a cluster it is hash-tagged (`{rops}`), so all of a queue's
 * keys (and the keys of the queues one script or pipeline touches together) hash to one slot, as
 * BullMQ requires; on a single Redis it is QUEUE_PREFIX as it always was.
 */
export function queuePrefix(env: { QUEUE_PREFIX: string; REDIS_URL: string }): string {
  return isRedisClusterUrl(env.REDIS_URL) ? `{${env.QUEUE_PREFIX}}` : env.QUEUE_PREFIX;
}

/**
 * Producers fail fast when Redis is unreachable (so the gateway can answer 503 instead of
 * holding a webhook in memory); workers wait and reconnect, as BullMQ requires. A
 * `redis+cluster://` URL gives an ioredis Cluster with the same behaviour; it is typed as a
 * client, since both offer the same commands.
 */
export function createRedis(url: string, role: 'producer' | 'worker', extra: RedisOptions = {}): IORedis {
  const options: RedisOptions =
    role === 'producer'
      ? // Auto-pipelining batches concurrent adds into one write per tick (the gateway's hot path).
        { enableOfflineQueue: false, enableAutoPipelining: true, maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: (n) => Math.min(n * 200, 2000) }
      : { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (n) => Math.min(n * 200, 5000) };
  if (!isRedisClusterUrl(url)) return new IORedis(url, { ...options, ...extra });
  return createCluster(parseRedisClusterUrl(url), { ...options, ...extra }) as unknown as IORedis;
}

function createCluster(target: RedisClusterTarget, options: RedisOptions): Cluster {
  const { enableOfflineQueue, enableAutoPipelining, retryStrategy, enableReadyCheck, lazyConnect, ...perNode } = options;
  return new Cluster(target.nodes, {
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableAutoPipelining: enableAutoPipelining ?? false,
    enableReadyCheck: enableReadyCheck ?? true,
    lazyConnect,
    clusterRetryStrategy: retryStrategy ? (times) => retryStrategy(times) ?? null : undefined,
    redisOptions: {
      ...perNode,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    },
  });
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

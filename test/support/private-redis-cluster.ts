import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnApp, type AppProcess } from './processes';
import { waitFor } from './wait';

const run = promisify(execFile);

/** A throwaway Redis Cluster of the test's own: `masters` redis-server nodes, no replicas, every slot assigned. */
export interface PrivateRedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…`, as REDIS_URL */
  url: string;
  ports: number[];
  /** `redis-cli -p <port> <args>` on one node */
  cli: (port: number, ...args: string[]) => Promise<string>;
  stop: () => Promise<void>;
}

export async function startPrivateRedisCluster(masters = 3): Promise<PrivateRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'rops-redis-cluster-'));
  const ports: number[] = [];
  const nodes: AppProcess[] = [];
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      ports.push(port);
      nodes.push(
        await spawnApp({
          name: `redis cluster node ${port}`,
          command: 'redis-server',
          args: [
            '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
            '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000',
            '--maxmemory-policy', 'noeviction',
          ], // prettier-ignore
          ready: /Ready to accept connections/,
        }),
      );
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(async () => (await Promise.all(ports.map((p) => cli(p, 'cluster', 'info')))).every((info) => /cluster_state:ok/.test(info)), {
      what: 'the cluster to be ok on every node',
      timeoutMs: 20000,
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, cli, stop };
}

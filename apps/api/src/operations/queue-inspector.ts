import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppEnv, createRedis, queuePrefix } from '@retell-ops/config';
import { QUEUES, tenantOfJobId, type QueueName } from '@retell-ops/queue';

/** BullMQ's states a job can sit in, as this API names them. */
export type JobState = 'failed' | 'waiting' | 'active' | 'delayed' | 'completed';

/** What a list needs of a job, read from its hash without its payload. */
export interface JobSummary {
  queue: QueueName;
  jobId: string;
  state: JobState;
  /** When the job was added (epoch ms) */
  timestamp: number;
  attemptsMade: number;
  failedReason: string | null;
  /** When it last finished (failed or completed), epoch ms */
  finishedOn: number | null;
}

/**
 * How many of a queue's newest job ids in each set a tenant-scoped scan reads: job ids carry
 * the tenant (or the payload does), and a set can hold 100,000 failed jobs of every tenant.
 */
export const SCAN_LIMIT = 10_000;

const LAST_ERROR_MAX = 500;

/** Every queue of the platform (the names and prefix of libs/queue), opened once, for reads and operator actions. */
@Injectable()
export class QueueInspector implements OnModuleDestroy {
  readonly connection: IORedis;
  private readonly queues: Map<QueueName, Queue>;

  constructor(private readonly env: AppEnv) {
    // Reads wait for the connection (offline queue) rather than fail while it opens; a Redis outage still fails each in a bounded time.
    this.connection = createRedis(env.REDIS_URL, 'producer', { enableOfflineQueue: true });
    this.connection.on('error', () => undefined); // each failed read answers 503
    this.queues = new Map(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: this.connection, prefix: queuePrefix(env) })]));
  }

  get prefix(): string {
    return this.env.QUEUE_PREFIX;
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  allQueues(): Array<{ name: QueueName; queue: Queue }> {
    return [...this.queues.entries()].map(([name, queue]) => ({ name, queue }));
  }

  /**
   * The tenant's jobs of `queue` in the given states (the newest SCAN_LIMIT ids of each set), with
   * their hash fields. A job whose id names no tenant is kept when its payload's tenantId matches.
   */
  async tenantJobs(name: QueueName, tenantId: string, states: readonly Exclude<JobState, 'completed'>[]): Promise<JobSummary[]> {
    const q = this.queue(name);
    const read = this.connection.pipeline();
    const plan: Array<{ state: JobState }> = [];
    const scan = (state: JobState, key: string, kind: 'list' | 'zset' | 'zsetNewest') => {
      if (kind === 'list') read.lrange(key, 0, SCAN_LIMIT - 1);
      else if (kind === 'zset') read.zrange(key, 0, SCAN_LIMIT - 1);
      else read.zrevrange(key, 0, SCAN_LIMIT - 1);
      plan.push({ state });
    };
    for (const state of states) {
      if (state === 'failed') scan(state, q.toKey('failed'), 'zsetNewest');
      else if (state === 'active') scan(state, q.toKey('active'), 'list');
      else if (state === 'delayed') scan(state, q.toKey('delayed'), 'zset');
      else {
        scan(state, q.toKey('wait'), 'list');
        scan(state, q.toKey('prioritized'), 'zset');
        scan(state, q.toKey('paused'), 'list');
      }
    }
    const results = await exec(read);
    const candidates: Array<{ jobId: string; state: JobState; byPayload: boolean }> = [];
    const seen = new Set<string>();
    results.forEach((ids, i) => {
      for (const jobId of ids as string[]) {
        if (seen.has(jobId)) continue;
        const owner = tenantOfJobId(name, jobId);
        if (owner !== undefined && owner !== tenantId) continue;
        seen.add(jobId);
        candidates.push({ jobId, state: plan[i].state, byPayload: owner === undefined });
      }
    });
    if (!candidates.length) return [];
    const fields = this.connection.pipeline();
    for (const c of candidates) {
      fields.hmget(q.toKey(c.jobId), 'timestamp', 'atm', 'failedReason', 'finishedOn');
      if (c.byPayload) fields.hget(q.toKey(c.jobId), 'data');
    }
    const values = await exec(fields);
    const out: JobSummary[] = [];
    let at = 0;
    for (const c of candidates) {
      const [timestamp, attemptsMade, failedReason, finishedOn] = values[at++] as Array<string | null>;
      if (c.byPayload) {
        const data = values[at++] as string | null;
        if (payloadTenant(data) !== tenantId) continue;
      }
      if (timestamp === null) continue; // removed between the two reads
      out.push({
        queue: name,
        jobId: c.jobId,
        state: c.state,
        timestamp: Number(timestamp),
        attemptsMade: Number(attemptsMade ?? 0),
        failedReason: failedReason ? failedReason.slice(0, LAST_ERROR_MAX) : null,
        finishedOn: finishedOn ? Number(finishedOn) : null,
      });
    }
    return out;
  }

  /** Attempts and last error of jobs still kept (any state), by id; absent when Redis no longer holds it. */
  async jobFields(items: Array<{ queue: QueueName; jobId: string }>): Promise<Map<string, { attemptsMade: number; failedReason: string | null }>> {
    const found = new Map<string, { attemptsMade: number; failedReason: string | null }>();
    if (!items.length) return found;
    const read = this.connection.pipeline();
    for (const i of items) read.hmget(this.queue(i.queue).toKey(i.jobId), 'timestamp', 'atm', 'failedReason');
    const values = await exec(read);
    items.forEach((i, n) => {
      const [timestamp, attemptsMade, failedReason] = values[n] as Array<string | null>;
      if (timestamp !== null)
        found.set(`${i.queue}|${i.jobId}`, {
          attemptsMade: Number(attemptsMade ?? 0),
          failedReason: failedReason ? failedReason.slice(0, LAST_ERROR_MAX) : null,
        });
    });
    return found;
  }

  /** The tenant a job belongs to: from its id where the id names it, else its payload. */
  async tenantOf(name: QueueName, jobId: string, data: unknown): Promise<string | undefined> {
    return tenantOfJobId(name, jobId) ?? (data && typeof data === 'object' ? ((data as { tenantId?: unknown }).tenantId as string | undefined) : undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}

function payloadTenant(data: string | null): string | undefined {
  if (!data) return undefined;
  // The tenant id is near the start of every payload; a bounded look avoids parsing a large body.
  const m = /"tenantId":"([0-9a-f-]{36})"/.exec(data.slice(0, 2000));
  if (m) return m[1];
  try {
    return (JSON.parse(data) as { tenantId?: string }).tenantId;
  } catch {
    return undefined;
  }
}

async function exec(pipeline: ReturnType<IORedis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

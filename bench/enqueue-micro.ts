/**
 * Micro-benchmark of the gateway's enqueue (`EventQueues.enqueue`) against a local Redis: the cost
 * per delivery, one at a time (latency) and 64 in flight (throughput), for fresh jobs and for
 * duplicates of jobs already held. Not part of `npm run bench`.
 *
 *   node dist/bench/enqueue-micro.js [path/to/event-queues.js] [--n 3000] [--runs 5]
 *
 * The first argument lets the same loop measure another build (e.g. main's dist) side by side.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { loadEnv } from '@retell-ops/config';
import { LIFECYCLE_EVENTS, QUEUE_FOR_EVENT, type CallEventJob } from '@retell-ops/queue';

interface Enqueuer {
  enqueue(job: CallEventJob): Promise<void>;
  onModuleDestroy(): Promise<void>;
}

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main(): Promise<void> {
  const modulePath =
    process.argv[2] && !process.argv[2].startsWith('--') ? path.resolve(process.argv[2]) : path.join(__dirname, '../apps/gateway/src/queues/event-queues.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EventQueues } = require(modulePath) as { EventQueues: new (env: unknown) => Enqueuer };
  const n = arg('n', 3000);
  const runs = arg('runs', 5);
  const prefix = `bench_enqueue_${randomUUID().slice(0, 8)}`;
  const env = loadEnv({ ...process.env, QUEUE_PREFIX: prefix });
  const queues = new EventQueues(env);
  const tenantId = randomUUID();
  const body = JSON.stringify({
    event: 'call_started',
    call: { call_id: 'x'.repeat(32), agent_id: 'agent_bench', call_status: 'ongoing', transcript: 'y'.repeat(1900) },
  }); // ≈2 KB, a call_started
  const jobFor = (i: number, run: number): CallEventJob => ({
    tenantId,
    callId: `call_${run}_${i}`,
    event: LIFECYCLE_EVENTS[i % 3],
    body,
    receivedAt: Date.now(),
  });

  const results: Record<string, number[]> = {
    'fresh, one at a time (µs/enqueue)': [],
    'duplicate, one at a time (µs/enqueue)': [],
    'fresh, 64 in flight (µs/enqueue)': [],
    'fresh, 64 in flight (client CPU µs/enqueue)': [],
  };
  try {
    for (let i = 0; i < 200; i++) await queues.enqueue(jobFor(i, -1)); // warm-up: scripts loaded, connection up
    for (let run = 0; run < runs; run++) {
      let t = performance.now();
      for (let i = 0; i < n; i++) await queues.enqueue(jobFor(i, run));
      results['fresh, one at a time (µs/enqueue)'].push(((performance.now() - t) * 1000) / n);
      t = performance.now();
      for (let i = 0; i < n; i++) await queues.enqueue(jobFor(i, run));
      results['duplicate, one at a time (µs/enqueue)'].push(((performance.now() - t) * 1000) / n);
      t = performance.now();
      const cpu = process.cpuUsage();
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < n) await queues.enqueue(jobFor(next++, run + 1000));
        }),
      );
      results['fresh, 64 in flight (µs/enqueue)'].push(((performance.now() - t) * 1000) / n);
      const used = process.cpuUsage(cpu);
      results['fresh, 64 in flight (client CPU µs/enqueue)'].push((used.user + used.system) / n);
    }
  } finally {
    await queues.onModuleDestroy();
    for (const event of LIFECYCLE_EVENTS) {
      const q = new Queue(QUEUE_FOR_EVENT[event], { connection: { url: env.REDIS_URL } as never, prefix });
      await q.obliterate({ force: true });
      await q.close();
    }
  }
  console.log(`enqueue micro-benchmark: ${path.relative(process.cwd(), modulePath)}, ${n} enqueues × ${runs} runs, median of runs`);
  for (const [what, xs] of Object.entries(results)) console.log(`  ${what}: ${median(xs).toFixed(1)}  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

/**
 * Micro-benchmark of the gateway's live-transcript write (`LiveTranscriptStore.keep`: one Lua
 * script that sets the transcript if newer, XADDs and PUBLISHes) beside the enqueue of a lifecycle
 * job (`EventQueues.enqueue`), on a realistic `transcript_updated` call object (20 turns with word
 * timings, ≈ 25 KB, passed already parsed as the gateway holds it). Per delivery: latency one at a time, throughput 64 in flight, and the CPU
 * of this process and of Redis (INFO cpu). Not part of `npm run bench`.
 *
 *   node dist/bench/transcript-micro.js [--n 3000]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import IORedis from 'ioredis';
import { loadEnv } from '@retell-ops/config';
import { EventQueues } from '../apps/gateway/src/queues/event-queues';
import { LiveTranscriptStore } from '../apps/gateway/src/transcripts/live-transcript-store';

const n = (() => {
  const at = process.argv.indexOf('--n');
  return at > 0 ? Number(process.argv[at + 1]) : 3000;
})();

function callObject(callId: string, turns: number): Record<string, unknown> {
  const transcript_object = Array.from({ length: turns }, (_, i) => {
    const content = `Turn ${i}: ${'some words said on the line '.repeat(4)}`;
    return {
      role: i % 2 ? 'user' : 'agent',
      content,
      words: content.split(' ').map((word, w) => ({ word, start: i * 5 + w * 0.3, end: i * 5 + w * 0.3 + 0.25 })),
    };
  });
  return { call_id: callId, agent_id: 'agent_bench', call_status: 'ongoing', start_timestamp: Date.now(), transcript_object };
}

async function redisCpuUs(redis: IORedis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1e6;
}

async function measure(name: string, redis: IORedis, op: (i: number) => Promise<unknown>): Promise<Record<string, number>> {
  for (let i = 0; i < 200; i++) await op(-1 - i); // warm-up
  let t = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  const oneAtATime = ((performance.now() - t) * 1000) / n;
  const cpu0 = process.cpuUsage();
  const r0 = await redisCpuUs(redis);
  t = performance.now();
  let next = n;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < 2 * n) await op(next++);
    }),
  );
  const inFlight = ((performance.now() - t) * 1000) / n;
  const cpu = process.cpuUsage(cpu0);
  const redisUs = ((await redisCpuUs(redis)) - r0) / n;
  const row = {
    'one at a time (µs/delivery)': Math.round(oneAtATime),
    '64 in flight (µs/delivery)': Math.round(inFlight),
    'this process CPU (µs/delivery)': Math.round((cpu.user + cpu.system) / n),
    'Redis CPU (µs/delivery)': Math.round(redisUs),
  };
  console.log(name, row);
  return row;
}

async function main(): Promise<void> {
  const prefix = `bench_transcript_${randomUUID().slice(0, 8)}`;
  const env = loadEnv({ ...process.env, QUEUE_PREFIX: prefix });
  const redis = new IORedis(env.REDIS_URL);
  const store = new LiveTranscriptStore(env);
  const queues = new EventQueues(env);
  const tenantId = randomUUID();
  const calls = 100;
  // Each call's transcript grows by one turn per delivery, as Retell's do (20 turns → 21 → …).
  const objects = Array.from({ length: calls }, (_, c) => callObject(`call_${c}`, 20));
  const body = JSON.stringify({ event: 'call_ended', call: objects[0] });
  console.log(`transcript_updated body ≈ ${Math.round(JSON.stringify({ event: 'transcript_updated', call: objects[0] }).length / 1024)} KB, n = ${n}`);
  try {
    await measure('LiveTranscriptStore.keep (transcript_updated)', redis, (i) => {
      const c = Math.abs(i) % calls;
      const call = objects[c];
      const turns = call.transcript_object as unknown[];
      turns.push(turns[turns.length % 20]); // one more turn
      return store.keep(tenantId, call.call_id as string, call);
    });
    await measure('EventQueues.enqueue (a lifecycle job, same size)', redis, (i) =>
      queues.enqueue({ tenantId, event: 'call_ended', callId: `call_q_${i}`, receivedAt: Date.now(), body }),
    );
  } finally {
    await store.onModuleDestroy();
    await queues.onModuleDestroy();
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    await redis.quit();
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import type { DefaultJobOptions } from 'bullmq';

/**
 * Retry with jittered exponential backoff; completed jobs kept a while (so a duplicate delivery
 * soon after is dropped by id), failed jobs kept for inspection and replay, never discarded.
 */
export function lifecycleJobOptions(attempts: number, backoffMs: number): DefaultJobOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    removeOnFail: false,
  };
}

import type { DefaultJobOptions, KeepJobs } from 'bullmq';

/**
 * Completed jobs: kept an hour, at most 10,000 per queue. Their payload is already a row (a
 * CallEvent, a screening, a booking) whose unique key makes a later duplicate change nothing, so
 * Redis needs them only to drop a quick duplicate by id without a round trip to PostgreSQL.
 */
export const KEEP_COMPLETED: KeepJobs = { age: 3600, count: 10_000 };

/**
 * Failed jobs (failed for good: attempts used up by the job's own errors, or an UnrecoverableError):
 * kept 30 days, at most 100,000 per queue, for inspection and replay. A redelivery of a failed
 * call event revives its job.
 */
export const KEEP_FAILED: KeepJobs = { age: 30 * 24 * 3600, count: 100_000 };

/**
 * Retry with jittered exponential backoff. Attempts count only the event's own failures: a
 * dependency that is down sends the job back to wait without using one (QueueConsumers).
 */
export function lifecycleJobOptions(attempts: number, backoffMs: number): DefaultJobOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

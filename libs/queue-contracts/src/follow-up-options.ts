import type { JobsOptions } from 'bullmq';

/** Jobs one worker hands to the next: retried with backoff, failures kept, completions kept a day (dedupe by id). */
export const FOLLOW_UP_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: false,
};

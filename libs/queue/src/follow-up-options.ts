import type { JobsOptions } from 'bullmq';
import { KEEP_COMPLETED, KEEP_FAILED } from './options';

/** Jobs one worker hands to the next: retried with backoff; completions kept briefly, failures kept bounded (see options.ts). */
export const FOLLOW_UP_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: KEEP_COMPLETED,
  removeOnFail: KEEP_FAILED,
};

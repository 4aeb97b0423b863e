import type { JobsOptions } from 'bullmq';
import { KEEP_COMPLETED, KEEP_FAILED } from './options';

/** Look for free slots of a tenant and hand queued dial requests to the placer. */
export const DISPATCH_JOB = 'dial.dispatch.v1';
export interface DispatchJob {
  tenantId: string;
}

/**
 * Create one try's call at Retell. Never retried: a retry could dial a person twice. A try that
 * needs doing again (Retell answered 429, the reaper found no call) is a new try, a new job.
 */
export const PLACE_JOB = 'dial.place.v1';
export interface PlaceJob {
  tenantId: string;
  dialRequestId: string;
  /** The platform's Call row for this attempt */
  callId: string;
  attempt: number;
  /** The request's hand-over count (DialRequest.tries) this job is for: it acts only while that is current */
  try: number;
}
/** One id per (request, try): each hand-over to the placer is a job BullMQ has not seen. */
export const placeJobId = (j: Pick<PlaceJob, 'dialRequestId' | 'try'>) => `place.${j.dialRequestId}.${j.try}`;

/** One attempt only (a retry could dial twice); kept as every other queue keeps its jobs. */
export const PLACE_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED };

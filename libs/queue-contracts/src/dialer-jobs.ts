/** Look for free slots of a tenant and hand queued dial requests to the placer. */
export const DISPATCH_JOB = 'dial.dispatch.v1';
export interface DispatchJob {
  tenantId: string;
}

/** Create one attempt's call at Retell. Never retried: a retry could dial a person twice. */
export const PLACE_JOB = 'dial.place.v1';
export interface PlaceJob {
  tenantId: string;
  dialRequestId: string;
  /** The platform's Call row for this attempt */
  callId: string;
  attempt: number;
}
/** One id per (request, attempt): the same attempt is never created twice. */
export const placeJobId = (j: Pick<PlaceJob, 'dialRequestId' | 'attempt'>) => `place.${j.dialRequestId}.${j.attempt}`;

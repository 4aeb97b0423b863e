/**
 * The live events the dashboard follows over `GET /api/v1/events`: one typed contract for the
 * workers and API that publish them and the API that streams them. Events never carry a tenant
 * id (the stream is already the tenant's); `at` is when the event was published.
 */

export interface CallUpdated {
  /** the platform's call id */
  id: string;
  /** Retell's call id, null until Retell has the call */
  callId: string | null;
  status: string;
  outcome: string | null;
  dialRequestId: string | null;
  batchId: string | null;
  candidateId: string | null;
  at: string;
}

export interface BatchProgress {
  batchId: string;
  status: string;
  total: number;
  counts: { queued: number; live: number; completed: number; failed: number; canceled: number };
  at: string;
}

export interface CandidateUpdated {
  candidateId: string;
  status: string;
  at: string;
}

export interface InterviewUpdated {
  interviewId: string;
  candidateId: string;
  status: string;
  startsAt: string | null;
  at: string;
}

export interface DialUpdated {
  dialRequestId: string;
  status: string;
  batchId: string | null;
  /** the platform's id of the request's current call */
  callId: string | null;
  at: string;
}

/** A live call's transcript grew (Retell's transcript_updated): its last turns, not the whole of it. */
export interface CallTranscript {
  /** the platform's call id when the delivery names it cheaply (a call the platform placed), else null */
  id: string | null;
  /** Retell's call id */
  callId: string;
  /** turns in the whole transcript */
  count: number;
  /** index of the first turn in `utterances`: a page holding fewer turns fetches the whole transcript */
  from: number;
  utterances: Array<{ role: 'agent' | 'user' | 'transfer_target'; content: string }>;
  at: string;
}

/** A call's latest live transcript as the gateway keeps it (liveTranscriptKey, field `v`) and the API reads it. */
export interface StoredLiveTranscript {
  callId: string;
  /** turns in the whole transcript; `utterances` holds the last of them */
  count: number;
  utterances: CallTranscript['utterances'];
  updatedAt: string;
}

export interface LiveEventData {
  'call.updated': CallUpdated;
  'batch.progress': BatchProgress;
  'candidate.updated': CandidateUpdated;
  'interview.updated': InterviewUpdated;
  'dial.updated': DialUpdated;
  'call.transcript': CallTranscript;
}

export type LiveEventType = keyof LiveEventData;

export const LIVE_EVENT_TYPES: readonly LiveEventType[] = [
  'call.updated',
  'batch.progress',
  'candidate.updated',
  'interview.updated',
  'dial.updated',
  'call.transcript',
];

/** One event as a producer hands it in (`at` is filled in when published). */
export type LiveEvent = { [T in LiveEventType]: { type: T; data: Omit<LiveEventData[T], 'at'> } }[LiveEventType];

/** One event as it is kept and streamed: `data` is its one-line JSON. */
export interface StoredLiveEvent {
  /** opaque, ordered per tenant (the Redis Stream entry id) */
  id: string;
  type: LiveEventType;
  data: string;
}

/** Sent instead of a replay when the client's Last-Event-ID is no longer in the history. */
export const RESET_EVENT = 'reset';

/**
 * A dial request's status and the only moves it may make. Every writer of a request's status
 * asks this table (the store turns it into `WHERE status IN (…)`), so two writers racing can
 * never make an illegal move: the loser's UPDATE matches no row.
 */
export const DIAL_REQUEST_STATUSES = ['scheduled', 'queued', 'dialing', 'live', 'retry_wait', 'completed', 'failed', 'cancelled'] as const;
export type DialRequestStatus = (typeof DIAL_REQUEST_STATUSES)[number];

const MOVES: Readonly<Record<DialRequestStatus, readonly DialRequestStatus[]>> = {
  // its time came; cancelled by an admin
  scheduled: ['queued', 'cancelled'],
  // handed to the placer; cancelled
  queued: ['dialing', 'cancelled'],
  // Retell has the call; back to queued as a new try (429, or the reaper found no call); the call
  // ended before it was linked (same as live); the create was refused; cancelled before the create
  dialing: ['live', 'queued', 'retry_wait', 'completed', 'failed', 'cancelled'],
  // the call ended: redial later (unanswered, or Retell had no line), or a final verdict
  live: ['retry_wait', 'completed', 'failed', 'cancelled'],
  // its backoff passed; cancelled
  retry_wait: ['queued', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** Named groups of states: the only lists of request states the code uses. */
export const DIAL_REQUEST_GROUPS = {
  /** not holding a slot, not final: waits for its time, a slot or its backoff */
  waiting: ['scheduled', 'queued', 'retry_wait'],
  /** counts against the tenant's and the batch's concurrency */
  holdingSlot: ['dialing', 'live'],
  final: ['completed', 'failed', 'cancelled'],
  /** waiting for a time to come (scheduledAt, or a retry's backoff) */
  due: ['scheduled', 'retry_wait'],
  /** a cancel ends these at once (nothing is placed) */
  cancellableAtOnce: ['scheduled', 'queued', 'retry_wait'],
  /** a cancel is recorded (cancelRequestedAt) and finished by the placer or the call's end */
  cancellableLater: ['dialing', 'live'],
} as const satisfies Record<string, readonly DialRequestStatus[]>;

export type DialRequestGroup = keyof typeof DIAL_REQUEST_GROUPS;

export function isDialRequestStatus(s: string): s is DialRequestStatus {
  return (DIAL_REQUEST_STATUSES as readonly string[]).includes(s);
}

export function inDialRequestGroup(status: string, group: DialRequestGroup): boolean {
  return (DIAL_REQUEST_GROUPS[group] as readonly string[]).includes(status);
}

export function canMoveDialRequest(from: DialRequestStatus, to: DialRequestStatus): boolean {
  return MOVES[from].includes(to);
}

/**
 * The states a request may move into `to` from, optionally narrowed to those the caller expects
 * (`expected`): what a guarded UPDATE puts in its WHERE. Empty when no such move exists.
 */
export function dialRequestSourcesOf(to: DialRequestStatus, expected?: readonly DialRequestStatus[]): DialRequestStatus[] {
  return DIAL_REQUEST_STATUSES.filter((from) => canMoveDialRequest(from, to) && (!expected || expected.includes(from)));
}

export type CancelPlan =
  /** scheduled/queued/retry_wait: cancelled now, with its unplaced call */
  | 'cancel_now'
  /** dialing: mark it; the placer does not create, or stops the call once it is linked */
  | 'cancel_when_linked'
  /** live: stop the call at Retell; its end closes the request as cancelled */
  | 'stop_live'
  /** completed/failed/cancelled: nothing to do */
  | 'already_final';

/** What cancelling a request in `status` does. */
export function cancelPlanFor(status: DialRequestStatus): CancelPlan {
  if (inDialRequestGroup(status, 'cancellableAtOnce')) return 'cancel_now';
  if (status === 'dialing') return 'cancel_when_linked';
  if (status === 'live') return 'stop_live';
  return 'already_final';
}

/**
 * The platform's call status and the only moves it may make. Status moves forward only, so a
 * late or duplicated event can never take a call back (a retried call_started after call_ended
 * leaves it completed).
 */
export const CALL_STATUSES = ['scheduled', 'queued', 'initiated', 'ringing', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const TERMINAL_STATUSES: readonly CallStatus[] = ['completed', 'failed', 'cancelled'];

const RANK: Record<CallStatus, number> = {
  scheduled: 0,
  queued: 1,
  initiated: 2,
  ringing: 3,
  in_progress: 4,
  // Terminal states share a rank: none follows another.
  completed: 5,
  failed: 5,
  cancelled: 5,
};

export function statusRank(status: CallStatus): number {
  return RANK[status];
}

export function isTerminal(status: CallStatus): boolean {
  return RANK[status] === 5;
}

export function canTransition(from: CallStatus, to: CallStatus): boolean {
  return RANK[to] > RANK[from];
}

/** The status after `incoming` is reported to a call at `current`: forward or unchanged. */
export function advanceStatus(current: CallStatus, incoming: CallStatus): CallStatus {
  return canTransition(current, incoming) ? incoming : current;
}

/**
 * Combines the status a call holds with the status its Retell events report. Forward moves
 * only; between two final states Retell's report wins (it says what happened on the line),
 * which keeps the result independent of the order events arrive in.
 */
export function settleStatus(current: CallStatus, reported: CallStatus | undefined): CallStatus {
  if (!reported) return current;
  if (isTerminal(current) && isTerminal(reported)) return reported;
  return advanceStatus(current, reported);
}

/**
 * The Retell events whose call object reports the call's status. Every other event the platform
 * keeps (the transfer_* events) only joins the call's timeline: a transfer_ended that arrives
 * before call_ended says the transfer leg is over, not the call.
 */
export const STATUS_REPORTING_EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;

export function reportsCallStatus(event: string): boolean {
  return (STATUS_REPORTING_EVENTS as readonly string[]).includes(event);
}

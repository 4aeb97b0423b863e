/**
 * Every BullMQ queue of the platform. A name must never change while jobs may still sit under
 * it: add a new versioned queue and drain the old one instead.
 */
export const QUEUES = {
  callStarted: 'call-started.v1',
  callEnded: 'call-ended.v1',
  callAnalyzed: 'call-analyzed.v1',
  candidateScreening: 'candidate-screening.v1',
  interviewScheduling: 'interview-scheduling.v1',
  interviewReminders: 'interview-reminders.v1',
  dialDispatch: 'dial-dispatch.v1',
  dialPlace: 'dial-place.v1',
  reconcile: 'reconcile.v1',
  callTransfers: 'call-transfers.v1',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The Retell events the platform keeps, each with its own queue. */
export const LIFECYCLE_EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** Retell's transfer events: rare, kept on the call's timeline, never moving its status. */
export const TRANSFER_EVENTS = ['transfer_started', 'transfer_bridged', 'transfer_cancelled', 'transfer_ended'] as const;
export type TransferEvent = (typeof TRANSFER_EVENTS)[number];

/** Every Retell event the gateway queues for the call worker to keep as a CallEvent. */
export const QUEUED_CALL_EVENTS = [...LIFECYCLE_EVENTS, ...TRANSFER_EVENTS] as const;
export type QueuedCallEvent = (typeof QUEUED_CALL_EVENTS)[number];

export const QUEUE_FOR_EVENT = {
  call_started: QUEUES.callStarted,
  call_ended: QUEUES.callEnded,
  call_analyzed: QUEUES.callAnalyzed,
  // One queue for the four: a call has a handful of them at most.
  transfer_started: QUEUES.callTransfers,
  transfer_bridged: QUEUES.callTransfers,
  transfer_cancelled: QUEUES.callTransfers,
  transfer_ended: QUEUES.callTransfers,
} as const satisfies Record<QueuedCallEvent, QueueName>;

/** The queues the gateway produces to, one per lifecycle event. */
export type LifecycleQueueName = (typeof QUEUE_FOR_EVENT)[LifecycleEvent];
/** Every queue the gateway produces to. */
export type CallEventQueueName = (typeof QUEUE_FOR_EVENT)[QueuedCallEvent];

export function isLifecycleEvent(event: string): event is LifecycleEvent {
  return (LIFECYCLE_EVENTS as readonly string[]).includes(event);
}

export function isQueuedCallEvent(event: string): event is QueuedCallEvent {
  return (QUEUED_CALL_EVENTS as readonly string[]).includes(event);
}

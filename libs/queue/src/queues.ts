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
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The Retell events the platform keeps, each with its own queue. */
export const LIFECYCLE_EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export const QUEUE_FOR_EVENT = {
  call_started: QUEUES.callStarted,
  call_ended: QUEUES.callEnded,
  call_analyzed: QUEUES.callAnalyzed,
} as const satisfies Record<LifecycleEvent, QueueName>;

/** The queues the gateway produces to, one per lifecycle event. */
export type LifecycleQueueName = (typeof QUEUE_FOR_EVENT)[LifecycleEvent];

export function isLifecycleEvent(event: string): event is LifecycleEvent {
  return (LIFECYCLE_EVENTS as readonly string[]).includes(event);
}

import type { Job, Queue } from 'bullmq';
import type { DispatchJob, PlaceJob } from './dialer-jobs';
import { DISPATCH_JOB, PLACE_JOB } from './dialer-jobs';
import type { CallEventJob } from './jobs';
import type { ReconcileJob } from './reconcile-jobs';
import { RECONCILE_JOB } from './reconcile-jobs';
import { CALL_EVENT_JOB } from './jobs';
import { QUEUES, type QueueName } from './queues';
import type { ReminderJob, SchedulingJob, ScreeningJob } from './recruiting-jobs';
import { REMINDER_JOB, SCHEDULING_JOB, SCREENING_JOB } from './recruiting-jobs';

/**
 * What each queue carries: its one job name (versioned: a new payload shape is a new name and a
 * new queue) and that job's payload. Producers and consumers are typed from this map, so a
 * (queue, job name, payload) triple that is not in it does not compile.
 */
export interface JobMap {
  [QUEUES.callStarted]: { jobName: typeof CALL_EVENT_JOB; payload: CallEventJob };
  [QUEUES.callEnded]: { jobName: typeof CALL_EVENT_JOB; payload: CallEventJob };
  [QUEUES.callAnalyzed]: { jobName: typeof CALL_EVENT_JOB; payload: CallEventJob };
  [QUEUES.candidateScreening]: { jobName: typeof SCREENING_JOB; payload: ScreeningJob };
  [QUEUES.interviewScheduling]: { jobName: typeof SCHEDULING_JOB; payload: SchedulingJob };
  [QUEUES.interviewReminders]: { jobName: typeof REMINDER_JOB; payload: ReminderJob };
  [QUEUES.dialDispatch]: { jobName: typeof DISPATCH_JOB; payload: DispatchJob };
  [QUEUES.dialPlace]: { jobName: typeof PLACE_JOB; payload: PlaceJob };
  [QUEUES.reconcile]: { jobName: typeof RECONCILE_JOB; payload: ReconcileJob };
  [QUEUES.callTransfers]: { jobName: typeof CALL_EVENT_JOB; payload: CallEventJob };
}

export type JobNameOf<Q extends QueueName> = JobMap[Q]['jobName'];
export type PayloadOf<Q extends QueueName> = JobMap[Q]['payload'];

/** A queue as its producers see it: `add` takes only the queue's job name and payload. */
export type QueueOf<Q extends QueueName> = Queue<PayloadOf<Q>, unknown, JobNameOf<Q>>;
/** A job of queue Q as its consumer receives it. */
export type JobOf<Q extends QueueName> = Job<PayloadOf<Q>, unknown, JobNameOf<Q>>;

/** The job name of each queue at run time (the consumer refuses any other; `producers.add` uses it). */
export const JOB_NAMES: { readonly [Q in QueueName]: JobNameOf<Q> } = {
  [QUEUES.callStarted]: CALL_EVENT_JOB,
  [QUEUES.callEnded]: CALL_EVENT_JOB,
  [QUEUES.callAnalyzed]: CALL_EVENT_JOB,
  [QUEUES.candidateScreening]: SCREENING_JOB,
  [QUEUES.interviewScheduling]: SCHEDULING_JOB,
  [QUEUES.interviewReminders]: REMINDER_JOB,
  [QUEUES.dialDispatch]: DISPATCH_JOB,
  [QUEUES.dialPlace]: PLACE_JOB,
  [QUEUES.reconcile]: RECONCILE_JOB,
  [QUEUES.callTransfers]: CALL_EVENT_JOB,
};

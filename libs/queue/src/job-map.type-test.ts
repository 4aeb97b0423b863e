/**
 * Compile-time checks of the job map. The build (`tsconfig.build.json`, run by `npm test` and
 * `npm start`) and `npx tsc -p tsconfig.json` type-check this file: a line under
 * `@ts-expect-error` that compiled would itself be an error (TS2578) and fail the build. Never
 * called: every check sits in a function nobody runs.
 */
import { defineConsumer } from './queue-consumers';
import type { QueueProducers } from './queue-producers';
import type { CallEventJob } from './jobs';
import type { DispatchJob, PlaceJob } from './dialer-jobs';
import type { ReminderJob } from './recruiting-jobs';
import { CALL_EVENT_JOB } from './jobs';
import { DISPATCH_JOB, PLACE_JOB } from './dialer-jobs';
import { QUEUES } from './queues';
import type { JobOf } from './job-map';

declare const place: PlaceJob;
declare const dispatch: DispatchJob;
declare const callEvent: CallEventJob;

export function producerChecks(producers: QueueProducers): void {
  // Valid triples.
  void producers.add(QUEUES.dialPlace, place);
  void producers.add(QUEUES.callStarted, callEvent, { jobId: 'x' });
  void producers.queue(QUEUES.dialPlace).add(PLACE_JOB, place);
  void producers.queue('dial-dispatch.v1').add(DISPATCH_JOB, dispatch);

  // @ts-expect-error a dispatch payload on the place queue
  void producers.add(QUEUES.dialPlace, dispatch);
  // @ts-expect-error a place payload written out on the dispatch queue (fields a dispatch job has not)
  void producers.add(QUEUES.dialDispatch, { tenantId: 't', dialRequestId: 'r', callId: 'c', attempt: 1, try: 1 });
  // @ts-expect-error a queue that is not in the map
  void producers.add('dial-place.v2', place);
  // @ts-expect-error the dispatch job name on the place queue
  void producers.queue(QUEUES.dialPlace).add(DISPATCH_JOB, place);
  // @ts-expect-error the call-event job name with a place payload
  void producers.queue(QUEUES.callEnded).add(CALL_EVENT_JOB, place);
  // @ts-expect-error a payload missing a field
  void producers.add(QUEUES.interviewReminders, { tenantId: 't', interviewId: 'i', offset: '1h' });
}

export function consumerChecks(): void {
  // Valid: the exact payload, the typed job, or an unannotated handler.
  defineConsumer(QUEUES.dialPlace, async (job: PlaceJob) => job.callId);
  defineConsumer(QUEUES.dialPlace, async (job: PlaceJob, raw: JobOf<typeof QUEUES.dialPlace>) => raw.attemptsStarted + job.try);
  defineConsumer(QUEUES.interviewReminders, async (job) => (job satisfies ReminderJob).offset);
  defineConsumer(QUEUES.dialDispatch, async () => undefined);

  // @ts-expect-error a dispatch handler on the place queue (wider than PlaceJob: still refused)
  defineConsumer(QUEUES.dialPlace, async (job: DispatchJob) => job.tenantId);
  // @ts-expect-error a place handler on the dispatch queue
  defineConsumer(QUEUES.dialDispatch, async (job: PlaceJob) => job.callId);
  // @ts-expect-error a call-event handler on the reminder queue
  defineConsumer(QUEUES.interviewReminders, async (job: CallEventJob) => job.body);
  // @ts-expect-error a queue that is not in the map
  defineConsumer('dial-place.v0', async (job: PlaceJob) => job.callId);
  // @ts-expect-error the raw job of another queue
  defineConsumer(QUEUES.dialPlace, async (job: PlaceJob, raw: JobOf<typeof QUEUES.dialDispatch>) => raw.data.tenantId + job.try);
}

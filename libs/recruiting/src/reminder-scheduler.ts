import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { parseDurationList } from '@retell-ops/domain';
import { KEEP_FAILED, QueueProducers, QUEUES, reminderJobId, type ReminderJob } from '@retell-ops/queue';

export interface RemindableInterview {
  id: string;
  tenantId: string;
  scheduledAt: Date | null;
}

/** What the scheduler reads the time from: the system clock, or a test's. */
export interface ReminderClock {
  now(): number;
}
export const REMINDER_CLOCK = Symbol('ReminderClock');
export const systemClock: ReminderClock = { now: () => Date.now() };

/**
 * Reminders wait in Redis as delayed jobs (so they survive restarts), one per offset, under ids
 * that include the interview instant: moving or cancelling an interview removes exactly its own.
 */
@Injectable()
export class ReminderScheduler {
  private readonly offsets: Array<{ label: string; ms: number }>;

  constructor(
    private readonly producers: QueueProducers,
    env: AppEnv,
    @Optional() @Inject(REMINDER_CLOCK) private readonly clock: ReminderClock = systemClock,
  ) {
    this.offsets = parseDurationList(env.INTERVIEW_REMINDERS);
  }

  /**
   * Adds the reminders still in the future; already-added ones are kept (same id). Added side by
   * side, so the producer connection's auto-pipelining sends them in one round trip.
   */
  async schedule(interview: RemindableInterview): Promise<number> {
    if (!interview.scheduledAt) return 0;
    const at = interview.scheduledAt.getTime();
    const now = this.clock.now();
    const adds = this.offsets
      .filter(({ ms }) => at - ms - now > 0)
      .map(({ label, ms }) => {
        const data: ReminderJob = { tenantId: interview.tenantId, interviewId: interview.id, offset: label, scheduledAt: at };
        return this.producers.add(QUEUES.interviewReminders, data, {
          jobId: reminderJobId(data),
          // BullMQ makes a job due at timestamp + delay: from one reading of the clock, that is exactly at − offset.
          timestamp: now,
          delay: at - ms - now,
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: KEEP_FAILED,
        });
      });
    await Promise.all(adds);
    return adds.length;
  }

  async unschedule(interview: Pick<RemindableInterview, 'id' | 'scheduledAt'>): Promise<void> {
    if (!interview.scheduledAt) return;
    const queue = this.producers.queue(QUEUES.interviewReminders);
    const scheduledAt = interview.scheduledAt.getTime();
    await Promise.all(this.offsets.map(({ label }) => queue.remove(reminderJobId({ interviewId: interview.id, offset: label, scheduledAt }))));
  }
}

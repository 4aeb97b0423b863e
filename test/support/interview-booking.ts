import type { AppEnv } from '@retell-ops/config';
import type { PgPool, PrismaClient } from '@retell-ops/db';
import type { QueueProducers } from '@retell-ops/queue';
import { InterviewBooking, InterviewReminders, ReminderScheduler } from '@retell-ops/recruiting';

/** The booking use case wired as the apps' modules wire it, on the given clients. */
export function interviewBookingOn(prisma: PrismaClient, pool: PgPool, producers: QueueProducers, env: AppEnv): InterviewBooking {
  const reminders = new InterviewReminders(pool, new ReminderScheduler(producers, env));
  return new InterviewBooking(prisma as never, reminders, env);
}

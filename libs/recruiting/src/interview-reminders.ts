import { Injectable } from '@nestjs/common';
import { PgPool } from '@retell-ops/db/pg-pool';
import { ReminderScheduler, type RemindableInterview } from './reminder-scheduler';

/** An interview's reminders kept in step with its row, for every path that books, moves or cancels one. */
@Injectable()
export class InterviewReminders {
  constructor(
    private readonly pool: PgPool,
    private readonly scheduler: ReminderScheduler,
  ) {}

  /**
   * Adds an interview's reminders, then takes them back if it was cancelled or moved meanwhile:
   * that change committed after this booking, but its removal of reminders may have run before
   * these were added.
   */
  async schedule(interview: RemindableInterview): Promise<void> {
    if (!(await this.scheduler.schedule(interview))) return;
    const { rows } = await this.pool.query<{ status: string; scheduledAt: Date | null }>(
      `SELECT "status"::text AS "status", "scheduledAt" FROM "Interview" WHERE "id" = $1::uuid`,
      [interview.id],
    );
    const now = rows[0];
    if (now?.status !== 'scheduled' || now.scheduledAt?.getTime() !== interview.scheduledAt?.getTime()) await this.scheduler.unschedule(interview);
  }

  unschedule(interview: Pick<RemindableInterview, 'id' | 'scheduledAt'>): Promise<void> {
    return this.scheduler.unschedule(interview);
  }
}

/** An analysed call linked to a candidate, to apply to the candidate (candidate worker). */
export const SCREENING_JOB = 'candidate.apply-screening.v1';
export interface ScreeningJob {
  tenantId: string;
  candidateId: string;
  /** Retell's call_id */
  retellCallId: string;
}
export const screeningJobId = (j: ScreeningJob) => `screening.${j.tenantId}.${safe(j.retellCallId)}`;

/** What an applied screening asks the scheduling worker to book. */
export const SCHEDULING_JOB = 'interview.schedule-from-screening.v1';
export interface SchedulingJob {
  kind: 'interview' | 'callback';
  tenantId: string;
  candidateId: string;
  retellCallId: string;
}
export const schedulingJobId = (j: SchedulingJob) => `${j.kind}.${j.tenantId}.${safe(j.retellCallId)}`;

/** A reminder waiting as a delayed job until `offset` before the interview. */
export const REMINDER_JOB = 'interview.reminder.v1';
export interface ReminderJob {
  tenantId: string;
  interviewId: string;
  /** e.g. "24h", "1h", "90s" */
  offset: string;
  /** The interview instant (epoch ms) the reminder is for: a moved interview's old reminders no-op. */
  scheduledAt: number;
}
/** Includes the instant, so a reschedule makes new ids and the old ones can be removed by id. */
export const reminderJobId = (j: Pick<ReminderJob, 'interviewId' | 'offset' | 'scheduledAt'>) => `reminder.${j.interviewId}.${j.offset}.${j.scheduledAt}`;

function safe(id: string): string {
  return encodeURIComponent(id).replace(/:/g, '%3A');
}

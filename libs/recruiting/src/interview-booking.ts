import { Injectable, Logger } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { isUniqueViolation, Prisma, PrismaService, type CallbackTask, type Interview } from '@retell-ops/db';
import {
  ConflictError,
  interviewTimeInputOf,
  InvalidInputError,
  NotFoundError,
  resolveInterviewTime,
  type InterviewTime,
  type InterviewTimeInput,
  type ScreeningAnalysis,
} from '@retell-ops/domain';
import type { SchedulingJob } from '@retell-ops/queue';
import { ReminderScheduler } from './reminder-scheduler';

type Tx = Prisma.TransactionClient;

export interface RescheduleInput {
  /** ISO 8601 with an offset (wins), or date + time + timeZone */
  scheduledAt?: string;
  date?: string;
  time?: string;
  timeZone?: string;
  durationMinutes?: number;
  interviewer?: string | null;
}

const DEFAULT_DURATION_MIN = 60;

/** One slot to book: an exact instant with one interviewer (from a live tool call, or the API). */
export interface SlotBookingInput {
  tenantId: string;
  candidateId: string;
  interviewer: string;
  start: Date;
  durationMinutes: number;
  /** IANA zone the time was offered in */
  timeZone: string;
  /** The Retell call that booked it: the post-call path then finds this interview instead of booking again. */
  sourceCallId?: string | null;
  /** How the instant was fixed (Interview.resolvedFrom) */
  resolvedFrom?: string;
}

export type SlotBooking =
  | { status: 'booked'; interview: Interview }
  /** This call booked an interview already (a retry, or a second booking in one call). */
  | { status: 'exists'; interview: Interview }
  /** The interviewer has another interview at that time. */
  | { status: 'taken'; clashId: string };

/** Who runs the interview, as the call's metadata names them (the recruiting guide passes `recruiter`). */
function interviewerOf(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== 'object') return null;
  const m = metadata as Record<string, unknown>;
  const v = m.interviewer ?? m.recruiter;
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/**
 * Interviews and callbacks from screening calls, and their moves: an exact instant or
 * needs_review (never a guess), no double-booking of an interviewer, reminders kept in step.
 */
@Injectable()
export class InterviewBooking {
  private readonly logger = new Logger('InterviewBooking');

  constructor(
    private readonly prisma: PrismaService,
    private readonly reminders: ReminderScheduler,
    private readonly env: AppEnv,
  ) {}

  async fromScreening(job: SchedulingJob): Promise<Interview | CallbackTask> {
    const screening = await this.prisma.candidateScreening.findUnique({
      where: { tenantId_retellCallId: { tenantId: job.tenantId, retellCallId: job.retellCallId } },
      include: { candidate: { select: { timeZone: true, tenant: { select: { timeZone: true } } } } },
    });
    if (!screening) throw new Error(`no screening applied for call ${job.retellCallId}`);
    const call = await this.prisma.call.findUnique({
      where: { tenantId_retellCallId: { tenantId: job.tenantId, retellCallId: job.retellCallId } },
      select: { metadata: true },
    });
    const analysis = screening.analysis as unknown as ScreeningAnalysis;
    const input = interviewTimeInputOf(analysis, {
      candidateZone: screening.candidate.timeZone,
      tenantZone: screening.candidate.tenant.timeZone ?? this.env.DEFAULT_TIME_ZONE,
    });
    const time = resolveInterviewTime(input);
    const raw = {
      rawDate: input.scheduledDate ?? null,
      rawTime: input.scheduledTime ?? null,
      rawZone: input.spokenZone ?? null,
      rawIso: input.scheduledDatetimeIso ?? null,
    };

    if (job.kind === 'callback') return this.callbackFrom(job, time, analysis);

    const existing = await this.prisma.interview.findUnique({ where: { tenantId_sourceCallId: { tenantId: job.tenantId, sourceCallId: job.retellCallId } } });
    if (existing) {
      if (existing.status === 'scheduled') await this.scheduleReminders(existing);
      return existing;
    }
    const interviewer = interviewerOf(call?.metadata);
    const interview = await this.prisma.$transaction(async (tx) => {
      let review: string | undefined = time.status === 'resolved' ? undefined : `time could not be resolved: ${time.reason}`;
      if (time.status === 'resolved' && interviewer) {
        await lockInterviewer(tx, job.tenantId, interviewer);
        const clash = await findClash(tx, job.tenantId, interviewer, time.instant, DEFAULT_DURATION_MIN);
        if (clash) review = `conflicts with interview ${clash} of ${interviewer}`;
      }
      return tx.interview.upsert({
        where: { tenantId_sourceCallId: { tenantId: job.tenantId, sourceCallId: job.retellCallId } },
        update: {},
        create: {
          tenantId: job.tenantId,
          candidateId: job.candidateId,
          sourceCallId: job.retellCallId,
          status: review ? 'needs_review' : 'scheduled',
          scheduledAt: time.status === 'resolved' ? time.instant : null,
          timeZone: time.status === 'resolved' ? time.zone : null,
          resolvedFrom: time.status === 'resolved' ? time.source : null,
          durationMinutes: DEFAULT_DURATION_MIN,
          interviewer,
          reviewReason: review ?? null,
          ...raw,
        },
      });
    });
    if (interview.status === 'scheduled') await this.scheduleReminders(interview);
    this.logger.log(
      `interview ${interview.id} for candidate ${job.candidateId}: ${interview.status} ${interview.scheduledAt?.toISOString() ?? ''} ${interview.timeZone ?? ''}`,
    );
    return interview;
  }

  /**
   * Books one exact slot under the interviewer's lock: the slot is taken if another scheduled
   * interview of theirs overlaps it. One interview per source call: a second booking from the
   * same call answers the first.
   */
  async bookSlot(input: SlotBookingInput): Promise<SlotBooking> {
    const bySource = async () =>
      input.sourceCallId
        ? this.prisma.interview.findUnique({ where: { tenantId_sourceCallId: { tenantId: input.tenantId, sourceCallId: input.sourceCallId } } })
        : null;
    const earlier = await bySource();
    if (earlier) return { status: 'exists', interview: earlier };
    let outcome: SlotBooking;
    try {
      outcome = await this.prisma.$transaction(async (tx): Promise<SlotBooking> => {
        await lockInterviewer(tx, input.tenantId, input.interviewer);
        const clash = await findClash(tx, input.tenantId, input.interviewer, input.start, input.durationMinutes);
        if (clash) return { status: 'taken', clashId: clash };
        const interview = await tx.interview.create({
          data: {
            tenantId: input.tenantId,
            candidateId: input.candidateId,
            sourceCallId: input.sourceCallId ?? null,
            status: 'scheduled',
            scheduledAt: input.start,
            timeZone: input.timeZone,
            resolvedFrom: input.resolvedFrom ?? 'manual',
            durationMinutes: input.durationMinutes,
            interviewer: input.interviewer,
            rawIso: input.start.toISOString(),
          },
        });
        return { status: 'booked', interview };
      });
    } catch (e) {
      const raced = isUniqueViolation(e) ? await bySource() : null;
      if (!raced) throw e;
      return { status: 'exists', interview: raced };
    }
    if (outcome.status === 'booked') {
      await this.scheduleReminders(outcome.interview);
      this.logger.log(`interview ${outcome.interview.id} booked for candidate ${input.candidateId}: ${input.start.toISOString()} with ${input.interviewer}`);
    }
    return outcome;
  }

  private async callbackFrom(job: SchedulingJob, time: InterviewTime, analysis: ScreeningAnalysis): Promise<CallbackTask> {
    const words = [analysis.scheduledDatetimeIso, analysis.scheduledDate, analysis.scheduledTime, analysis.scheduledTimezone, analysis.availabilityPreference]
      .filter(Boolean)
      .join(' ');
    return this.prisma.callbackTask.upsert({
      where: { tenantId_sourceCallId: { tenantId: job.tenantId, sourceCallId: job.retellCallId } },
      update: {},
      create: {
        tenantId: job.tenantId,
        candidateId: job.candidateId,
        sourceCallId: job.retellCallId,
        status: time.status === 'resolved' ? 'pending' : 'needs_review',
        dueAt: time.status === 'resolved' ? time.instant : null,
        timeZone: time.status === 'resolved' ? time.zone : null,
        rawWords: words || null,
        reviewReason: time.status === 'resolved' ? null : `time could not be resolved: ${time.reason}`,
      },
    });
  }

  async reschedule(tenantId: string, interviewId: string, input: RescheduleInput): Promise<Interview> {
    const current = await this.prisma.interview.findFirst({
      where: { id: interviewId, tenantId },
      include: { candidate: { select: { timeZone: true, tenant: { select: { timeZone: true } } } } },
    });
    if (!current) throw new NotFoundError(`no interview '${interviewId}'`);
    if (current.status === 'cancelled') throw new ConflictError('a cancelled interview cannot be rescheduled');
    const timeInput: InterviewTimeInput = {
      scheduledDatetimeIso: input.scheduledAt,
      scheduledDate: input.date,
      scheduledTime: input.time,
      spokenZone: input.timeZone,
      candidateZone: current.candidate.timeZone,
      tenantZone: current.candidate.tenant.timeZone ?? this.env.DEFAULT_TIME_ZONE,
    };
    const time = resolveInterviewTime(timeInput);
    if (time.status !== 'resolved') throw new InvalidInputError(`cannot resolve the new time: ${time.reason}${time.field ? ` (${time.field})` : ''}`);
    if (time.instant.getTime() <= Date.now()) throw new InvalidInputError('the new time is in the past');
    const interviewer = input.interviewer === undefined ? current.interviewer : input.interviewer;
    const duration = input.durationMinutes ?? current.durationMinutes;

    const { previous, moved } = await this.prisma.$transaction(async (tx) => {
      // The row is locked and read again: a cancel or move committed since the read above is
      // seen here (and waited for while it runs), never undone by this update.
      const previous = await lockInterview(tx, tenantId, interviewId);
      if (previous.status === 'cancelled') throw new ConflictError('a cancelled interview cannot be rescheduled');
      if (interviewer) {
        await lockInterviewer(tx, tenantId, interviewer);
        const clash = await findClash(tx, tenantId, interviewer, time.instant, duration, interviewId);
        if (clash) throw new ConflictError(`${interviewer} has interview ${clash} at that time`);
      }
      const moved = await tx.interview.update({
        where: { id: interviewId },
        data: {
          status: 'scheduled',
          scheduledAt: time.instant,
          timeZone: time.zone,
          resolvedFrom: 'manual',
          durationMinutes: duration,
          interviewer,
          reviewReason: null,
          sequence: { increment: 1 },
        },
      });
      return { previous, moved };
    });
    await this.reminders.unschedule({ id: interviewId, scheduledAt: previous.scheduledAt });
    await this.scheduleReminders(moved);
    return moved;
  }

  async cancel(tenantId: string, interviewId: string): Promise<Interview> {
    const { previous, cancelled } = await this.prisma.$transaction(async (tx) => {
      const previous = await lockInterview(tx, tenantId, interviewId);
      if (previous.status === 'cancelled') return { previous, cancelled: await tx.interview.findUniqueOrThrow({ where: { id: interviewId } }) };
      const cancelled = await tx.interview.update({
        where: { id: interviewId },
        data: { status: 'cancelled', cancelledAt: new Date(), sequence: { increment: 1 } },
      });
      return { previous, cancelled };
    });
    if (previous.status !== 'cancelled') await this.reminders.unschedule({ id: interviewId, scheduledAt: previous.scheduledAt });
    return cancelled;
  }

  /**
   * Adds an interview's reminders, then takes them back if it was cancelled or moved meanwhile:
   * that change committed after this booking, but its removal of reminders may have run before
   * these were added.
   */
  private async scheduleReminders(interview: Interview): Promise<void> {
    await this.reminders.schedule(interview);
    const now = await this.prisma.interview.findUnique({ where: { id: interview.id }, select: { status: true, scheduledAt: true } });
    if (now?.status !== 'scheduled' || now.scheduledAt?.getTime() !== interview.scheduledAt?.getTime()) await this.reminders.unschedule(interview);
  }
}

/** The interview's row, locked until the transaction ends (a cancel and a reschedule of it take turns). */
async function lockInterview(tx: Tx, tenantId: string, interviewId: string): Promise<{ status: string; scheduledAt: Date | null }> {
  const [row] = await tx.$queryRaw<Array<{ status: string; scheduledAt: Date | null }>>`
    SELECT "status"::text AS "status", "scheduledAt" FROM "Interview" WHERE "id" = ${interviewId}::uuid AND "tenantId" = ${tenantId}::uuid FOR UPDATE`;
  if (!row) throw new NotFoundError(`no interview '${interviewId}'`);
  return row;
}

/** Serialises bookings of one interviewer, so two at once cannot both pass the clash check. */
async function lockInterviewer(tx: Tx, tenantId: string, interviewer: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${tenantId}/${interviewer.toLowerCase()}`}, 0))`;
}

async function findClash(tx: Tx, tenantId: string, interviewer: string, start: Date, minutes: number, exceptId?: string): Promise<string | undefined> {
  const end = new Date(start.getTime() + minutes * 60_000);
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "Interview"
    WHERE "tenantId" = ${tenantId}::uuid AND lower("interviewer") = lower(${interviewer}) AND "status" = 'scheduled'
      AND "scheduledAt" < ${end} AND "scheduledAt" + make_interval(mins => "durationMinutes") > ${start}
      AND "id" <> ${exceptId ?? '00000000-0000-0000-0000-000000000000'}::uuid
    LIMIT 1`;
  return rows[0]?.id;
}

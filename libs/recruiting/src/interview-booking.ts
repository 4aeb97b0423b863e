import { Injectable, Logger } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { Prisma, PrismaService, type CallbackTask, type Interview } from '@retell-ops/db';
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
import { clashCondition, interviewerLockKey, lockInterviewerSql } from './book-slot';
import { InterviewReminders } from './interview-reminders';

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
    private readonly reminders: InterviewReminders,
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
      if (existing.status === 'scheduled') await this.reminders.schedule(existing);
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
    if (interview.status === 'scheduled') await this.reminders.schedule(interview);
    this.logger.log(
      `interview ${interview.id} for candidate ${job.candidateId}: ${interview.status} ${interview.scheduledAt?.toISOString() ?? ''} ${interview.timeZone ?? ''}`,
    );
    return interview;
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
    await this.reminders.schedule(moved);
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
}

/** The interview's row, locked until the transaction ends (a cancel and a reschedule of it take turns). */
async function lockInterview(tx: Tx, tenantId: string, interviewId: string): Promise<{ status: string; scheduledAt: Date | null }> {
  const [row] = await tx.$queryRaw<Array<{ status: string; scheduledAt: Date | null }>>`
    SELECT "status"::text AS "status", "scheduledAt" FROM "Interview" WHERE "id" = ${interviewId}::uuid AND "tenantId" = ${tenantId}::uuid FOR UPDATE`;
  if (!row) throw new NotFoundError(`no interview '${interviewId}'`);
  return row;
}

/** Serialises bookings of one interviewer, so two at once cannot both pass the clash check (the same lock BookSlot takes). */
export async function lockInterviewer(tx: Tx, tenantId: string, interviewer: string): Promise<void> {
  await tx.$executeRawUnsafe(lockInterviewerSql('$1'), interviewerLockKey(tenantId, interviewer));
}

/** Another interview clashing with [start, start + minutes), by the condition BookSlot books under. */
async function findClash(tx: Tx, tenantId: string, interviewer: string, start: Date, minutes: number, exceptId?: string): Promise<string | undefined> {
  const end = new Date(start.getTime() + minutes * 60_000);
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT "id" FROM "Interview" WHERE ${clashCondition({ tenantId: '$1::uuid', interviewer: '$2', start: '$3::timestamptz', end: '$4::timestamptz' })}
      AND "id" <> $5::uuid LIMIT 1`,
    tenantId,
    interviewer,
    start,
    end,
    exceptId ?? '00000000-0000-0000-0000-000000000000',
  );
  return rows[0]?.id;
}

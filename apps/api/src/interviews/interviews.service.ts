import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Interview } from '@retell-ops/db';
import { ConflictError, InvalidInputError, isUuid, NotFoundError, renderIcs } from '@retell-ops/domain';
import { LiveUpdates } from '@retell-ops/live-events';
import { findCandidateId, InterviewBooking } from '@retell-ops/recruiting';
import { keysetPage, readCursor, rowsToFetch } from '../common/keyset-page';
import type { ListInterviewsQuery, RescheduleInterviewBody } from './interview.dto';
import { InterviewPage, InterviewResource } from './interview.resource';

/** A text/calendar answer. */
export interface IcsFile {
  filename: string;
  body: string;
}

@Injectable()
export class InterviewsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly booking: InterviewBooking,
    private readonly live: LiveUpdates,
  ) {}

  async list(tenantId: string, q: ListInterviewsQuery): Promise<InterviewPage> {
    const cursor = readCursor(q.cursor, { nullable: true });
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from >= to) throw new InvalidInputError('from must be before to', { field: 'from' });
    let candidateId: string | undefined;
    if (q.candidateId !== undefined) {
      candidateId = await findCandidateId(this.prisma, tenantId, q.candidateId);
      if (!candidateId) return { data: [], nextCursor: null };
    }

    const and: Prisma.InterviewWhereInput[] = [];
    if (from || to) and.push({ scheduledAt: { gte: from, lt: to } });
    if (cursor) {
      and.push(
        cursor.at
          ? { OR: [{ scheduledAt: { gt: cursor.at } }, { scheduledAt: cursor.at, id: { gt: cursor.id } }, { scheduledAt: null }] }
          : { scheduledAt: null, id: { gt: cursor.id } },
      );
    }
    const rows = await this.prisma.interview.findMany({
      where: {
        tenantId,
        status: q.status,
        candidateId,
        interviewer: q.interviewer === undefined ? undefined : { equals: q.interviewer, mode: 'insensitive' },
        AND: and,
      },
      orderBy: [{ scheduledAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
      take: rowsToFetch(q),
    });
    return keysetPage(rows, q, (i) => ({ at: i.scheduledAt, id: i.id }), InterviewResource.from);
  }

  async get(tenantId: string, id: string): Promise<InterviewResource> {
    return InterviewResource.from(await this.find(tenantId, id));
  }

  async reschedule(tenantId: string, id: string, body: RescheduleInterviewBody): Promise<InterviewResource> {
    const dateTime = body.date !== undefined || body.time !== undefined;
    if (body.scheduledAt !== undefined && dateTime) throw new InvalidInputError('give either scheduledAt, or date and time, not both');
    if (body.scheduledAt === undefined && (body.date === undefined || body.time === undefined)) {
      throw new InvalidInputError('give the new time: scheduledAt (with an offset), or date and time (and timeZone)');
    }
    await this.find(tenantId, id); // 404 for another tenant's or a malformed id, before any work
    const moved = await this.booking.reschedule(tenantId, id, {
      scheduledAt: body.scheduledAt,
      date: body.date,
      time: body.time,
      timeZone: body.timeZone,
      durationMinutes: body.durationMinutes,
      interviewer: body.interviewer,
    });
    await this.live.interview(tenantId, moved);
    return InterviewResource.from(moved);
  }

  async cancel(tenantId: string, id: string): Promise<InterviewResource> {
    await this.find(tenantId, id);
    const cancelled = await this.booking.cancel(tenantId, id);
    await this.live.interview(tenantId, cancelled);
    return InterviewResource.from(cancelled);
  }

  async ics(tenantId: string, id: string): Promise<IcsFile> {
    const interview = isUuid(id)
      ? await this.prisma.interview.findFirst({
          where: { id, tenantId },
          include: { candidate: { select: { firstName: true, lastName: true, positionApplied: true, position: { select: { title: true } } } } },
        })
      : null;
    if (!interview) throw new NotFoundError(`no interview '${id}'`);
    if (!interview.scheduledAt) {
      throw new ConflictError(
        `interview '${id}' has no time yet (${interview.status}${interview.reviewReason ? `: ${interview.reviewReason}` : ''}); reschedule it first`,
      );
    }
    const c = interview.candidate;
    const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
    const position = c.position?.title ?? c.positionApplied;
    const body = renderIcs({
      uid: `${interview.id}@retell-ops`,
      start: interview.scheduledAt,
      durationMinutes: interview.durationMinutes,
      summary: `Interview: ${name}${position ? `, ${position}` : ''}`,
      description: interview.interviewer ? `Interviewer: ${interview.interviewer}` : undefined,
      status: interview.status === 'cancelled' ? 'CANCELLED' : interview.status === 'needs_review' ? 'TENTATIVE' : 'CONFIRMED',
      sequence: interview.sequence,
      stamp: new Date(),
      timeZone: interview.timeZone ?? undefined,
    });
    return { filename: `interview-${interview.id}.ics`, body };
  }

  private async find(tenantId: string, id: string): Promise<Interview> {
    const interview = isUuid(id) ? await this.prisma.interview.findFirst({ where: { id, tenantId } }) : null;
    if (!interview) throw new NotFoundError(`no interview '${id}'`);
    return interview;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { Calls } from '@retell-ops/call-records';
import { isUniqueViolation, Prisma, PrismaService, type CallbackTask, type Interview } from '@retell-ops/db';
import { canMoveCandidate, ConflictError, InvalidInputError, NotFoundError, type CandidateStatus, type CsvValue } from '@retell-ops/domain';
import { LiveUpdates } from '@retell-ops/live-events';
import { ApplyScreening, candidateRefOf, findCandidateId, InterviewBooking, ReminderScheduler } from '@retell-ops/recruiting';
import { CALL_CREATED_BY, CallResource } from '../calls/call.resource';
import { keysetPage, readCursor, rowsToFetch, type DatedCursor } from '../common/keyset-page';
import { CallbackTaskResource, InterviewResource } from '../interviews/interview.resource';
import type { CreateCandidateBody, ListCandidatesQuery, UpdateCandidateBody } from './candidate.dto';
import { candidateFilterOf, candidatePageIdsSql } from './candidate-query';
import { candidateCsvRow } from './candidate-csv';
import { CandidateDetail, CandidatePage, CandidateResource, RetellCallDataResult, WITH_POSITION, type CandidateRow } from './candidate.resource';
import type { RetellCallDataBody } from './retell-call-data.dto';

const MAX_CALLS_IN_DETAIL = 100;

const EXPORT_BATCH_ROWS = 2000;

/** Why a person may not make this move (the pipeline's rules for people, candidate-pipeline.ts). */
export function moveRefusal(from: CandidateStatus, to: CandidateStatus): string {
  const why =
    from === 'hired'
      ? 'nobody leaves hired'
      : from === 'rejected' || from === 'withdrawn'
        ? `a ${from} candidate can only be reopened to screening`
        : to === 'new'
          ? 'nobody returns to new (it means never contacted)'
          : to === 'hired'
            ? 'a candidate is hired only from offered'
            : 'the pipeline does not allow it';
  return `cannot move the candidate from ${from} to ${to}: ${why}`;
}

@Injectable()
export class CandidatesService {
  private readonly logger = new Logger('Candidates');

  constructor(
    private readonly prisma: PrismaService,
    private readonly calls: Calls,
    private readonly apply: ApplyScreening,
    private readonly booking: InterviewBooking,
    private readonly reminders: ReminderScheduler,
    private readonly live: LiveUpdates,
  ) {}

  // ───────────────────────────── reads ─────────────────────────────

  async list(tenantId: string, q: ListCandidatesQuery): Promise<CandidatePage> {
    const cursor = readCursor(q.cursor);
    const rows = await this.page(tenantId, candidateFilterOf(q), cursor, rowsToFetch(q));
    return keysetPage(rows, q, (c) => ({ at: c.createdAt, id: c.id }), CandidateResource.from);
  }

  /** Every candidate the list would show for these filters, newest first, in keyset batches (constant memory). */
  async *exportBatches(tenantId: string, filter: ReturnType<typeof candidateFilterOf>): AsyncGenerator<CsvValue[][]> {
    let cursor: DatedCursor | undefined;
    for (;;) {
      const rows = await this.page(tenantId, filter, cursor, EXPORT_BATCH_ROWS);
      if (rows.length) yield rows.map(candidateCsvRow);
      if (rows.length < EXPORT_BATCH_ROWS) return;
      const last = rows[rows.length - 1];
      cursor = { at: last.createdAt, id: last.id };
    }
  }

  /** One page: the ids from the indexed query, then those rows with their position, in that order. */
  private async page(tenantId: string, filter: ReturnType<typeof candidateFilterOf>, cursor: DatedCursor | undefined, rows: number): Promise<CandidateRow[]> {
    const ids = (await this.prisma.$queryRaw<Array<{ id: string }>>(candidatePageIdsSql(tenantId, filter, cursor, rows))).map((r) => r.id);
    if (!ids.length) return [];
    const found = await this.prisma.candidate.findMany({ where: { tenantId, id: { in: ids } }, include: WITH_POSITION });
    const byId = new Map(found.map((c) => [c.id, c]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async get(tenantId: string, ref: string): Promise<CandidateDetail> {
    const id = await this.resolve(tenantId, ref);
    const [candidate, calls, interviews, callbackTasks] = await Promise.all([
      this.load(tenantId, id),
      this.prisma.call.findMany({
        where: { tenantId, candidateId: id },
        include: CALL_CREATED_BY,
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take: MAX_CALLS_IN_DETAIL,
      }),
      this.prisma.interview.findMany({ where: { tenantId, candidateId: id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      this.prisma.callbackTask.findMany({ where: { tenantId, candidateId: id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    ]);
    return {
      ...CandidateResource.from(candidate),
      calls: calls.map(CallResource.from),
      interviews: interviews.map(InterviewResource.from),
      callbackTasks: callbackTasks.map(CallbackTaskResource.from),
    };
  }

  // ───────────────────────────── writes ─────────────────────────────

  async create(tenantId: string, body: CreateCandidateBody): Promise<CandidateResource> {
    const link = await this.positionLink(tenantId, body.positionId, body.positionApplied);
    try {
      const c = await this.prisma.candidate.create({
        data: {
          tenantId,
          firstName: body.firstName,
          lastName: body.lastName,
          email: body.email,
          phone: body.phone,
          timeZone: body.timeZone,
          externalId: body.externalId,
          ...link,
        },
        include: WITH_POSITION,
      });
      await this.live.candidate(tenantId, c.id);
      return CandidateResource.from(c);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`a candidate with externalId '${body.externalId}' already exists`);
      throw e;
    }
  }

  async update(tenantId: string, ref: string, body: UpdateCandidateBody): Promise<CandidateResource> {
    const id = await this.resolve(tenantId, ref);
    const current = await this.load(tenantId, id);
    const data: Prisma.CandidateUncheckedUpdateManyInput = {
      firstName: body.firstName,
      lastName: body.lastName,
      email: body.email,
      phone: body.phone,
      timeZone: body.timeZone,
      externalId: body.externalId,
    };
    if (body.positionId !== undefined || body.positionApplied !== undefined) {
      Object.assign(data, await this.positionLink(tenantId, body.positionId, body.positionApplied));
    }
    const from = current.status as CandidateStatus;
    const moving = body.status !== undefined && body.status !== from;
    if (moving) {
      if (!canMoveCandidate(from, body.status!, 'person')) throw new ConflictError(moveRefusal(from, body.status!));
      data.status = body.status;
      data.statusChangedAt = new Date();
    }
    try {
      // Conditional on the status read above, so a move racing another change cannot skip the rules.
      const { count } = await this.prisma.candidate.updateMany({ where: { id, tenantId, status: current.status }, data });
      if (count === 0) throw new ConflictError('the candidate changed meanwhile (its status moved); read it again and retry');
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`a candidate with externalId '${body.externalId}' already exists`);
      throw e;
    }
    await this.live.candidate(tenantId, id);
    return CandidateResource.from(await this.load(tenantId, id));
  }

  /** Deletes the candidate with its interviews, callbacks and screenings; its calls stay, unlinked. */
  async remove(tenantId: string, ref: string): Promise<void> {
    const id = await this.resolve(tenantId, ref);
    const upcoming = await this.prisma.interview.findMany({
      where: { tenantId, candidateId: id, status: 'scheduled' },
      select: { id: true, scheduledAt: true },
    });
    await this.prisma.candidate.deleteMany({ where: { id, tenantId } });
    for (const i of upcoming) await this.reminders.unschedule(i).catch((e) => this.logger.warn(`reminders of interview ${i.id} not removed: ${String(e)}`));
  }

  /**
   * The recruiting guide's manual save: the call object is kept exactly as a call_analyzed
   * webhook delivery would be (Calls), applied to this candidate (ApplyScreening), and
   * its interview or callback booked (InterviewBooking) inline, as the workers do from their
   * queues. Each step is idempotent, so saving the same call again changes nothing.
   */
  async saveRetellCallData(tenantId: string, ref: string, body: RetellCallDataBody): Promise<RetellCallDataResult> {
    const candidateId = await this.resolve(tenantId, ref);
    const retellCallId = body.call_id;
    await this.refuseOtherCandidates(tenantId, candidateId, retellCallId, body.metadata);

    const { access_token: _webCallToken, ...call } = body; // a web call's token is never stored
    const clean = JSON.parse(JSON.stringify(call)) as Record<string, unknown>;
    const recorded = await this.calls.recordDeliveryAlone({
      tenantId,
      event: 'call_analyzed',
      callId: retellCallId,
      receivedAt: Date.now(),
      body: JSON.stringify({ event: 'call_analyzed', call: clean }),
    });
    await this.live.callRecorded(recorded);
    const applied = await this.apply.execute({ tenantId, candidateId, retellCallId });
    if (applied.applied) await this.live.candidate(tenantId, candidateId);
    // Two saves of one call for two candidates at once: only the first screening counts.
    const screening = await this.prisma.candidateScreening.findUnique({
      where: { tenantId_retellCallId: { tenantId, retellCallId } },
      select: { candidateId: true },
    });
    if (screening && screening.candidateId !== candidateId) throw new ConflictError(`call '${retellCallId}' is already applied to another candidate`);

    let interview: Interview | undefined;
    let callbackTask: CallbackTask | undefined;
    for (const followUp of applied.followUps) {
      const booked = await this.booking.fromScreening(followUp);
      if (followUp.kind === 'interview') await this.live.interview(tenantId, (interview = booked as Interview));
      else callbackTask = booked as CallbackTask;
    }
    // A replay after the candidate moved on books nothing new; still show what this call booked.
    const key = { tenantId_sourceCallId: { tenantId, sourceCallId: retellCallId } };
    interview ??= (await this.prisma.interview.findUnique({ where: key })) ?? undefined;
    callbackTask ??= (await this.prisma.callbackTask.findUnique({ where: key })) ?? undefined;

    return {
      success: true,
      message: applied.applied ? 'Retell call data saved successfully' : 'Retell call data was already saved; nothing changed',
      applied: applied.applied,
      candidate: CandidateResource.from(await this.load(tenantId, candidateId)),
      ...(interview && interview.candidateId === candidateId ? { interview: InterviewResource.from(interview) } : {}),
      ...(callbackTask && callbackTask.candidateId === candidateId ? { callbackTask: CallbackTaskResource.from(callbackTask) } : {}),
    };
  }

  // ───────────────────────────── helpers ─────────────────────────────

  /** A call belongs to one candidate: one already linked or applied elsewhere, or naming another, is a conflict. */
  private async refuseOtherCandidates(tenantId: string, candidateId: string, retellCallId: string, metadata: unknown): Promise<void> {
    const key = { tenantId_retellCallId: { tenantId, retellCallId } };
    const [call, screening] = await Promise.all([
      this.prisma.call.findUnique({ where: key, select: { candidateId: true } }),
      this.prisma.candidateScreening.findUnique({ where: key, select: { candidateId: true } }),
    ]);
    if ((call?.candidateId && call.candidateId !== candidateId) || (screening && screening.candidateId !== candidateId)) {
      throw new ConflictError(`call '${retellCallId}' is already recorded for another candidate`);
    }
    const named = candidateRefOf(metadata);
    const namedId = named === undefined ? undefined : await findCandidateId(this.prisma, tenantId, named);
    if (namedId && namedId !== candidateId) {
      throw new ConflictError(`call '${retellCallId}' names another candidate ('${named}') in metadata.candidate_id`);
    }
  }

  /**
   * positionId and positionApplied kept consistent: a position id (of this tenant) fills the text
   * when none is given; a text alone links the position of that title, if the tenant has one.
   */
  private async positionLink(
    tenantId: string,
    positionId: string | null | undefined,
    positionApplied: string | null | undefined,
  ): Promise<{ positionId?: string | null; positionApplied?: string | null }> {
    if (positionId) {
      const p = await this.prisma.position.findFirst({ where: { id: positionId, tenantId }, select: { title: true } });
      if (!p) throw new InvalidInputError(`positionId '${positionId}' is not a position of this tenant`, { field: 'positionId' });
      return { positionId, positionApplied: positionApplied === undefined ? p.title : positionApplied };
    }
    if (positionId === null) return { positionId: null, ...(positionApplied !== undefined ? { positionApplied } : {}) };
    if (positionApplied === undefined) return {};
    if (positionApplied === null || positionApplied === '') return { positionApplied: positionApplied || null, positionId: null };
    const match = await this.prisma.position.findFirst({ where: { tenantId, title: { equals: positionApplied, mode: 'insensitive' } }, select: { id: true } });
    return { positionApplied, positionId: match?.id ?? null };
  }

  private async resolve(tenantId: string, ref: string): Promise<string> {
    const id = await findCandidateId(this.prisma, tenantId, ref);
    if (!id) throw new NotFoundError(`no candidate '${ref}'`);
    return id;
  }

  private async load(tenantId: string, id: string): Promise<CandidateRow> {
    const c = await this.prisma.candidate.findFirst({ where: { id, tenantId }, include: WITH_POSITION });
    if (!c) throw new NotFoundError(`no candidate '${id}'`);
    return c;
  }
}

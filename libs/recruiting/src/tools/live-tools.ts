import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppEnv } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { PgPool } from '@retell-ops/db/pg-pool';
import { findFreeSlots, isUuid, isoInZone, nearestSlots, parseWorkingHours, spokenInstant, type BusyInterval, type WorkingHours } from '@retell-ops/domain';
import { candidateRefOf } from '../candidate-link';
import { InterviewBooking } from '../interview-booking';
import { callerNumberOf, type ToolCallContext } from './tool-request';
import { checkToolArgs, type ToolName } from './tool-schemas';
import { ToolInvocations, type ToolResult } from './tool-invocations';

/** Retell cuts a tool's answer at 15,000 characters; ours stay well under (lists are capped). */
export const MAX_ANSWER_CHARS = 15_000;
const MAX_SLOTS = 10;
const ALTERNATIVES = 3;
const MAX_RANGE_DAYS = 14;
/** No slot is offered that starts sooner than this. */
const NOTICE_MS = 60 * 60_000;

interface Caller {
  id: string;
  externalId: string | null;
  firstName: string;
  lastName: string | null;
  status: string;
  timeZone: string | null;
  positionId: string | null;
  positionTitle: string | null;
}

interface OpenInterviewer {
  name: string;
  timeZone: string;
  slotMinutes: number;
  hours: WorkingHours;
}

interface InterviewerRow {
  id: string;
  name: string;
  timeZone: string;
  workingHours: unknown;
  slotMinutes: number;
  positionIds: string[];
}

interface NextInterview {
  scheduledAt: Date;
  interviewer: string | null;
  durationMinutes: number;
}

/** What a tool reads before it runs, fetched in one round trip (the interviewers and position only for the slot tools). */
interface Reads {
  caller: Caller | null;
  next: NextInterview | null;
  interviewers: InterviewerRow[] | null;
  positionId: string | null;
}

const INTERVIEWERS_SQL = `SELECT "id", "name", "timeZone", "workingHours", "slotMinutes", "positionIds" FROM "Interviewer" WHERE "tenantId" = $1 AND "active"`;
const POSITION_SQL = `SELECT "id" FROM "Position" WHERE "tenantId" = $1 AND lower("title") = lower($2::text) LIMIT 1`;

/**
 * The caller (by id or external id, else by number, the latest updated first), their next interview,
 * the tenant's active interviewers and the position asked for: one statement, one round trip.
 */
const READS_SQL = `WITH c AS (
  SELECT c."id", c."externalId", c."firstName", c."lastName", c."status"::text AS "status", c."timeZone", c."positionId",
         COALESCE(p."title", c."positionApplied") AS "positionTitle"
  FROM "Candidate" c LEFT JOIN "Position" p ON p."id" = c."positionId"
  WHERE c."tenantId" = $1 AND (c."id" = $2::uuid OR c."externalId" = $3::text OR c."phone" = $4::text)
  ORDER BY (c."id" = $2::uuid OR c."externalId" = $3::text) IS TRUE DESC, c."updatedAt" DESC
  LIMIT 1
)
SELECT (SELECT row_to_json(c) FROM c) AS "caller",
  CASE WHEN $5::boolean THEN (SELECT row_to_json(n) FROM (
    SELECT i."scheduledAt", i."interviewer", i."durationMinutes" FROM "Interview" i JOIN c ON i."candidateId" = c."id"
    WHERE i."tenantId" = $1 AND i."status" = 'scheduled' AND i."scheduledAt" >= now() ORDER BY i."scheduledAt" LIMIT 1) n) END AS "next",
  CASE WHEN $6::boolean THEN (SELECT COALESCE(json_agg(r ORDER BY r."name"), '[]'::json) FROM (${INTERVIEWERS_SQL}) r) END AS "interviewers",
  (${POSITION_SQL.replace('$2', '$7')}) AS "positionId"`;

interface Slot {
  start: Date;
  interviewer: OpenInterviewer;
}

const sayable = (error: string, extra: Record<string, unknown> = {}): ToolResult => ({ ok: false, error, ...extra });

/**
 * The use cases behind the agent's tools, tenant-scoped: who is calling, which interview slots
 * are free, and booking one (through InterviewBooking, the same use case as the post-call path).
 * Every answer is a JSON object the agent can read out; a failure is a sentence, never a stack.
 */
@Injectable()
export class LiveTools {
  private readonly logger = new Logger('LiveTools');

  constructor(
    private readonly prisma: PrismaService,
    private readonly pool: PgPool,
    private readonly booking: InterviewBooking,
    private readonly invocations: ToolInvocations,
    private readonly env: AppEnv,
  ) {}

  /** Runs a tool once per (call, tool, args) and records it; the same request again gets the recorded answer. */
  async invoke(tenant: { id: string; timeZone?: string | null }, tool: ToolName, call: ToolCallContext, rawArgs: unknown): Promise<ToolResult> {
    const started = performance.now();
    const claim = await this.invocations.claim(tenant.id, call.callId, tool, boundedArgs(rawArgs));
    if (!claim.first) return claim.result ?? sayable('I am still working on that; please give me a moment and ask again.');
    let result: ToolResult;
    try {
      result = capAnswer(await this.run(tenant, tool, call, rawArgs));
    } catch (e) {
      await this.invocations.release(claim.id).catch(() => undefined);
      throw e;
    }
    await this.invocations.complete(claim.id, result, Math.round(performance.now() - started));
    return result;
  }

  private async run(known: { id: string; timeZone?: string | null }, tool: ToolName, call: ToolCallContext, rawArgs: unknown): Promise<ToolResult> {
    const tenantId = known.id;
    // The tenant's zone (unless the caller already has it cached) and the caller are independent reads: one round trip's wait, not two.
    const preliminary = checkToolArgs(tool, rawArgs, '');
    const [tenant, reads] = await Promise.all([
      known.timeZone !== undefined
        ? { timeZone: known.timeZone }
        : this.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { timeZone: true } }),
      preliminary.ok ? this.reads(tenantId, tool, call, preliminary.args) : null,
    ]);
    const caller = reads?.caller ?? null;
    const tenantZone = tenant.timeZone ?? this.env.DEFAULT_TIME_ZONE;
    const checked = preliminary.ok ? preliminary : checkToolArgs(tool, rawArgs, DateTime.now().setZone(tenantZone).plus({ days: 1 }).toISODate()!);
    if (!checked.ok) return sayable(checked.error);
    const args = checked.args;
    const zone = caller?.timeZone ?? tenantZone;
    switch (tool) {
      case 'get_candidate':
        return this.getCandidate(caller, reads?.next ?? null, zone);
      case 'check_interview_slots':
        return this.checkSlots(tenantId, caller, zone, args, reads);
      case 'book_interview':
        return this.book(tenantId, caller, zone, args, call.callId, reads);
    }
  }

  private getCandidate(caller: Caller | null, next: NextInterview | null, zone: string): ToolResult {
    if (!caller) return { ok: true, found: false, message: 'No candidate matches this caller.' };
    return {
      ok: true,
      found: true,
      candidate: {
        id: caller.id,
        external_id: caller.externalId,
        name: [caller.firstName, caller.lastName].filter(Boolean).join(' '),
        first_name: caller.firstName,
        position: caller.positionTitle,
        status: caller.status,
        time_zone: zone,
      },
      next_interview:
        next?.scheduledAt != null
          ? {
              start: isoInZone(next.scheduledAt, zone),
              start_words: spokenInstant(next.scheduledAt, zone),
              interviewer: next.interviewer,
              duration_minutes: next.durationMinutes,
            }
          : null,
    };
  }

  private async checkSlots(tenantId: string, caller: Caller | null, zone: string, args: Record<string, string>, reads: Reads | null): Promise<ToolResult> {
    const first = DateTime.fromISO(args.date_from, { zone });
    const last = args.date_to ? DateTime.fromISO(args.date_to, { zone }) : first;
    if (!first.isValid) return sayable(`I could not read the date ${args.date_from}; please give a date like ${tomorrow(zone)}.`);
    if (!last.isValid || last < first) return sayable('The last day must be on or after the first day.');
    if (last.diff(first, 'days').days > MAX_RANGE_DAYS)
      return sayable(`I can look at most ${MAX_RANGE_DAYS} days ahead at a time; please give a shorter range.`);
    const chosen = await this.interviewers(tenantId, caller, args, reads);
    if (!chosen.ok) return chosen.answer;
    const from = first.startOf('day').toJSDate();
    const to = last.plus({ days: 1 }).startOf('day').toJSDate();
    const slots = await this.freeSlots(tenantId, chosen.interviewers, from, to, MAX_SLOTS);
    const listed = slots.map((s) => slotView(s, zone));
    return {
      ok: true,
      time_zone: zone,
      slots: listed,
      message: listed.length
        ? `Free times: ${listed.map((s) => s.start_words).join('; ')}.`
        : `There are no free interview times between ${first.toFormat('LLLL d')} and ${last.toFormat('LLLL d')}; try other days.`,
    };
  }

  private async book(
    tenantId: string,
    caller: Caller | null,
    zone: string,
    args: Record<string, string>,
    callId: string | undefined,
    reads: Reads | null,
  ): Promise<ToolResult> {
    if (!caller) return sayable('I could not tell who the interview is for. Please give the candidate id.');
    const wanted = DateTime.fromISO(args.start, { setZone: true });
    if (!wanted.isValid) return sayable('I could not read that time; please use a time from the free slots.');
    const start = wanted.toJSDate();
    if (start.getTime() < Date.now() + NOTICE_MS) return sayable('That time is too soon or already past; please pick a later one.');
    const chosen = await this.interviewers(tenantId, caller, args, reads);
    if (!chosen.ok) return chosen.answer;
    for (const interviewer of chosen.interviewers) {
      if (!withinHours(interviewer, start)) continue;
      const booked = await this.booking.bookSlot({
        tenantId,
        candidateId: caller.id,
        interviewer: interviewer.name,
        start,
        durationMinutes: interviewer.slotMinutes,
        timeZone: zone,
        sourceCallId: callId ?? null,
        resolvedFrom: 'tool_call',
      });
      if (booked.status === 'taken') continue;
      const i = booked.interview;
      const at = i.scheduledAt!;
      return {
        ok: true,
        booked: true,
        already_booked: booked.status === 'exists',
        interview: {
          id: i.id,
          start: isoInZone(at, zone),
          start_words: spokenInstant(at, zone),
          interviewer: i.interviewer,
          duration_minutes: i.durationMinutes,
        },
        message:
          booked.status === 'exists'
            ? `This call already booked an interview: ${spokenInstant(at, zone)}${i.interviewer ? ` with ${i.interviewer}` : ''}.`
            : `Booked: ${spokenInstant(at, zone)}${i.interviewer ? ` with ${i.interviewer}` : ''}.`,
      };
    }
    // Taken, or not a slot of theirs: the nearest free ones over the days around it.
    const around = await this.freeSlots(
      tenantId,
      chosen.interviewers,
      new Date(start.getTime() - 3 * 86_400_000),
      new Date(start.getTime() + 7 * 86_400_000),
      200,
    );
    const alternatives = nearestSlots(
      around.map((s) => s.start),
      start,
      ALTERNATIVES,
    ).map((d) =>
      slotView(
        around.find((s) => s.start === d)!,
        zone,
      ),
    );
    return sayable(
      alternatives.length
        ? `That time is not available. The nearest free times are: ${alternatives.map((a) => a.start_words).join('; ')}.`
        : 'That time is not available, and there are no free times near it.',
      { booked: false, alternatives },
    );
  }

  /** The caller: by an id in the arguments, else the call's metadata.candidate_id, else the caller's number; and what the tool needs besides. */
  private async reads(tenantId: string, tool: ToolName, call: ToolCallContext, args: Record<string, string>): Promise<Reads> {
    const argRef = args.candidate_id;
    const ref = argRef ?? candidateRefOf(call.metadata);
    const phone = !argRef ? (callerNumberOf(call) ?? null) : null;
    const slotTool = tool !== 'get_candidate';
    const { rows } = await this.pool.query<{
      caller: Caller | null;
      next: (Omit<NextInterview, 'scheduledAt'> & { scheduledAt: string }) | null;
      interviewers: InterviewerRow[] | null;
      positionId: string | null;
    }>(READS_SQL, [
      tenantId,
      ref && isUuid(ref) ? ref : null,
      ref ?? null,
      phone,
      tool === 'get_candidate',
      slotTool,
      slotTool && !args.interviewer && args.position ? args.position : null,
    ]);
    const row = rows[0];
    return {
      caller: row.caller,
      next: row.next ? { ...row.next, scheduledAt: new Date(row.next.scheduledAt) } : null,
      interviewers: row.interviewers,
      positionId: row.positionId,
    };
  }

  /** The interviewers asked for: by name, by position (named, else the caller's), else all active ones. */
  private async interviewers(
    tenantId: string,
    caller: Caller | null,
    args: Record<string, string>,
    reads: Reads | null,
  ): Promise<{ ok: true; interviewers: OpenInterviewer[] } | { ok: false; answer: ToolResult }> {
    const rows = reads?.interviewers ?? (await this.pool.query<InterviewerRow>(`${INTERVIEWERS_SQL} ORDER BY "name"`, [tenantId])).rows;
    let picked = rows;
    if (args.interviewer) {
      picked = rows.filter((r) => r.name.toLowerCase() === args.interviewer.toLowerCase());
      if (!picked.length) return { ok: false, answer: sayable(`I don't know an interviewer named ${args.interviewer}.`) };
    } else {
      let positionId: string | null = null;
      const p = !args.position
        ? null
        : reads?.interviewers
          ? reads.positionId && { id: reads.positionId }
          : (await this.pool.query<{ id: string }>(POSITION_SQL, [tenantId, args.position])).rows[0];
      const named = !!p;
      if (p) positionId = p.id;
      else if (!args.position || isCallersPosition(args.position, caller)) positionId = caller?.positionId ?? null;
      else return { ok: false, answer: sayable(`I don't know a position called ${args.position}.`) };
      if (positionId) {
        const forPosition = rows.filter((r) => r.positionIds.includes(positionId));
        if (forPosition.length || named) picked = forPosition;
      }
    }
    const open: OpenInterviewer[] = [];
    for (const r of picked) {
      const hours = parseWorkingHours(r.workingHours);
      if (hours.ok) open.push({ name: r.name, timeZone: r.timeZone, slotMinutes: r.slotMinutes, hours: hours.value });
      else this.logger.warn(`interviewer ${r.id} has unreadable working hours: ${hours.reason}`);
    }
    if (!open.length) return { ok: false, answer: sayable('No interviewer is set up for that yet, so I cannot offer times.') };
    return { ok: true, interviewers: open };
  }

  private async freeSlots(tenantId: string, interviewers: OpenInterviewer[], from: Date, to: Date, limit: number): Promise<Slot[]> {
    const names = interviewers.map((i) => i.name.toLowerCase());
    const { rows: busyRows } = await this.pool.query<{ who: string; start: Date; minutes: number }>(
      `SELECT lower("interviewer") AS "who", "scheduledAt" AS "start", "durationMinutes" AS "minutes" FROM "Interview"
       WHERE "tenantId" = $1::uuid AND "status" = 'scheduled' AND lower("interviewer") = ANY($2::text[])
         AND "scheduledAt" < $3::timestamptz AND "scheduledAt" + make_interval(mins => "durationMinutes") > $4::timestamptz`,
      [tenantId, names, to, from],
    );
    const busy = new Map<string, BusyInterval[]>();
    for (const b of busyRows) busy.set(b.who, [...(busy.get(b.who) ?? []), { start: b.start, end: new Date(b.start.getTime() + b.minutes * 60_000) }]);
    const notBefore = new Date(Date.now() + NOTICE_MS);
    const all: Slot[] = [];
    for (const i of interviewers) {
      const starts = findFreeSlots({
        from,
        to,
        zone: i.timeZone,
        workingHours: i.hours,
        slotMinutes: i.slotMinutes,
        busy: busy.get(i.name.toLowerCase()) ?? [],
        notBefore,
        limit,
      });
      for (const start of starts) all.push({ start, interviewer: i });
    }
    return all.sort((a, b) => a.start.getTime() - b.start.getTime() || a.interviewer.name.localeCompare(b.interviewer.name)).slice(0, limit);
  }
}

/**
 * Whether a position that is no Position's title is the caller's own, as get_candidate worded it
 * (the candidate's free-text `positionApplied`): models pass back what a tool told them, so it
 * means "the caller's position", not an unknown title.
 */
function isCallersPosition(position: string, caller: Caller | null): boolean {
  return !!caller?.positionTitle && caller.positionTitle.trim().toLowerCase() === position.trim().toLowerCase();
}

function slotView(s: Slot, zone: string) {
  return {
    start: isoInZone(s.start, zone),
    start_words: spokenInstant(s.start, zone),
    interviewer: s.interviewer.name,
    duration_minutes: s.interviewer.slotMinutes,
  };
}

/** Whether `start` is one of the interviewer's slot starts (ignoring other interviews). */
function withinHours(i: OpenInterviewer, start: Date): boolean {
  const end = new Date(start.getTime() + i.slotMinutes * 60_000);
  return findFreeSlots({ from: start, to: end, zone: i.timeZone, workingHours: i.hours, slotMinutes: i.slotMinutes, busy: [], limit: 1 }).some(
    (s) => s.getTime() === start.getTime(),
  );
}

function tomorrow(zone: string): string {
  return DateTime.now().setZone(zone).plus({ days: 1 }).toISODate()!;
}

/** The arguments as recorded: what the model sent, bounded (the key of the record hashes this). */
function boundedArgs(args: unknown): unknown {
  const text = JSON.stringify(args ?? {});
  return text.length <= 4_000 ? (args ?? {}) : { truncated: text.slice(0, 4_000) };
}

/** Lists are capped already; this is the last guard for Retell's 15,000-character cut. */
function capAnswer(result: ToolResult): ToolResult {
  if (JSON.stringify(result).length <= MAX_ANSWER_CHARS) return result;
  return { ok: result.ok, error: 'The answer was too long to read out; please ask for a shorter range.' };
}

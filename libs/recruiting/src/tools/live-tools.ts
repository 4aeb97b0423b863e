import { Injectable, Logger, Optional } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppEnv } from '@retell-ops/config';
import type { Interview } from '@retell-ops/db';
import { PgPool } from '@retell-ops/db/pg-pool';
import { LiveEventPublisher } from '@retell-ops/live-events/publisher';
import {
  candidateRefOf,
  findFreeSlots,
  isUuid,
  isoInZone,
  nearestSlots,
  parseWorkingHours,
  spokenInstant,
  type BusyInterval,
  type WorkingHours,
} from '@retell-ops/domain';
import { BookSlot, overlapCondition } from '../book-slot';
import { callerNumberOf, type ToolCallContext } from './tool-request';
import { checkToolArgs, type ArgsCheck, type ToolName } from './tool-schemas';
import { ToolInvocations, type ReadAlongside, type ToolResult } from './tool-invocations';

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

/** A scheduled interview of an active interviewer: lower-cased name, start (epoch ms), minutes. */
type BusyRow = [who: string, startMs: number, minutes: number];

/**
 * What a tool reads before it runs, fetched in the claim's round trip: the interviewers and
 * position only for the slot tools, their interviews only for check_interview_slots, the
 * tenant's zone only when the caller has none cached.
 */
interface Reads {
  caller: Caller | null;
  next: NextInterview | null;
  interviewers: InterviewerRow[] | null;
  positionId: string | null;
  busy: BusyRow[] | null;
  tenantZone: string | null;
}

const INTERVIEWERS_SQL = `SELECT "id", "name", "timeZone", "workingHours", "slotMinutes", "positionIds" FROM "Interviewer" WHERE "tenantId" = $1 AND "active"`;
const POSITION_SQL = `SELECT "id" FROM "Position" WHERE "tenantId" = $1 AND lower("title") = lower($2::text) LIMIT 1`;

/**
 * The caller (by id or external id, else by number, the latest updated first: one arm per key, so each
 * reads its own index, in a plan prepared once per connection), their next interview,
 * the tenant's active interviewers, the position asked for, the interviews of those interviewers over
 * a range (whole UTC days around the days asked for, so any zone's days are inside it) and the
 * tenant's zone: one statement, sent with the claim (ToolInvocations.claim).
 */
const READS_SQL = `WITH c AS (
  SELECT c."id", c."externalId", c."firstName", c."lastName", c."status"::text AS "status", c."timeZone", c."positionId",
         COALESCE(p."title", c."positionApplied") AS "positionTitle"
  FROM (
    SELECT k."id", 0 AS "rank" FROM "Candidate" k WHERE k."tenantId" = $1 AND k."id" = $2::uuid
    UNION ALL SELECT k."id", 0 FROM "Candidate" k WHERE k."tenantId" = $1 AND k."externalId" = $3::text
    UNION ALL SELECT k."id", 1 FROM "Candidate" k WHERE k."tenantId" = $1 AND k."phone" = $4::text
  ) m
  JOIN "Candidate" c ON c."id" = m."id" LEFT JOIN "Position" p ON p."id" = c."positionId"
  ORDER BY m."rank", c."updatedAt" DESC
  LIMIT 1
)
SELECT (SELECT row_to_json(c) FROM c) AS "caller",
  CASE WHEN $5::boolean THEN (SELECT row_to_json(n) FROM (
    SELECT i."scheduledAt", i."interviewer", i."durationMinutes" FROM "Interview" i JOIN c ON i."candidateId" = c."id"
    WHERE i."tenantId" = $1 AND i."status" = 'scheduled' AND i."scheduledAt" >= now() ORDER BY i."scheduledAt" LIMIT 1) n) END AS "next",
  CASE WHEN $6::boolean THEN (SELECT COALESCE(json_agg(r ORDER BY r."name"), '[]'::json) FROM (${INTERVIEWERS_SQL}) r) END AS "interviewers",
  (${POSITION_SQL.replace('$2', '$7')}) AS "positionId",
  CASE WHEN $8::timestamptz IS NOT NULL THEN (
    SELECT COALESCE(json_agg(json_build_array(lower(i."interviewer"), (extract(epoch FROM i."scheduledAt") * 1000)::bigint, i."durationMinutes")), '[]'::json)
    FROM "Interview" i
    WHERE ${overlapCondition({ tenantId: '$1', start: '$8::timestamptz', end: '$9::timestamptz' }, 'i.')}
      AND lower(i."interviewer") IN (SELECT lower("name") FROM "Interviewer" WHERE "tenantId" = $1 AND "active")) END AS "busy",
  CASE WHEN $10::boolean THEN (SELECT "timeZone" FROM "Tenant" WHERE "id" = $1) END AS "tenantZone"`;

const DAY_MS = 86_400_000;

interface Slot {
  start: Date;
  interviewer: OpenInterviewer;
}

const sayable = (error: string, extra: Record<string, unknown> = {}): ToolResult => ({ ok: false, error, ...extra });

/**
 * The use cases behind the agent's tools, tenant-scoped: who is calling, which interview slots
 * are free, and booking one (through BookSlot, the booking rule every path shares).
 * Every answer is a JSON object the agent can read out; a failure is a sentence, never a stack.
 */
@Injectable()
export class LiveTools {
  private readonly logger = new Logger('LiveTools');

  constructor(
    private readonly pool: PgPool,
    private readonly booking: BookSlot,
    private readonly invocations: ToolInvocations,
    private readonly env: AppEnv,
    // Optional so a test can build this without live events; the gateway always provides it.
    @Optional() private readonly live?: LiveEventPublisher,
  ) {}

  /**
   * Runs a tool once per (call, tool, args) and records it; the same request again gets the recorded answer.
   * Round trips: the claim with every read the tool needs (one), then only what the tool itself does
   * (check_interview_slots: none; book_interview: the booking and its reminders). The answer is recorded
   * after it is returned: a retry meanwhile waits for it as for a first request still running, and an
   * answer never recorded (the gateway died) leaves a claim that goes stale and is taken over.
   */
  async invoke(tenant: { id: string; timeZone?: string | null }, tool: ToolName, call: ToolCallContext, rawArgs: unknown): Promise<ToolResult> {
    const started = performance.now();
    const preliminary = checkToolArgs(tool, rawArgs, '');
    const claim = await this.invocations.claim<RawReads>(
      tenant.id,
      call.callId,
      tool,
      boundedArgs(rawArgs),
      this.readsQuery(tenant.id, tool, call, preliminary.ok ? preliminary.args : null, tenant.timeZone === undefined),
    );
    if (!claim.first) return claim.result ?? sayable('I am still working on that; please give me a moment and ask again.');
    let result: ToolResult;
    try {
      result = capAnswer(await this.run(tenant, tool, rawArgs, preliminary, readsOf(claim.read!), call.callId));
    } catch (e) {
      await this.invocations.release(claim).catch(() => undefined);
      throw e;
    }
    this.invocations.completeInBackground(claim, result, Math.round(performance.now() - started));
    return result;
  }

  private async run(
    known: { id: string; timeZone?: string | null },
    tool: ToolName,
    rawArgs: unknown,
    preliminary: ArgsCheck,
    reads: Reads,
    callId: string | undefined,
  ): Promise<ToolResult> {
    const tenantId = known.id;
    const caller = reads.caller;
    const tenantZone = (known.timeZone !== undefined ? known.timeZone : reads.tenantZone) ?? this.env.DEFAULT_TIME_ZONE;
    const checked = preliminary.ok ? preliminary : checkToolArgs(tool, rawArgs, DateTime.now().setZone(tenantZone).plus({ days: 1 }).toISODate()!);
    if (!checked.ok) return sayable(checked.error);
    const args = checked.args;
    const zone = caller?.timeZone ?? tenantZone;
    switch (tool) {
      case 'get_candidate':
        return this.getCandidate(caller, reads.next, zone);
      case 'check_interview_slots':
        return this.checkSlots(tenantId, caller, zone, args, reads);
      case 'book_interview':
        return this.book(tenantId, caller, zone, args, callId, reads);
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

  private async checkSlots(tenantId: string, caller: Caller | null, zone: string, args: Record<string, string>, reads: Reads): Promise<ToolResult> {
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
    const slots = await this.freeSlots(tenantId, chosen.interviewers, from, to, MAX_SLOTS, reads.busy);
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
    reads: Reads,
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
      const booked = await this.booking.execute({
        tenantId,
        candidateId: caller.id,
        interviewer: interviewer.name,
        start,
        durationMinutes: interviewer.slotMinutes,
        timeZone: zone,
        sourceCallId: callId ?? null,
        resolvedFrom: 'tool_call',
        advanceCandidate: true,
      });
      if (booked.status === 'taken') continue;
      const i = booked.interview;
      // The board and the candidate's page refetch now, during the call (not awaited: the answer does not wait on a hint).
      if (booked.status === 'booked') void this.publishBooking(tenantId, i, booked.candidateAdvanced);
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

  /**
   * The live events of a booking the tool made (after its commit): the candidate if it moved, then
   * the interview. Sent together, in order, as one Redis round trip (the connection pipelines them).
   */
  private async publishBooking(tenantId: string, interview: Interview, candidateAdvanced: boolean): Promise<void> {
    if (!this.live) return;
    const { id: interviewId, candidateId, status, scheduledAt } = interview;
    await Promise.all([
      ...(candidateAdvanced ? [this.live.publish(tenantId, { type: 'candidate.updated', data: { candidateId, status: 'interviewing' } })] : []),
      this.live.publish(tenantId, { type: 'interview.updated', data: { interviewId, candidateId, status, startsAt: scheduledAt?.toISOString() ?? null } }),
    ]);
  }

  /**
   * What the tool reads: the caller (by an id in the arguments, else the call's metadata.candidate_id,
   * else the caller's number) and what the tool needs besides. Arguments that do not check read nothing
   * but the tenant's zone (if needed), for the example date in the answer.
   */
  private readsQuery(tenantId: string, tool: ToolName, call: ToolCallContext, args: Record<string, string> | null, tenantZone: boolean): ReadAlongside {
    const argRef = args?.candidate_id;
    const ref = args ? (argRef ?? candidateRefOf(call.metadata)) : undefined;
    const phone = args && !argRef ? (callerNumberOf(call) ?? null) : null;
    const slotTool = !!args && tool !== 'get_candidate';
    const busy = args && tool === 'check_interview_slots' ? busyRange(args) : null;
    return {
      sql: READS_SQL,
      params: [
        tenantId,
        ref && isUuid(ref) ? ref : null,
        ref ?? null,
        phone,
        !!args && tool === 'get_candidate',
        slotTool,
        slotTool && !args.interviewer && args.position ? args.position : null,
        busy?.from ?? null,
        busy?.to ?? null,
        tenantZone,
      ],
    };
  }

  /** The interviewers asked for: by name, by position (named, else the caller's), else all active ones. */
  private async interviewers(
    tenantId: string,
    caller: Caller | null,
    args: Record<string, string>,
    reads: Reads,
  ): Promise<{ ok: true; interviewers: OpenInterviewer[] } | { ok: false; answer: ToolResult }> {
    const rows = reads.interviewers ?? (await this.pool.query<InterviewerRow>(`${INTERVIEWERS_SQL} ORDER BY "name"`, [tenantId])).rows;
    let picked = rows;
    if (args.interviewer) {
      picked = rows.filter((r) => r.name.toLowerCase() === args.interviewer.toLowerCase());
      if (!picked.length) return { ok: false, answer: sayable(`I don't know an interviewer named ${args.interviewer}.`) };
    } else {
      let positionId: string | null = null;
      const p = !args.position
        ? null
        : reads.interviewers
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

  /** Free slots of `interviewers` in [from, to); their interviews from `known` when read already over a range covering it. */
  private async freeSlots(
    tenantId: string,
    interviewers: OpenInterviewer[],
    from: Date,
    to: Date,
    limit: number,
    known: BusyRow[] | null = null,
  ): Promise<Slot[]> {
    const names = interviewers.map((i) => i.name.toLowerCase());
    const busyRows =
      known ??
      (
        await this.pool.query<{ busy: BusyRow }>(
          `SELECT json_build_array(lower("interviewer"), (extract(epoch FROM "scheduledAt") * 1000)::bigint, "durationMinutes") AS "busy" FROM "Interview"
           WHERE ${overlapCondition({ tenantId: '$1::uuid', start: '$4::timestamptz', end: '$3::timestamptz' })} AND lower("interviewer") = ANY($2::text[])`,
          [tenantId, names, to, from],
        )
      ).rows.map((r) => r.busy);
    const busy = new Map<string, BusyInterval[]>();
    for (const [who, startMs, minutes] of busyRows) {
      const end = startMs + minutes * 60_000;
      if (startMs >= to.getTime() || end <= from.getTime()) continue;
      busy.set(who, [...(busy.get(who) ?? []), { start: new Date(startMs), end: new Date(end) }]);
    }
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

/** The reads as the claim's statement returns them (JSON columns parsed by node-postgres). */
interface RawReads {
  caller: Caller | null;
  next: (Omit<NextInterview, 'scheduledAt'> & { scheduledAt: string }) | null;
  interviewers: InterviewerRow[] | null;
  positionId: string | null;
  busy: BusyRow[] | null;
  tenantZone: string | null;
}

function readsOf(row: RawReads): Reads {
  return { ...row, next: row.next ? { ...row.next, scheduledAt: new Date(row.next.scheduledAt) } : null };
}

/**
 * Whole UTC days from the day before `date_from` to two after `date_to`: every zone's days asked
 * for lie inside (offsets run from −12 to +14 hours). Null when the dates cannot be read (the tool
 * then answers why) or span more than it looks at.
 */
function busyRange(args: Record<string, string>): { from: Date; to: Date } | null {
  const first = Date.parse(`${args.date_from}T00:00:00Z`);
  const last = Date.parse(`${args.date_to ?? args.date_from}T00:00:00Z`);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first || last - first > MAX_RANGE_DAYS * DAY_MS) return null;
  return { from: new Date(first - DAY_MS), to: new Date(last + 2 * DAY_MS) };
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

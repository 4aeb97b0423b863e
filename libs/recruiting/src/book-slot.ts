import { Injectable, Logger } from '@nestjs/common';
import type { QueryResult } from 'pg';
import type { Interview } from '@retell-ops/db';
import { PgPool } from '@retell-ops/db/pg-pool';
import { sqlLiteral } from '@retell-ops/db/sql-literal';
import { CANDIDATE_STATUSES, canMoveCandidate } from '@retell-ops/domain';
import { InterviewReminders } from './interview-reminders';

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
  /**
   * Also move the candidate to `interviewing` in the same transaction when the slot is booked, as
   * far as an automatic mover may (canMoveCandidate … 'analysis': from new or screening only). The
   * agent's tool call sets it, so the board shows the booking during the call; the post-call
   * analysis that follows makes the same move or none.
   */
  advanceCandidate?: boolean;
}

/** The statuses an automatic mover may take to `interviewing` (the pipeline's own rule). */
const ADVANCE_FROM = CANDIDATE_STATUSES.filter((s) => canMoveCandidate(s, 'interviewing', 'analysis'));

export type SlotBooking =
  /** `candidateAdvanced`: advanceCandidate moved the candidate to `interviewing` in the same transaction. */
  | { status: 'booked'; interview: Interview; candidateAdvanced: boolean }
  /** This call booked an interview already (a retry, or a second booking in one call). */
  | { status: 'exists'; interview: Interview }
  /** The interviewer has another interview at that time. */
  | { status: 'taken'; clashId: string };

/**
 * What every path that books or moves an interviewer's interviews locks on, in its transaction,
 * before it looks for a clash: so two bookings of one interviewer take turns (any spelling of the name).
 */
export function interviewerLockKey(tenantId: string, interviewer: string): string {
  return `${tenantId}/${interviewer.toLowerCase()}`;
}

/** The SQL that takes an interviewer's lock until the transaction ends; `key` is an SQL expression (a parameter or a literal). */
export const lockInterviewerSql = (key: string) => `SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;

/** An interview lasts at most this long (a CHECK constraint on "Interview"; the API allows 480). */
export const MAX_INTERVIEW_MINUTES = 1440;

/**
 * Scheduled interviews that overlap [start, end): `scheduledAt` within a range the
 * (tenantId, status, scheduledAt) index reads, since none starts more than MAX_INTERVIEW_MINUTES
 * before an interview it overlaps. Without the lower bound a tenant's whole history of
 * interviews still marked scheduled is read. Each argument is an SQL expression; `alias` prefixes the columns.
 */
export function overlapCondition(a: { tenantId: string; start: string; end: string }, alias = ''): string {
  const c = (column: string) => `${alias}"${column}"`;
  return `${c('tenantId')} = ${a.tenantId} AND ${c('status')} = 'scheduled'
    AND ${c('scheduledAt')} < ${a.end} AND ${c('scheduledAt')} > ${a.start} - interval '${MAX_INTERVIEW_MINUTES} minutes'
    AND ${c('scheduledAt')} + make_interval(mins => ${c('durationMinutes')}) > ${a.start}`;
}

/**
 * The condition on "Interview" rows that clash with [start, end) for an interviewer: a scheduled
 * interview of theirs (any case) that overlaps it. Each argument is an SQL expression.
 */
export function clashCondition(a: { tenantId: string; interviewer: string; start: string; end: string }): string {
  return `${overlapCondition(a)} AND lower("interviewer") = lower(${a.interviewer})`;
}

type Outcome = Interview & { outcome: 'booked' | 'exists' | 'taken'; clashId: string | null; advanced: boolean | null };

/**
 * Books one exact slot under the interviewer's lock: the slot is taken if another scheduled
 * interview of theirs overlaps it. One interview per source call: a second booking from the
 * same call answers the first. Then the interview's reminders.
 *
 * One round trip: BEGIN, the lock, one statement that books or says why not, and COMMIT, sent as
 * one simple-protocol query (values as escaped literals: several statements cannot take bind
 * parameters). The lock must be granted before the clash check's snapshot is taken, which in READ
 * COMMITTED a single statement cannot do (its snapshot predates a lock it waits for inside); each
 * statement of the query takes its own, so the check sees every booking committed by whoever held
 * the lock before. A PL/pgSQL function would do the same in one round trip, but puts the rule in a
 * migration and the clash condition in two places; the post-call path and a reschedule take the
 * same lock and condition (InterviewBooking) inside their Prisma transactions.
 */
@Injectable()
export class BookSlot {
  private readonly logger = new Logger('BookSlot');

  constructor(
    private readonly pool: PgPool,
    private readonly reminders: InterviewReminders,
  ) {}

  async execute(input: SlotBookingInput): Promise<SlotBooking> {
    const outcome = (await this.book(input)) ?? (await this.bookedBySource(input));
    if (outcome.outcome === 'taken') return { status: 'taken', clashId: outcome.clashId! };
    const { outcome: status, clashId: _, advanced, ...interview } = outcome;
    if (status === 'exists') return { status, interview };
    await this.reminders.schedule(interview);
    this.logger.log(`interview ${interview.id} booked for candidate ${input.candidateId}: ${input.start.toISOString()} with ${input.interviewer}`);
    return { status, interview, candidateAdvanced: advanced === true };
  }

  /** Null when the source call's interview was booked by another transaction meanwhile (it waited on the unique key, then did nothing). */
  private async book(input: SlotBookingInput): Promise<Outcome | null> {
    const tenant = `${sqlLiteral(input.tenantId)}::uuid`;
    const source = sqlLiteral(input.sourceCallId ?? null);
    const interviewer = sqlLiteral(input.interviewer);
    const start = sqlLiteral(input.start);
    const end = sqlLiteral(new Date(input.start.getTime() + input.durationMinutes * 60_000));
    const statement = `WITH earlier AS (
  SELECT * FROM "Interview" WHERE "tenantId" = ${tenant} AND "sourceCallId" = ${source}
), clash AS (
  SELECT "id" FROM "Interview" WHERE ${clashCondition({ tenantId: tenant, interviewer, start, end })} AND NOT EXISTS (SELECT 1 FROM earlier) LIMIT 1
), booked AS (
  INSERT INTO "Interview" ("id", "tenantId", "candidateId", "sourceCallId", "status", "scheduledAt", "timeZone", "resolvedFrom", "durationMinutes", "interviewer", "rawIso", "updatedAt")
  SELECT gen_random_uuid(), ${tenant}, ${sqlLiteral(input.candidateId)}::uuid, ${source}, 'scheduled'::"InterviewStatus", ${start}, ${sqlLiteral(input.timeZone)},
    ${sqlLiteral(input.resolvedFrom ?? 'manual')}, ${sqlLiteral(input.durationMinutes)}, ${interviewer}, ${sqlLiteral(input.start.toISOString())}, now()
  WHERE NOT EXISTS (SELECT 1 FROM earlier) AND NOT EXISTS (SELECT 1 FROM clash)
  ON CONFLICT ("tenantId", "sourceCallId") DO NOTHING
  RETURNING *
)${
      input.advanceCandidate
        ? `, advanced AS (
  UPDATE "Candidate" SET "status" = 'interviewing', "statusChangedAt" = now(), "updatedAt" = now()
  WHERE "id" = ${sqlLiteral(input.candidateId)}::uuid AND "tenantId" = ${tenant} AND EXISTS (SELECT 1 FROM booked)
    AND "status" = ANY(ARRAY[${ADVANCE_FROM.map((st) => sqlLiteral(st)).join(', ')}]::"CandidateStatus"[])
  RETURNING "id"
)`
        : ''
    }
SELECT 'booked' AS "outcome", NULL::uuid AS "clashId", ${input.advanceCandidate ? 'EXISTS (SELECT 1 FROM advanced)' : 'false'} AS "advanced", b.* FROM booked b
UNION ALL SELECT 'exists', NULL, NULL, e.* FROM earlier e
UNION ALL SELECT 'taken', c."id", NULL, (NULL::"Interview").* FROM clash c`;
    const db = await this.pool.connect();
    try {
      const lock = lockInterviewerSql(sqlLiteral(interviewerLockKey(input.tenantId, input.interviewer)));
      const results = (await db.query(['BEGIN', lock, statement, 'COMMIT'].join(';\n'))) as unknown as QueryResult<Outcome>[];
      return results[2].rows[0] ?? null;
    } catch (e) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      db.release();
    }
  }

  private async bookedBySource(input: SlotBookingInput): Promise<Outcome> {
    const { rows } = await this.pool.query<Interview>(`SELECT * FROM "Interview" WHERE "tenantId" = $1::uuid AND "sourceCallId" = $2`, [
      input.tenantId,
      input.sourceCallId,
    ]);
    if (!rows[0]) throw new Error(`booking for call ${input.sourceCallId} neither booked nor found`);
    return { ...rows[0], outcome: 'exists', clashId: null, advanced: null };
  }
}

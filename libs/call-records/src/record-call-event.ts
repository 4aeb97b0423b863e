import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { QueryResult } from 'pg';
import { jsonbLiteral, jsonbTextLiteral, PgPool, sqlLiteral } from '@retell-ops/db';
import { callEventKey, candidateRefOf, isUuid, placedCallIdOf, type CallStatus } from '@retell-ops/domain';
import type { CallEventJob } from '@retell-ops/queue';
import {
  CALL_EVENT_FIELDS,
  changedCallFields,
  foldCallEvents,
  type CallRecordFields,
  type ReceivedCallEvent,
  type RetellCall,
  type RetellWebhookEnvelope,
} from '@retell-ops/retell';

/** What the caller may act on after a delivery is kept. */
export interface RecordedCall {
  id: string;
  tenantId: string;
  retellCallId: string;
  candidateId: string | null;
  metadata: unknown;
  /** Set for calls the platform placed */
  dialRequestId: string | null;
  status: string;
  outcome: string | null;
  /** false when this event of this call was already kept (a duplicate) */
  eventAdded: boolean;
}

/** The platform's own call id, which it puts in the metadata of every call it places (defined in the domain beside its reader). */
export { PLACED_CALL_ID_KEY } from '@retell-ops/domain';

/**
 * Keeps one delivery and rebuilds the call row from every delivery kept for that call, under a
 * row lock. Because the row is a fold over the set of events, duplicates and any arrival order
 * give the same final row, and no event can erase what another wrote.
 *
 * Plain SQL on node-postgres, in two round trips per transaction, and one transaction for many
 * deliveries when they come together (`executeBatch`): this runs once per webhook, and round trips
 * and commits were the worker's largest cost (profiled: five round trips per delivery spent ~45%
 * of the worker's main thread in socket writes). Values go in as escaped literals (`sqlLiteral`),
 * since several statements in one round trip cannot take bind parameters.
 */
@Injectable()
export class RecordCallEvent {
  constructor(private readonly pool: PgPool) {}

  /** One delivery in its own transaction. */
  async execute(job: CallEventJob): Promise<RecordedCall> {
    const [outcome] = await this.inOneTransaction([prepare(job)]);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * Several deliveries (of different calls) in one transaction and the same two round trips:
   * one commit instead of one each. Each delivery gets its own outcome, in the order of `jobs`,
   * as soon as it is known. Deliveries that cannot be call events fail alone; if the transaction
   * fails (a bad delivery, a row locked elsewhere), each delivery is tried again in its own, side
   * by side, so none holds back another. `attempted` settles when the shared transaction has
   * committed or given up: what bounds the transactions a caller keeps open.
   */
  executeBatch(jobs: CallEventJob[]): StartedBatch {
    const outcomes: Promise<RecordOutcome>[] = new Array(jobs.length);
    const prepared: Array<{ index: number; p: Prepared }> = [];
    jobs.forEach((job, index) => {
      try {
        prepared.push({ index, p: prepare(job) });
      } catch (error) {
        outcomes[index] = Promise.resolve({ ok: false, error: error as Error });
      }
    });
    const alone = (p: Prepared): Promise<RecordOutcome> =>
      this.inOneTransaction([p]).then(
        ([o]) => o,
        (error: Error) => ({ ok: false as const, error }),
      );
    if (prepared.length === 1) {
      const only = alone(prepared[0].p);
      outcomes[prepared[0].index] = only;
      return { outcomes, attempted: only.then(() => undefined) };
    }
    // Row locks are taken in one global order (tenant, call), so two batches never deadlock.
    prepared.sort((a, b) => compareKeys(a.p.job, b.p.job));
    const together = prepared.length ? this.inOneTransaction(prepared.map((x) => x.p)).catch(() => undefined) : Promise.resolve(undefined);
    prepared.forEach((x, i) => (outcomes[x.index] = together.then((all) => all?.[i] ?? alone(x.p))));
    return { outcomes, attempted: together.then(() => undefined) };
  }

  /** Rejects if the transaction fails; a batch of one resolves to its error instead. */
  private async inOneTransaction(batch: Prepared[]): Promise<RecordOutcome[]> {
    const db = await this.pool.connect();
    try {
      // Round trip 1, several statements in one simple query: each statement still takes its own
      // snapshot, so a call's events are read after its row lock is held and see every event
      // committed by whoever held it before.
      // A batch waits for a row lock held elsewhere (a dialer, another worker) at most briefly: it
      // then fails, and its deliveries go one by one, so one locked call never stalls the rest.
      const opening = batch.length > 1 ? ['BEGIN', `SET LOCAL lock_timeout = '${BATCH_LOCK_TIMEOUT_MS}ms'`] : ['BEGIN'];
      const head = (await db.query([...opening, ...batch.flatMap((p) => p.statements)].join(';\n'))) as unknown as QueryResult[];
      let at = opening.length;
      const plans = batch.map((p) => {
        at += p.statements.length;
        return planUpdate(p, head[at - 2].rows[0] as RecordedRow, head[at - 1].rows as EventRow[]);
      });
      // Round trip 2: the changed columns of each call, if any, and the commit.
      const updates = plans.filter((plan) => plan.update);
      const tail = (await db.query([...updates.map((plan) => plan.update), 'COMMIT'].join(';\n'))) as unknown as QueryResult | QueryResult[];
      const tailResults = Array.isArray(tail) ? tail : [tail];
      let updated = 0;
      return plans.map((plan, i) => {
        const row = plan.update ? (tailResults[updated++].rows[0] as RecordedRow) : plan.row;
        return { ok: true as const, value: { ...row, retellCallId: batch[i].job.callId, eventAdded: plan.isNew } };
      });
    } catch (e) {
      await db.query('ROLLBACK').catch(() => undefined);
      if (batch.length === 1) return [{ ok: false, error: e as Error }];
      throw e;
    } finally {
      db.release();
    }
  }
}

export type RecordOutcome = { ok: true; value: RecordedCall } | { ok: false; error: Error };

/** A batch under way: each delivery's outcome, and when its shared transaction has ended. */
export interface StartedBatch {
  outcomes: Promise<RecordOutcome>[];
  attempted: Promise<void>;
}

type RecordedRow = Omit<RecordedCall, 'retellCallId' | 'eventAdded'>;
type EventRow = { type: string; call: RetellCall | null };

interface Prepared {
  job: CallEventJob;
  envelope: RetellWebhookEnvelope;
  /** The statements that lock the call's row, keep the delivery and read the ones kept before. */
  statements: string[];
}

/** The calls a batch may hold once each: deliveries of one call must see each other's rows. */
export function callKey(job: Pick<CallEventJob, 'tenantId' | 'callId'>): string {
  return `${job.tenantId}\u0000${job.callId}`;
}

function compareKeys(a: CallEventJob, b: CallEventJob): number {
  return a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0;
}

function prepare(job: CallEventJob): Prepared {
  const envelope = parseBody(job);
  if (!isUuid(job.tenantId)) throw new UnrecoverableError(`job tenant id is not a UUID (call ${job.callId}, ${job.event})`);
  const placedAs = placedCallIdOf(envelope.call?.metadata);
  const tenant = sqlLiteral(job.tenantId);
  const callId = sqlLiteral(job.callId);
  const named = namedCandidate(tenant, envelope.call?.metadata);
  const statements = [
    // A call the platform placed already has a row (created when it was queued): claim it.
    ...(placedAs
      ? [
          `UPDATE "Call" SET "retellCallId" = ${callId}, "updatedAt" = now() WHERE "id" = ${sqlLiteral(placedAs)} AND "tenantId" = ${tenant} AND "retellCallId" IS NULL`,
        ]
      : []),
    // Creates the row or locks the existing one (ON CONFLICT DO UPDATE takes the row lock). A call
    // whose metadata names one of the tenant's candidates (an inbound answer's candidate_id, a
    // recruiting integration's) is linked to them, unless it is linked already.
    `INSERT INTO "Call" ("id", "tenantId", "retellCallId", "status", "occurredAt", "createdAt", "updatedAt"${named ? ', "candidateId"' : ''})
     VALUES (gen_random_uuid(), ${tenant}, ${callId}, 'queued', now(), now(), now()${named ? `, ${named}` : ''})
     ON CONFLICT ("tenantId", "retellCallId") DO UPDATE SET "retellCallId" = EXCLUDED."retellCallId"${named ? ', "candidateId" = COALESCE("Call"."candidateId", EXCLUDED."candidateId")' : ''}
     RETURNING ${RECORDED_COLUMNS}`,
    // Keeps this delivery (once) and reads the deliveries kept before it. The new one is not read
    // back, its body is parsed here already: `kept` adds one row with a null call if this
    // delivery is new, none if it is a duplicate.
    `WITH c AS (SELECT "id" FROM "Call" WHERE "tenantId" = ${tenant} AND "retellCallId" = ${callId}),
     kept AS (
       INSERT INTO "CallEvent" ("id", "tenantId", "callId", "type", "receivedAt", "processedAt", "payload", "source", "dedupeKey")
       SELECT gen_random_uuid(), ${tenant}, c."id", ${sqlLiteral(job.event)}, ${sqlLiteral(new Date(job.receivedAt))}, now(), ${jsonbTextLiteral(job.body)}, ${sqlLiteral(job.source ?? 'webhook')}, ${sqlLiteral(callEventKey(job.event, envelope))} FROM c
       ON CONFLICT ("tenantId", "callId", "type", "dedupeKey") DO NOTHING
       RETURNING "type")
     SELECT "type", "payload"->'call' AS "call" FROM "CallEvent" WHERE "callId" = (SELECT "id" FROM c)
     UNION ALL SELECT "type", NULL FROM kept`,
  ];
  return { job, envelope, statements };
}

/** The UPDATE that brings the call's row from the fold of the events before to the fold with this one. */
function planUpdate({ job, envelope }: Prepared, row: RecordedRow, rows: EventRow[]): { row: RecordedRow; isNew: boolean; update?: string } {
  const before = rows.filter((r): r is ReceivedCallEvent => r.call !== null);
  const isNew = rows.length > before.length;
  const after = isNew ? [...before, { type: job.event, call: envelope.call }] : before;

  const status = row.status as CallStatus;
  const folded = foldCallEvents(after, status);
  // The row already holds the fold of `before` (this is the only writer of those columns once a
  // call has events); a call's first event writes them all, over whatever the dialer put there.
  const fields = before.length ? changedCallFields(foldCallEvents(before, status), folded) : CALL_EVENT_FIELDS;
  const sets = fields.map((f) => `"${f}" = ${JSON_FIELDS.has(f) ? jsonbLiteral(folded[f]) : sqlLiteral(folded[f])}`);
  if (fields.includes('startedAt') && folded.startedAt) sets.push(`"occurredAt" = ${sqlLiteral(folded.startedAt)}`);
  if (folded.status !== status) sets.push(`"status" = ${sqlLiteral(folded.status)}::"CallStatus"`);
  if (folded.outcome !== row.outcome) sets.push(`"outcome" = ${sqlLiteral(folded.outcome)}`);
  if (!sets.length) return { row, isNew };
  return { row, isNew, update: `UPDATE "Call" SET ${sets.join(', ')}, "updatedAt" = now() WHERE "id" = ${sqlLiteral(row.id)} RETURNING ${RECORDED_COLUMNS}` };
}

const BATCH_LOCK_TIMEOUT_MS = 1000;
const RECORDED_COLUMNS = `"id", "tenantId", "candidateId", "metadata", "dialRequestId", "status"::text AS "status", "outcome"`;

const JSON_FIELDS = new Set<keyof CallRecordFields>(['transcriptObject', 'metadata', 'dynamicVariables', 'customAnalysis']);

/** A subquery for the tenant's candidate that `metadata.candidate_id` names (our id or the tenant's external id), or undefined. */
function namedCandidate(tenant: string, metadata: unknown): string | undefined {
  const ref = candidateRefOf(metadata);
  if (ref === undefined || ref.length > 256) return undefined;
  const r = sqlLiteral(ref);
  const byId = isUuid(ref) ? `"id" = ${r}::uuid OR ` : '';
  return `(SELECT "id" FROM "Candidate" WHERE "tenantId" = ${tenant} AND (${byId}"externalId" = ${r}) ORDER BY ("externalId" IS NOT DISTINCT FROM ${r}) LIMIT 1)`;
}

/** A body the gateway verified but that cannot be a call event will never succeed: fail it for good. */
function parseBody(job: CallEventJob): RetellWebhookEnvelope {
  let envelope: RetellWebhookEnvelope;
  try {
    envelope = JSON.parse(job.body) as RetellWebhookEnvelope;
  } catch {
    throw new UnrecoverableError(`job body is not JSON (call ${job.callId}, ${job.event})`);
  }
  if (envelope?.event !== job.event || envelope.call?.call_id !== job.callId) {
    throw new UnrecoverableError(`job body does not match its job (call ${job.callId}, ${job.event})`);
  }
  return envelope;
}

import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { QueryResult } from 'pg';
import { jsonbLiteral, jsonbTextLiteral, PgPool, sqlLiteral } from '@retell-ops/db';
import type { CallStatus } from '@retell-ops/domain';
import type { CallEventJob } from '@retell-ops/queue-contracts';
import { changedCallFields, foldCallEvents, type CallRecordFields, type ReceivedCallEvent, type RetellCall, type RetellWebhookEnvelope } from '@retell-ops/retell';

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
}

/** The platform's own call id, which it puts in the metadata of every call it places. */
export const PLACED_CALL_ID_KEY = 'rops_call_id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Keeps one delivery and rebuilds the call row from every delivery kept for that call, under a
 * row lock. Because the row is a fold over the set of events, duplicates and any arrival order
 * give the same final row, and no event can erase what another wrote.
 *
 * Plain SQL on node-postgres, in two round trips: this runs once per webhook, and each write to
 * PostgreSQL's socket was the worker's largest cost (profiled: five round trips per delivery spent
 * ~45% of the worker's main thread in socket writes). Values go in as escaped literals
 * (`sqlLiteral`), since several statements in one round trip cannot take bind parameters.
 */
@Injectable()
export class RecordCallEvent {
  constructor(private readonly pool: PgPool) {}

  async execute(job: CallEventJob): Promise<RecordedCall> {
    const envelope = parseBody(job);
    const placedAs = placedCallId(envelope.call?.metadata);
    if (!UUID.test(job.tenantId)) throw new UnrecoverableError(`job tenant id is not a UUID (call ${job.callId}, ${job.event})`);
    const tenant = sqlLiteral(job.tenantId);
    const callId = sqlLiteral(job.callId);
    const db = await this.pool.connect();
    try {
      // Round trip 1, several statements in one simple query: each statement still takes its own
      // snapshot, so the events are read after the row lock is held and see every event committed
      // by whoever held it before.
      const head = await db.query(
        [
          'BEGIN',
          // A call the platform placed already has a row (created when it was queued): claim it.
          placedAs && `UPDATE "Call" SET "retellCallId" = ${callId}, "updatedAt" = now() WHERE "id" = ${sqlLiteral(placedAs)} AND "tenantId" = ${tenant} AND "retellCallId" IS NULL`,
          // Creates the row or locks the existing one (ON CONFLICT DO UPDATE takes the row lock).
          `INSERT INTO "Call" ("id", "tenantId", "retellCallId", "status", "occurredAt", "createdAt", "updatedAt")
           VALUES (gen_random_uuid(), ${tenant}, ${callId}, 'queued', now(), now(), now())
           ON CONFLICT ("tenantId", "retellCallId") DO UPDATE SET "retellCallId" = EXCLUDED."retellCallId"
           RETURNING ${RECORDED_COLUMNS}`,
          // Keeps this delivery (once) and reads the deliveries kept before it. The new one is not
          // read back, its body is parsed here already: `kept` adds one row with a null call if
          // this delivery is new, none if it is a duplicate.
          `WITH c AS (SELECT "id" FROM "Call" WHERE "tenantId" = ${tenant} AND "retellCallId" = ${callId}),
           kept AS (
             INSERT INTO "CallEvent" ("id", "tenantId", "callId", "type", "receivedAt", "processedAt", "payload")
             SELECT gen_random_uuid(), ${tenant}, c."id", ${sqlLiteral(job.event)}, ${sqlLiteral(new Date(job.receivedAt))}, now(), ${jsonbTextLiteral(job.body)} FROM c
             ON CONFLICT ("tenantId", "callId", "type") DO NOTHING
             RETURNING "type")
           SELECT "type", "payload"->'call' AS "call" FROM "CallEvent" WHERE "callId" = (SELECT "id" FROM c)
           UNION ALL SELECT "type", NULL FROM kept`,
        ]
          .filter(Boolean)
          .join(';\n'),
      );
      const results = head as unknown as Array<QueryResult>;
      const row = results[results.length - 2].rows[0] as Omit<RecordedCall, 'retellCallId'>;
      const rows = results[results.length - 1].rows as Array<{ type: string; call: RetellCall | null }>;
      const before = rows.filter((r): r is ReceivedCallEvent => r.call !== null);
      const isNew = rows.length > before.length;
      const after = isNew ? [...before, { type: job.event, call: envelope.call }] : before;

      const status = row.status as CallStatus;
      const folded = foldCallEvents(after, status);
      // The row already holds the fold of `before` (this is the only writer of those columns once
      // a call has events); a call's first event writes them all, over whatever the dialer put there.
      const fields = before.length ? changedCallFields(foldCallEvents(before, status), folded) : ALL_EVENT_FIELDS;
      const sets = fields.map((f) => `"${f}" = ${JSON_FIELDS.has(f) ? jsonbLiteral(folded[f]) : sqlLiteral(folded[f])}`);
      if (fields.includes('startedAt') && folded.startedAt) sets.push(`"occurredAt" = ${sqlLiteral(folded.startedAt)}`);
      if (folded.status !== status) sets.push(`"status" = ${sqlLiteral(folded.status)}::"CallStatus"`);
      if (folded.outcome !== row.outcome) sets.push(`"outcome" = ${sqlLiteral(folded.outcome)}`);

      // Round trip 2: the changed columns, if any, and the commit.
      if (!sets.length) {
        await db.query('COMMIT');
        return { ...row, retellCallId: job.callId };
      }
      const tail = (await db.query(
        `UPDATE "Call" SET ${sets.join(', ')}, "updatedAt" = now() WHERE "id" = ${sqlLiteral(row.id)} RETURNING ${RECORDED_COLUMNS};\nCOMMIT`,
      )) as unknown as Array<QueryResult>;
      return { ...(tail[0].rows[0] as Omit<RecordedCall, 'retellCallId'>), retellCallId: job.callId };
    } catch (e) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      db.release();
    }
  }
}

const RECORDED_COLUMNS = `"id", "tenantId", "candidateId", "metadata", "dialRequestId", "status"::text AS "status", "outcome"`;

type EventField = ReturnType<typeof changedCallFields>[number];
const JSON_FIELDS = new Set<keyof CallRecordFields>(['transcriptObject', 'metadata', 'dynamicVariables', 'customAnalysis']);
const ALL_EVENT_FIELDS = Object.keys(foldCallEvents([], 'queued')).filter((k) => k !== 'status' && k !== 'outcome') as EventField[];

function placedCallId(metadata: unknown): string | undefined {
  const v = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>)[PLACED_CALL_ID_KEY] : undefined;
  return typeof v === 'string' && UUID.test(v) ? v : undefined;
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

import { Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { PgPool } from '@retell-ops/db';
import type { CallStatus } from '@retell-ops/domain';
import type { CallEventJob } from '@retell-ops/queue-contracts';
import { foldCallEvents, type RetellCall, type RetellWebhookEnvelope } from '@retell-ops/retell';

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
const jsonb = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * Keeps one delivery and rebuilds the call row from every delivery kept for that call, under a
 * row lock. Because the row is a fold over the set of events, duplicates and any arrival order
 * give the same final row, and no event can erase what another wrote.
 *
 * Plain SQL on node-postgres: this runs once per webhook, and Prisma's query building for rows
 * carrying 20 KB transcripts cost more than the queries themselves.
 */
@Injectable()
export class RecordCallEvent {
  constructor(private readonly pool: PgPool) {}

  async execute(job: CallEventJob): Promise<RecordedCall> {
    const envelope = parseBody(job);
    const placedAs = placedCallId(envelope.call?.metadata);
    const db = await this.pool.connect();
    try {
      await db.query('BEGIN');
      // A call the platform placed already has a row (created when it was queued): claim it.
      if (placedAs) {
        await db.query(`UPDATE "Call" SET "retellCallId" = $1, "updatedAt" = now() WHERE "id" = $2 AND "tenantId" = $3 AND "retellCallId" IS NULL`, [job.callId, placedAs, job.tenantId]);
      }
      // Creates the row or locks the existing one (ON CONFLICT DO UPDATE takes the row lock).
      const {
        rows: [row],
      } = await db.query<{ id: string; status: CallStatus; occurredAt: Date }>(
        `INSERT INTO "Call" ("id", "tenantId", "retellCallId", "status", "occurredAt", "createdAt", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, 'queued', now(), now(), now())
         ON CONFLICT ("tenantId", "retellCallId") DO UPDATE SET "retellCallId" = EXCLUDED."retellCallId"
         RETURNING "id", "status"::text AS "status", "occurredAt"`,
        [job.tenantId, job.callId],
      );
      // Keeps this delivery (once) and reads every delivery kept for the call, in one round trip:
      // the SELECT sees the rows from before the INSERT, `kept` adds the new one if there is one.
      const { rows: events } = await db.query<{ type: string; call: RetellCall }>(
        `WITH kept AS (
           INSERT INTO "CallEvent" ("id", "tenantId", "callId", "type", "receivedAt", "processedAt", "payload")
           VALUES (gen_random_uuid(), $1, $2, $3, $4, now(), $5::jsonb)
           ON CONFLICT ("tenantId", "callId", "type") DO NOTHING
           RETURNING "type", "payload")
         SELECT "type", "payload"->'call' AS "call" FROM "CallEvent" WHERE "callId" = $2
         UNION ALL SELECT "type", "payload"->'call' FROM kept`,
        [job.tenantId, row.id, job.event, new Date(job.receivedAt), job.body],
      );

      const f = foldCallEvents(events, row.status);
      const {
        rows: [updated],
      } = await db.query<Omit<RecordedCall, 'retellCallId'>>(
        `UPDATE "Call" SET
           "agentId" = $2, "agentVersion" = $3, "callType" = $4, "direction" = $5, "fromNumber" = $6, "toNumber" = $7,
           "retellStatus" = $8, "disconnectionReason" = $9, "startedAt" = $10, "endedAt" = $11, "durationMs" = $12,
           "transcript" = $13, "transcriptObject" = $14::jsonb, "recordingUrl" = $15, "publicLogUrl" = $16,
           "metadata" = $17::jsonb, "dynamicVariables" = $18::jsonb, "summary" = $19, "sentiment" = $20,
           "successful" = $21, "inVoicemail" = $22, "customAnalysis" = $23::jsonb, "costCents" = $24,
           "status" = $25::"CallStatus", "outcome" = $26, "occurredAt" = COALESCE($10, "occurredAt"), "updatedAt" = now()
         WHERE "id" = $1
         RETURNING "id", "tenantId", "candidateId", "metadata", "dialRequestId", "status"::text AS "status", "outcome"`,
        [
          row.id,
          f.agentId,
          f.agentVersion,
          f.callType,
          f.direction,
          f.fromNumber,
          f.toNumber,
          f.retellStatus,
          f.disconnectionReason,
          f.startedAt,
          f.endedAt,
          f.durationMs,
          f.transcript,
          jsonb(f.transcriptObject),
          f.recordingUrl,
          f.publicLogUrl,
          jsonb(f.metadata),
          jsonb(f.dynamicVariables),
          f.summary,
          f.sentiment,
          f.successful,
          f.inVoicemail,
          jsonb(f.customAnalysis),
          f.costCents,
          f.status,
          f.outcome,
        ],
      );
      await db.query('COMMIT');
      return { ...updated, retellCallId: job.callId };
    } catch (e) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      db.release();
    }
  }
}

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

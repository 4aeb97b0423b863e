import { Injectable, Optional } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PgPool, type Prisma } from '@retell-ops/db';
import type { CallEventJob, LifecycleEvent } from '@retell-ops/queue';
import type { RetellCall } from '@retell-ops/retell';
import { CallEventBatcher } from './call-event-batcher';
import { RecordCallEvent, type RecordedCall, type StartedBatch } from './record-call-event';

/** Transactions open at once for the group commit, each committing what was handed in meanwhile. */
const MAX_BATCHES_IN_FLIGHT = 4;

/**
 * The one writer of `Call` rows, for Retell's events. A delivery is kept and its row rebuilt
 * from every event of the call (RecordCallEvent); deliveries handed in together share one
 * transaction (CallEventBatcher). Both are details of this class.
 */
@Injectable()
export class Calls {
  private readonly recorder: RecordCallEvent;
  private readonly batcher: CallEventBatcher;

  constructor(pool: PgPool, @Optional() env?: AppEnv) {
    this.recorder = new RecordCallEvent(pool);
    this.batcher = new CallEventBatcher((jobs) => this.recorder.executeBatch(jobs), {
      maxBatch: env?.CALL_WORKER_BATCH ?? 32,
      maxInFlight: MAX_BATCHES_IN_FLIGHT,
    });
  }

  /** Keeps one delivery, committed together with whatever else is handed in at the same time. */
  recordDelivery(job: CallEventJob): Promise<RecordedCall> {
    return this.batcher.record(job);
  }

  /** Keeps one delivery in a transaction of its own. */
  recordDeliveryAlone(job: CallEventJob): Promise<RecordedCall> {
    return this.recorder.execute(job);
  }

  /** Several deliveries (of different calls) in one transaction; each gets its own outcome. */
  recordDeliveriesTogether(jobs: CallEventJob[]): StartedBatch {
    return this.recorder.executeBatch(jobs);
  }

  /**
   * A call that ended as Retell's get-call reports it, kept as the call_ended delivery Retell
   * would have sent (the same body shape): when the real webhook comes after all, the event's
   * unique key makes it a duplicate, and the row, a fold over the events, is the same either way.
   */
  recordEndedFromRetell(tenantId: string, call: RetellCall): Promise<RecordedCall> {
    return this.recordFromRetell(tenantId, call, 'call_ended');
  }

  /**
   * One lifecycle event of a call as Retell's get-call (or list-calls) reports it, kept as the
   * delivery Retell would have sent (`{event, call}`; call_started and call_ended bodies carry no
   * analysis, as Retell's do), marked `source: reconcile`. Deduplicated against the webhook in
   * either order by the CallEvent unique key (tenant, call, event); `eventAdded` says whether it
   * was new. In a transaction of its own.
   */
  recordFromRetell(tenantId: string, call: RetellCall, event: LifecycleEvent): Promise<RecordedCall> {
    const { call_analysis: _analysis, ...withoutAnalysis } = call;
    const body = event === 'call_analyzed' ? call : withoutAnalysis;
    return this.recordDeliveryAlone({
      tenantId,
      event,
      callId: call.call_id,
      receivedAt: Date.now(),
      body: JSON.stringify({ event, call: body }),
      source: 'reconcile',
    });
  }
}

type Db = Prisma.TransactionClient;

export interface PlannedAttempt {
  tenantId: string;
  dialRequestId: string;
  attempt: number;
  candidateId: string | null;
  agentId: string;
  fromNumber: string;
  toNumber: string;
  metadata: Prisma.InputJsonValue | undefined;
  dynamicVariables: Prisma.InputJsonValue | undefined;
  status: 'scheduled' | 'queued';
  occurredAt?: Date;
}

const UNPLACED = ['scheduled', 'queued'] as const;

/**
 * The one writer of `Call` rows for calls the platform places, and of their links. Each takes the
 * client or transaction to write with, so it joins the caller's transaction.
 */
export const CallRows = {
  /**
   * First-attempt rows of a chunk of a batch's requests, in one statement (campaign intake):
   * `rows` are parallel arrays, one entry per request, the call ids made by the caller.
   */
  async planFirstAttempts(
    db: Db,
    a: {
      tenantId: string;
      agentId: string;
      fromNumber: string;
      status: 'scheduled' | 'queued';
      occurredAt: Date;
      rows: { callIds: string[]; requestIds: string[]; candidateIds: Array<string | null>; toNumbers: string[]; metadata: string[]; variables: string[] };
    },
  ): Promise<number> {
    const r = a.rows;
    return db.$executeRaw`
      INSERT INTO "Call" ("id", "tenantId", "dialRequestId", "attempt", "candidateId", "status", "direction", "agentId", "fromNumber", "toNumber",
        "metadata", "dynamicVariables", "occurredAt", "updatedAt")
      SELECT t."callId", ${a.tenantId}::uuid, t."id", 1, t."candidateId", ${a.status}::"CallStatus", 'outbound', ${a.agentId}, ${a.fromNumber}, t."toNumber",
        t."meta"::jsonb, t."vars"::jsonb, ${a.occurredAt}::timestamptz, now()
      FROM unnest(${r.requestIds}::uuid[], ${r.candidateIds}::uuid[], ${r.toNumbers}::text[], ${r.variables}::text[], ${r.metadata}::text[], ${r.callIds}::uuid[])
        AS t("id", "candidateId", "toNumber", "vars", "meta", "callId")`;
  },

  /** Every unplaced call of a batch is cancelled (its acceptance failed: none was dialled). */
  async cancelUnplacedOfBatch(db: Db, batchId: string): Promise<number> {
    return db.$executeRaw`
      UPDATE "Call" c SET "status" = 'cancelled', "outcome" = 'stopped', "updatedAt" = now()
      FROM "DialRequest" r WHERE r."batchId" = ${batchId}::uuid AND c."dialRequestId" = r."id" AND c."retellCallId" IS NULL AND c."status" IN ('queued', 'scheduled')`;
  },

  /** The row of one attempt, before Retell has the call. */
  async planAttempt(db: Db, a: PlannedAttempt): Promise<string> {
    const row = await db.call.create({
      data: {
        tenantId: a.tenantId,
        dialRequestId: a.dialRequestId,
        attempt: a.attempt,
        candidateId: a.candidateId,
        status: a.status,
        direction: 'outbound',
        agentId: a.agentId,
        fromNumber: a.fromNumber,
        toNumber: a.toNumber,
        metadata: a.metadata,
        dynamicVariables: a.dynamicVariables,
        occurredAt: a.occurredAt ?? new Date(),
      },
      select: { id: true },
    });
    return row.id;
  },

  /**
   * Retell created the call: its id on the row (unless a webhook already put it there), and the
   * row initiated if nothing has moved it further. False if the row names another Retell call.
   */
  async linkRetellCall(db: Db, callId: string, retellCallId: string): Promise<boolean> {
    const n = await db.$executeRaw`
      UPDATE "Call" SET "retellCallId" = ${retellCallId},
        "status" = CASE WHEN "status" IN ('scheduled', 'queued') THEN 'initiated'::"CallStatus" ELSE "status" END,
        "updatedAt" = now()
      WHERE "id" = ${callId}::uuid AND ("retellCallId" IS NULL OR "retellCallId" = ${retellCallId})`;
    return n > 0;
  },

  /** Retell refused to create the call (or does not know it): the attempt failed to dial. */
  async markDialFailed(db: Db, callId: string): Promise<void> {
    await db.call.updateMany({
      where: { id: callId, status: { in: [...UNPLACED, 'initiated', 'ringing'] } },
      data: { status: 'failed', outcome: 'dial_failed' },
    });
  },

  /** A call that was never placed is cancelled; false if it was placed (or ended) meanwhile. */
  async cancelUnplaced(db: Db, callId: string): Promise<boolean> {
    const n = await db.call.updateMany({
      where: { id: callId, retellCallId: null, status: { in: [...UNPLACED] } },
      data: { status: 'cancelled', outcome: 'stopped' },
    });
    return n.count > 0;
  },

  /** The same for many calls (a cancelled batch); the number cancelled. */
  async cancelUnplacedMany(db: Db, callIds: string[]): Promise<number> {
    if (!callIds.length) return 0;
    const n = await db.call.updateMany({
      where: { id: { in: callIds }, retellCallId: null, status: { in: [...UNPLACED] } },
      data: { status: 'cancelled', outcome: 'stopped' },
    });
    return n.count;
  },

  /** The candidate an analysed call was applied to. */
  async linkCandidate(db: Db, callId: string, candidateId: string): Promise<void> {
    await db.call.update({ where: { id: callId }, data: { candidateId } });
  },
};

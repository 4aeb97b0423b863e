import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type DialRequest } from '@retell-ops/db';
import { DIAL_REQUEST_GROUPS, dialRequestSourcesOf, type DialRequestStatus } from '@retell-ops/domain';

type Db = Prisma.TransactionClient;

/** Columns a move may set besides the status. */
type MoveData = Partial<
  Pick<Prisma.DialRequestUncheckedUpdateManyInput, 'notBefore' | 'attempts' | 'lastOutcome' | 'lastError' | 'currentCallId' | 'tries' | 'checkedAt'>
>;

interface MoveGuard {
  /** the states the caller expects the request in (narrowed to those the state machine allows) */
  from?: readonly DialRequestStatus[];
  /** only while this try is the request's current one */
  tries?: number;
  /** only while this call is the request's current one */
  currentCallId?: string;
}

const FINAL = DIAL_REQUEST_GROUPS.final as readonly DialRequestStatus[];

/**
 * The one writer of `DialRequest` rows and of a batch's status. Every status change is a guarded
 * UPDATE whose WHERE holds the states the state machine allows into the new one (and, where it
 * matters, the try or call it is about), so a concurrent or late writer moves nothing.
 */
@Injectable()
export class DialRequestStore {
  constructor(private readonly prisma: PrismaService) {}

  // ── creation ───────────────────────────────────────────────────────────────────────────

  create(db: Db, data: Omit<Prisma.DialRequestUncheckedCreateInput, 'status'> & { status: 'scheduled' | 'queued' }): Promise<DialRequest> {
    return db.dialRequest.create({ data });
  }

  /** The first attempt's call row, made right after the request. */
  async setFirstCall(db: Db, id: string, callId: string): Promise<void> {
    await db.dialRequest.updateMany({ where: { id, currentCallId: null }, data: { currentCallId: callId } });
  }

  /** A campaign's batch row, accepting until all its chunks are in (a taken Idempotency-Key is a unique violation). */
  async createAcceptingBatch(db: Db, data: Omit<Prisma.BatchUncheckedCreateInput, 'status'>): Promise<string> {
    const batch = await db.batch.create({ data: { ...data, status: 'accepting' }, select: { id: true } });
    return batch.id;
  }

  /**
   * One chunk of a campaign's requests, in one statement; `rows` are parallel arrays, the ids made
   * by the caller (each request names its first call, written right after by CallRows).
   */
  async insertBatchChunk(
    db: Db,
    a: {
      tenantId: string;
      batchId: string;
      agentId: string;
      fromNumber: string;
      priority: string;
      status: 'scheduled' | 'queued';
      scheduledAt: Date | null;
      notBefore: Date;
      maxAttempts: number;
      retryBackoffSec: number;
      createdBy: { type: string; id: string; label: string } | undefined;
      rows: { callIds: string[]; requestIds: string[]; candidateIds: Array<string | null>; toNumbers: string[]; metadata: string[]; variables: string[] };
    },
  ): Promise<void> {
    const r = a.rows;
    const by = a.createdBy;
    await db.$executeRaw`
      INSERT INTO "DialRequest" ("id", "tenantId", "batchId", "candidateId", "toNumber", "fromNumber", "agentId", "dynamicVariables", "metadata",
        "priority", "status", "scheduledAt", "notBefore", "maxAttempts", "retryBackoffSec", "currentCallId", "createdByType", "createdById", "createdByLabel", "updatedAt")
      SELECT t."id", ${a.tenantId}::uuid, ${a.batchId}::uuid, t."candidateId", t."toNumber", ${a.fromNumber}, ${a.agentId}, t."vars"::jsonb, t."meta"::jsonb,
        ${a.priority}::"DialPriority", ${a.status}::"DialRequestStatus", ${a.scheduledAt}::timestamptz, ${a.notBefore}::timestamptz,
        ${a.maxAttempts}::int, ${a.retryBackoffSec}::int, t."callId", ${by?.type ?? null}::"ActorType", ${by?.id ?? null}, ${by?.label ?? null}, now()
      FROM unnest(${r.requestIds}::uuid[], ${r.candidateIds}::uuid[], ${r.toNumbers}::text[], ${r.variables}::text[], ${r.metadata}::text[], ${r.callIds}::uuid[])
        AS t("id", "candidateId", "toNumber", "vars", "meta", "callId")`;
    // the batch's heartbeat: a batch accepting without a write for long was left by a stopped API
    await db.$executeRaw`UPDATE "Batch" SET "updatedAt" = now() WHERE "id" = ${a.batchId}::uuid`;
  }

  /** accepting → active: the dialer may dial it now. */
  async activateBatch(batchId: string): Promise<boolean> {
    return (
      (await this.prisma.$executeRaw`UPDATE "Batch" SET "status" = 'active', "updatedAt" = now() WHERE "id" = ${batchId}::uuid AND "status" = 'accepting'`) > 0
    );
  }

  /** accepting → failed, its key released and its waiting requests cancelled; false if it was not accepting. */
  async failAcceptingBatch(db: Db, batchId: string): Promise<boolean> {
    const n = await db.$executeRaw`
      UPDATE "Batch" SET "status" = 'failed', "idempotencyKey" = NULL, "cancelledAt" = now(), "updatedAt" = now()
      WHERE "id" = ${batchId}::uuid AND "status" = 'accepting'`;
    if (!n) return false;
    await db.$executeRaw`
      UPDATE "DialRequest" SET "status" = 'cancelled', "lastOutcome" = 'batch_failed', "statusChangedAt" = now(), "updatedAt" = now()
      WHERE "batchId" = ${batchId}::uuid AND "status" IN ('queued', 'scheduled')`;
    return true;
  }

  // ── status moves ───────────────────────────────────────────────────────────────────────

  /** Moves one request into `to` if the state machine (and the guard) allow it; whether it moved. */
  async move(id: string, to: DialRequestStatus, guard: MoveGuard = {}, data: MoveData = {}, db: Db = this.prisma): Promise<boolean> {
    const from = dialRequestSourcesOf(to, guard.from);
    if (!from.length) return false;
    const moved = await db.dialRequest.updateMany({
      where: {
        id,
        status: { in: from },
        ...(guard.tries !== undefined && { tries: guard.tries }),
        ...(guard.currentCallId !== undefined && { currentCallId: guard.currentCallId }),
      },
      data: { ...data, status: to, statusChangedAt: new Date() },
    });
    // Outside a caller's transaction the batch can be settled now; inside one, the caller does it after commit.
    if (moved.count && FINAL.includes(to) && db === this.prisma) await this.settleBatchOf(id);
    return moved.count > 0;
  }

  /** Scheduled requests whose time came and retries whose backoff passed become queued. */
  async promoteDue(db: Db, tenantId: string): Promise<number> {
    const moved = await db.dialRequest.updateMany({
      where: { tenantId, status: { in: dialRequestSourcesOf('queued', DIAL_REQUEST_GROUPS.due) }, notBefore: { lte: new Date() } },
      data: { status: 'queued', statusChangedAt: new Date() },
    });
    return moved.count;
  }

  /** queued → dialing as a new try: its own place job; the attempt counted if it is a new one. */
  handOut(db: Db, r: { id: string; tries: number; attempts: number; currentCallId: string }): Promise<boolean> {
    return this.move(
      r.id,
      'dialing',
      { from: ['queued'], tries: r.tries },
      { tries: r.tries + 1, attempts: r.attempts, currentCallId: r.currentCallId, checkedAt: null },
      db,
    );
  }

  /**
   * handOut for many requests in one statement (the dispatcher's round): each moves only from
   * queued and only at the try it was read at. The ids that moved.
   */
  async handOutMany(db: Db, rows: ReadonlyArray<{ id: string; tries: number; attempts: number; currentCallId: string }>): Promise<Set<string>> {
    if (!rows.length) return new Set();
    const from = dialRequestSourcesOf('dialing', ['queued']) as readonly string[];
    const moved = await db.$queryRaw<Array<{ id: string }>>`
      UPDATE "DialRequest" r SET "status" = 'dialing', "tries" = h."tries" + 1, "attempts" = h."attempts", "currentCallId" = h."callId",
        "checkedAt" = NULL, "statusChangedAt" = now(), "updatedAt" = now()
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.tries)}::int[], ${rows.map((r) => r.attempts)}::int[], ${rows.map((r) => r.currentCallId)}::uuid[])
        AS h("id", "tries", "attempts", "callId")
      WHERE r."id" = h."id" AND r."tries" = h."tries" AND r."status"::text IN (${Prisma.join(from)})
      RETURNING r."id"`;
    return new Set(moved.map((m) => m.id));
  }

  /**
   * dialing → live at this try and call, returning the request's cancel mark as the move left it
   * (under the row lock), so the placer needs no read after; null if it did not move.
   */
  async goLive(db: Db, a: { id: string; tries: number; callId: string }): Promise<{ cancelRequestedAt: Date | null } | null> {
    const from = dialRequestSourcesOf('live', ['dialing']) as readonly string[];
    const [row] = await db.$queryRaw<Array<{ cancelRequestedAt: Date | null }>>`
      UPDATE "DialRequest" SET "status" = 'live', "statusChangedAt" = now(), "lastError" = NULL, "updatedAt" = now()
      WHERE "id" = ${a.id}::uuid AND "status"::text IN (${Prisma.join(from)}) AND "tries" = ${a.tries} AND "currentCallId" = ${a.callId}::uuid
      RETURNING "cancelRequestedAt"`;
    return row ?? null;
  }

  /** Marks a cancel that cannot finish at once: the request is never dialled or redialled again. */
  async requestCancel(id: string): Promise<boolean> {
    const n = await this.prisma.dialRequest.updateMany({
      where: { id, status: { in: [...DIAL_REQUEST_GROUPS.cancellableLater] } },
      data: { cancelRequestedAt: new Date() },
    });
    return n.count > 0;
  }

  /**
   * Claims up to `limit` of a tenant's requests that have held a slot (dialing/live) since before
   * `before` and were not looked at since: their checkedAt is set now, in one statement, so two
   * reapers never take the same request and none holds a transaction while it asks Retell.
   */
  claimStale(
    tenantId: string,
    before: Date,
    limit: number,
  ): Promise<Array<{ id: string; status: 'dialing' | 'live'; tries: number; currentCallId: string | null; cancelRequestedAt: Date | null }>> {
    const holding = DIAL_REQUEST_GROUPS.holdingSlot as readonly string[];
    return this.prisma.$queryRaw`
      UPDATE "DialRequest" SET "checkedAt" = now()
      WHERE "id" IN (
        SELECT "id" FROM "DialRequest"
        WHERE "tenantId" = ${tenantId}::uuid AND "status"::text IN (${Prisma.join(holding)})
          AND "statusChangedAt" < ${before} AND ("checkedAt" IS NULL OR "checkedAt" < ${before})
        ORDER BY "statusChangedAt" LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING "id", "status"::text AS "status", "tries", "currentCallId", "cancelRequestedAt"`;
  }

  /** The reaper asked Retell and found the call still under way. */
  async markChecked(id: string): Promise<void> {
    await this.prisma.dialRequest.updateMany({ where: { id }, data: { checkedAt: new Date() } });
  }

  // ── batches ────────────────────────────────────────────────────────────────────────────

  /** Every waiting request of a batch → cancelled at once; their current calls (to cancel if unplaced). */
  async cancelWaitingInBatch(db: Db, batchId: string): Promise<Array<{ id: string; currentCallId: string | null }>> {
    const from = dialRequestSourcesOf('cancelled', DIAL_REQUEST_GROUPS.cancellableAtOnce);
    return db.$queryRaw`
      UPDATE "DialRequest" SET "status" = 'cancelled', "statusChangedAt" = now(), "lastOutcome" = 'stopped', "updatedAt" = now()
      WHERE "batchId" = ${batchId}::uuid AND "status"::text IN (${Prisma.join(from)})
      RETURNING "id", "currentCallId"`;
  }

  async cancelBatch(db: Db, batchId: string): Promise<void> {
    await db.batch.updateMany({ where: { id: batchId, status: 'active' }, data: { status: 'cancelled', cancelledAt: new Date() } });
  }

  /**
   * An active batch whose requests are all final is completed. Run after the last move commits:
   * of two requests that end at once, the later commit sees both final.
   */
  async settleBatchOf(requestId: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "Batch" b SET "status" = 'completed', "completedAt" = now(), "updatedAt" = now()
      WHERE b."id" = (SELECT "batchId" FROM "DialRequest" WHERE "id" = ${requestId}::uuid) AND b."status" = 'active'
        AND NOT EXISTS (SELECT 1 FROM "DialRequest" r WHERE r."batchId" = b."id" AND r."status"::text NOT IN (${Prisma.join(FINAL)}))`;
  }

  /** The same for every active batch (the dialer's tick: nothing is left behind). */
  async settleAllBatches(): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE "Batch" b SET "status" = 'completed', "completedAt" = now(), "updatedAt" = now()
      WHERE b."status" = 'active'
        AND NOT EXISTS (SELECT 1 FROM "DialRequest" r WHERE r."batchId" = b."id" AND r."status"::text NOT IN (${Prisma.join(FINAL)}))`;
  }
}

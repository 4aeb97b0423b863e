import { Injectable, Logger, Optional } from '@nestjs/common';
import { CallRows } from '@retell-ops/call-records';
import { Prisma, PrismaService } from '@retell-ops/db';
import { DIAL_REQUEST_GROUPS, withinCallingWindow, type CallingWindow } from '@retell-ops/domain';
import { JOB_NAMES, PLACE_JOB_OPTIONS, placeJobId, QueueProducers, QUEUES, type PlaceJob } from '@retell-ops/queue';
import { LiveUpdates } from '@retell-ops/live-events';
import { metrics } from '@retell-ops/metrics';
import { withinCallingWindowSql } from './calling-window-sql';
import { DialRequestStore } from './dial-request-store';
import { TenantConcurrency } from './tenant-concurrency';

interface Eligible {
  id: string;
  attempts: number;
  tries: number;
  currentCallId: string | null;
  /** the current call was never placed (first attempt, or a try Retell refused with 429): it is reused */
  reusable: boolean;
  reusableAttempt: number | null;
  candidateId: string | null;
  agentId: string;
  fromNumber: string;
  toNumber: string;
  metadata: Prisma.JsonValue;
  dynamicVariables: Prisma.JsonValue;
}

const inList = (states: readonly string[]) => Prisma.join(states);

/**
 * Hands queued dial requests to the placer while slots are free: never more live calls than the
 * tenant's Retell concurrency nor a batch's maxConcurrent, high priority first, inside the batch's
 * calling window. The window and both caps are applied in the query, so requests that cannot go
 * now (another batch's window is closed, its cap is full) never take the place of ones that can.
 * One dispatcher per tenant at a time (advisory lock).
 */
@Injectable()
export class DialDispatcher {
  private readonly logger = new Logger('DialDispatcher');

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: DialRequestStore,
    private readonly concurrency: TenantConcurrency,
    private readonly producers: QueueProducers,
    // Optional so a test can build this without live events; the apps always provide it.
    @Optional() private readonly live?: LiveUpdates,
  ) {}

  /** Tenants with something due: queued, or scheduled / waiting to retry whose time has come. */
  async dueTenants(): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ tenantId: string }>>`
      SELECT DISTINCT r."tenantId" FROM "DialRequest" r JOIN "Tenant" t ON t."id" = r."tenantId"
      WHERE t."active" AND (r."status" = 'queued' OR (r."status"::text IN (${inList(DIAL_REQUEST_GROUPS.due)}) AND r."notBefore" <= now()))`;
    return rows.map((r) => r.tenantId);
  }

  /**
   * Hands out what may dial now. A deactivated tenant, or one outside its own calling window,
   * places nothing: its requests wait (nothing is cancelled or deleted).
   */
  async dispatch(tenantId: string): Promise<number> {
    const tenant = await this.prisma.tenant.findUnique({
      where: { id: tenantId },
      select: { active: true, callingWindowStart: true, callingWindowEnd: true, callingWindowTimeZone: true },
    });
    if (!tenant?.active || !withinCallingWindow(new Date(), tenantWindow(tenant))) return 0;
    const limit = await this.concurrency.limit(tenantId);
    const planned: string[] = [];
    const jobs = await this.prisma.$transaction(
      async (tx) => {
        const [{ locked }] = await tx.$queryRaw<
          Array<{ locked: boolean }>
        >`SELECT pg_try_advisory_xact_lock(hashtextextended(${`dial/${tenantId}`}, 0)) AS "locked"`;
        if (!locked) return [];
        await this.store.promoteDue(tx, tenantId);
        const [{ held }] = await tx.$queryRaw<Array<{ held: number }>>`
          SELECT count(*)::int AS "held" FROM "DialRequest" WHERE "tenantId" = ${tenantId}::uuid AND "status"::text IN (${inList(DIAL_REQUEST_GROUPS.holdingSlot)})`;
        metrics.liveCalls.set({ tenant: tenantId }, held);
        metrics.concurrencyLimit.set({ tenant: tenantId }, limit);
        const free = limit - held;
        if (free <= 0) return [];
        const eligible = await this.eligible(tx, tenantId, free);

        // Calls planned first (a retry's new attempt needs its row), then every hand-out in one statement.
        const handOuts: Array<{ r: Eligible; reuse: boolean; attempt: number; callId: string }> = [];
        for (const r of eligible) {
          const reuse = !!(r.reusable && r.currentCallId && r.reusableAttempt !== null);
          const attempt = reuse ? r.reusableAttempt! : r.attempts + 1;
          const callId = reuse
            ? r.currentCallId!
            : await CallRows.planAttempt(tx, {
                tenantId,
                dialRequestId: r.id,
                attempt,
                candidateId: r.candidateId,
                agentId: r.agentId,
                fromNumber: r.fromNumber,
                toNumber: r.toNumber,
                metadata: (r.metadata ?? undefined) as Prisma.InputJsonValue | undefined,
                dynamicVariables: (r.dynamicVariables ?? undefined) as Prisma.InputJsonValue | undefined,
                status: 'queued',
              });
          handOuts.push({ r, reuse, attempt, callId });
        }
        const moved = await this.store.handOutMany(
          tx,
          handOuts.map((h) => ({ id: h.r.id, tries: h.r.tries, attempts: h.attempt, currentCallId: h.callId })),
        );
        const jobs: PlaceJob[] = [];
        for (const h of handOuts) {
          if (!moved.has(h.r.id)) {
            // cancelled since it was read: the row planned for it is never placed
            if (!h.reuse) await CallRows.cancelUnplaced(tx, h.callId);
            continue;
          }
          if (!h.reuse) planned.push(h.callId);
          jobs.push({ tenantId, dialRequestId: h.r.id, callId: h.callId, attempt: h.attempt, try: h.r.tries + 1 });
        }
        return jobs;
      },
      { timeout: 30_000 },
    );

    // One round trip for the round's place jobs.
    if (jobs.length)
      await this.producers
        .queue(QUEUES.dialPlace)
        .addBulk(jobs.map((job) => ({ name: JOB_NAMES[QUEUES.dialPlace], data: job, opts: { jobId: placeJobId(job), ...PLACE_JOB_OPTIONS } })));
    if (jobs.length) this.logger.log(`tenant ${tenantId}: ${jobs.length} to dial (limit ${limit})`);
    await this.live?.dialRequests(
      tenantId,
      jobs.map((j) => j.dialRequestId),
    );
    await this.live?.calls(tenantId, planned);
    return jobs.length;
  }

  /**
   * Queued requests that may dial now, best first, at most `free`: outside a batch, or in an
   * active batch whose window is open and whose live calls leave room (ranked within the batch).
   */
  private eligible(tx: Prisma.TransactionClient, tenantId: string, free: number): Promise<Eligible[]> {
    const now = new Date();
    const open = withinCallingWindowSql(now, {
      start: Prisma.sql`b."windowStart"`,
      end: Prisma.sql`b."windowEnd"`,
      knownZone: Prisma.sql`CASE WHEN b."timeZone" IS NULL THEN 'UTC' ELSE z."name" END`,
    });
    return tx.$queryRaw<Eligible[]>`
      WITH batches AS (
        SELECT b."id", b."maxConcurrent", b."windowStart", b."windowEnd", b."timeZone",
          (SELECT count(*) FROM "DialRequest" x WHERE x."batchId" = b."id" AND x."status"::text IN (${inList(DIAL_REQUEST_GROUPS.holdingSlot)}))::int AS "held"
        FROM "Batch" b WHERE b."tenantId" = ${tenantId}::uuid AND b."status" = 'active'
          AND EXISTS (SELECT 1 FROM "DialRequest" q WHERE q."batchId" = b."id" AND q."status" = 'queued')
      ),
      -- read only when a batch has a window (the catalogue scan costs a few ms)
      zones AS (SELECT "name" FROM pg_timezone_names WHERE EXISTS (SELECT 1 FROM batches WHERE "windowStart" IS NOT NULL) AND "name" IN (SELECT "timeZone" FROM batches)),
      open_batches AS (
        SELECT b."id", b."maxConcurrent" - b."held" AS "room" FROM batches b LEFT JOIN zones z ON z."name" = b."timeZone"
        WHERE ${open} AND b."maxConcurrent" > b."held"
      ),
      ranked AS (
        SELECT r.*, row_number() OVER (PARTITION BY r."batchId" ORDER BY r."priority", r."notBefore", r."createdAt") AS "rank", ob."room"
        FROM "DialRequest" r LEFT JOIN open_batches ob ON ob."id" = r."batchId"
        WHERE r."tenantId" = ${tenantId}::uuid AND r."status" = 'queued' AND r."notBefore" <= now() AND r."cancelRequestedAt" IS NULL
          AND (r."batchId" IS NULL OR ob."id" IS NOT NULL)
      )
      SELECT r."id", r."attempts", r."tries", r."currentCallId", r."candidateId", r."agentId", r."fromNumber", r."toNumber", r."metadata", r."dynamicVariables",
        (c."id" IS NOT NULL AND c."retellCallId" IS NULL AND c."status"::text IN ('scheduled', 'queued')) AS "reusable", c."attempt" AS "reusableAttempt"
      FROM ranked r LEFT JOIN "Call" c ON c."id" = r."currentCallId"
      WHERE r."batchId" IS NULL OR r."rank" <= r."room"
      ORDER BY r."priority", r."notBefore", r."createdAt"
      LIMIT ${free}`;
  }
}

function tenantWindow(t: { callingWindowStart: number | null; callingWindowEnd: number | null; callingWindowTimeZone: string | null }): CallingWindow | null {
  return t.callingWindowStart === null || t.callingWindowEnd === null
    ? null
    : { start: t.callingWindowStart, end: t.callingWindowEnd, timeZone: t.callingWindowTimeZone ?? 'UTC' };
}

import { Injectable, Logger } from '@nestjs/common';
import { QueueProducers } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { withinCallingWindow } from '@retell-ops/domain';
import { PLACE_JOB, placeJobId, QUEUES, type PlaceJob } from '@retell-ops/queue-contracts';
import { TenantConcurrency } from './tenant-concurrency';

interface Eligible {
  id: string;
  batchId: string | null;
  attempts: number;
  maxConcurrent: number | null;
  windowStart: number | null;
  windowEnd: number | null;
  timeZone: string | null;
}

/** A request stuck in `dialing` this long without a live call gets its place job offered again (same id: no second dial). */
const STUCK_DIALING_MS = 15_000;

/**
 * Hands queued dial requests to the placer while slots are free: never more live calls than the
 * tenant's Retell concurrency nor a batch's maxConcurrent, high priority first, inside the
 * batch's calling window. One dispatcher per tenant at a time (advisory lock); requests that
 * do not fit simply stay queued.
 */
@Injectable()
export class DialDispatcher {
  private readonly logger = new Logger('DialDispatcher');

  constructor(
    private readonly prisma: PrismaService,
    private readonly concurrency: TenantConcurrency,
    private readonly producers: QueueProducers,
  ) {}

  /** Tenants with something due: queued, or scheduled / waiting to retry whose time has come, or stuck. */
  async dueTenants(): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ tenantId: string }>>`
      SELECT DISTINCT "tenantId" FROM "DialRequest"
      WHERE "status" = 'queued'
         OR ("status" IN ('scheduled', 'retry_wait') AND "notBefore" <= now())
         OR ("status" = 'dialing' AND "updatedAt" < now() - make_interval(secs => ${STUCK_DIALING_MS / 1000}))`;
    return rows.map((r) => r.tenantId);
  }

  async dispatch(tenantId: string): Promise<number> {
    const limit = await this.concurrency.limit(tenantId);
    const jobs = await this.prisma.$transaction(async (tx) => {
      const [{ locked }] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(hashtextextended(${`dial/${tenantId}`}, 0)) AS "locked"`;
      if (!locked) return [];
      await tx.$executeRaw`
        UPDATE "DialRequest" SET "status" = 'queued', "updatedAt" = now()
        WHERE "tenantId" = ${tenantId}::uuid AND "status" IN ('scheduled', 'retry_wait') AND "notBefore" <= now()`;

      const stuck = await tx.$queryRaw<PlaceJob[]>`
        SELECT r."tenantId", r."id" AS "dialRequestId", c."id" AS "callId", r."attempts" AS "attempt"
        FROM "DialRequest" r JOIN "Call" c ON c."dialRequestId" = r."id" AND c."attempt" = r."attempts"
        WHERE r."tenantId" = ${tenantId}::uuid AND r."status" = 'dialing' AND r."updatedAt" < now() - make_interval(secs => ${STUCK_DIALING_MS / 1000})`;

      const live = await tx.$queryRaw<Array<{ batchId: string | null; n: number }>>`
        SELECT "batchId", count(*)::int AS "n" FROM "DialRequest"
        WHERE "tenantId" = ${tenantId}::uuid AND "status" IN ('dialing', 'live') GROUP BY "batchId"`;
      let free = limit - live.reduce((sum, r) => sum + r.n, 0);
      if (free <= 0) return stuck;
      const liveInBatch = new Map(live.filter((r) => r.batchId).map((r) => [r.batchId as string, r.n]));

      const eligible = await tx.$queryRaw<Eligible[]>`
        SELECT r."id", r."batchId", r."attempts", b."maxConcurrent", b."windowStart", b."windowEnd", b."timeZone"
        FROM "DialRequest" r LEFT JOIN "Batch" b ON b."id" = r."batchId"
        WHERE r."tenantId" = ${tenantId}::uuid AND r."status" = 'queued' AND r."notBefore" <= now()
          AND (b."id" IS NULL OR b."status" = 'active')
        ORDER BY r."priority", r."notBefore", r."createdAt"
        LIMIT 1000
        FOR UPDATE OF r SKIP LOCKED`;

      const now = new Date();
      const jobs: PlaceJob[] = [...stuck];
      for (const r of eligible) {
        if (free <= 0) break;
        if (r.batchId) {
          const window = r.windowStart !== null && r.windowEnd !== null ? { start: r.windowStart, end: r.windowEnd, timeZone: r.timeZone ?? 'UTC' } : null;
          if (!withinCallingWindow(now, window)) continue;
          const inBatch = liveInBatch.get(r.batchId) ?? 0;
          if (r.maxConcurrent !== null && inBatch >= r.maxConcurrent) continue;
          liveInBatch.set(r.batchId, inBatch + 1);
        }
        free--;
        const attempt = r.attempts + 1;
        const request = await tx.dialRequest.update({ where: { id: r.id }, data: { status: 'dialing', attempts: attempt } });
        const existing = await tx.call.findFirst({ where: { dialRequestId: r.id, attempt }, select: { id: true } });
        const call =
          existing ??
          (await tx.call.create({
            data: {
              tenantId,
              dialRequestId: r.id,
              attempt,
              candidateId: request.candidateId,
              status: 'queued',
              direction: 'outbound',
              agentId: request.agentId,
              fromNumber: request.fromNumber,
              toNumber: request.toNumber,
              metadata: request.metadata ?? undefined,
              dynamicVariables: request.dynamicVariables ?? undefined,
            },
            select: { id: true },
          }));
        jobs.push({ tenantId, dialRequestId: r.id, callId: call.id, attempt });
      }
      return jobs;
    });

    const queue = this.producers.get<PlaceJob>(QUEUES.dialPlace);
    for (const job of jobs) {
      await queue.add(PLACE_JOB, job, { jobId: placeJobId(job), attempts: 1, removeOnComplete: { age: 24 * 3600 }, removeOnFail: false });
    }
    if (jobs.length) this.logger.log(`tenant ${tenantId}: ${jobs.length} to dial (limit ${limit})`);
    return jobs.length;
  }
}

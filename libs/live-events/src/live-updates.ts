import { Injectable, Logger } from '@nestjs/common';
import { Prisma, PrismaService } from '@retell-ops/db';
import { DIAL_REQUEST_GROUPS } from '@retell-ops/domain';
import { LiveEventPublisher } from './live-event-publisher';

/** What the call worker knows of a call it just recorded. */
export interface ChangedCall {
  id: string;
  tenantId: string;
  retellCallId: string | null;
  status: string;
  outcome: string | null;
  dialRequestId: string | null;
  candidateId: string | null;
}

const inList = (states: readonly string[]) => Prisma.join(states);

/**
 * A batch's progress is counted at most this often per process when its requests move: a campaign
 * moves hundreds of requests a second, and each count reads the whole batch. The last move in a
 * burst is still published (trailing), at most this much later.
 */
export const BATCH_PROGRESS_EVERY_MS = 500;

/**
 * Reads what changed, after its commit, and publishes it: call rows, dial requests and their
 * batch's progress. Reading the committed row (not what the caller meant to write) means a
 * concurrent change is never shown out of order as the latest. Never throws (see LiveEventPublisher).
 */
@Injectable()
export class LiveUpdates {
  private readonly logger = new Logger('LiveEvents');
  /** batches counted within the last BATCH_PROGRESS_EVERY_MS, and whether a move came since */
  private readonly progressHeld = new Map<string, { again: boolean }>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly publisher: LiveEventPublisher,
  ) {}

  /** A call row the caller just wrote and has in hand (its batch is read only for a placed call). */
  async callRecorded(call: ChangedCall): Promise<void> {
    await this.guard('call.updated', async () => {
      const batchId = call.dialRequestId
        ? ((await this.prisma.dialRequest.findUnique({ where: { id: call.dialRequestId }, select: { batchId: true } }))?.batchId ?? null)
        : null;
      await this.publisher.publish(call.tenantId, {
        type: 'call.updated',
        data: {
          id: call.id,
          callId: call.retellCallId,
          status: call.status,
          outcome: call.outcome,
          dialRequestId: call.dialRequestId,
          batchId,
          candidateId: call.candidateId,
        },
      });
    });
  }

  /** Call rows by the platform's ids, as committed. */
  async calls(tenantId: string, callIds: readonly string[]): Promise<void> {
    if (!callIds.length) return;
    await this.guard('call.updated', async () => {
      const rows = await this.prisma.call.findMany({
        where: { tenantId, id: { in: [...callIds] } },
        select: {
          id: true,
          retellCallId: true,
          status: true,
          outcome: true,
          dialRequestId: true,
          candidateId: true,
          dialRequest: { select: { batchId: true } },
        },
      });
      for (const c of rows) {
        await this.publisher.publish(tenantId, {
          type: 'call.updated',
          data: {
            id: c.id,
            callId: c.retellCallId,
            status: c.status,
            outcome: c.outcome,
            dialRequestId: c.dialRequestId,
            batchId: c.dialRequest?.batchId ?? null,
            candidateId: c.candidateId,
          },
        });
      }
    });
  }

  /** Dial requests as committed (`dial.updated` each), then each batch they belong to once (`batch.progress`). */
  async dialRequests(tenantId: string, requestIds: readonly string[]): Promise<void> {
    if (!requestIds.length) return;
    await this.guard('dial.updated', async () => {
      const rows = await this.prisma.dialRequest.findMany({
        where: { tenantId, id: { in: [...requestIds] } },
        select: { id: true, status: true, batchId: true, currentCallId: true },
      });
      for (const r of rows) {
        await this.publisher.publish(tenantId, {
          type: 'dial.updated',
          data: { dialRequestId: r.id, status: r.status, batchId: r.batchId, callId: r.currentCallId },
        });
      }
      for (const batchId of new Set(rows.flatMap((r) => (r.batchId ? [r.batchId] : [])))) await this.batchThrottled(tenantId, batchId);
    });
  }

  /** batch(), at most once per BATCH_PROGRESS_EVERY_MS per batch, the last call of a burst published when the time is up. */
  private async batchThrottled(tenantId: string, batchId: string): Promise<void> {
    const held = this.progressHeld.get(batchId);
    if (held) {
      held.again = true;
      return;
    }
    const state = { again: false };
    this.progressHeld.set(batchId, state);
    setTimeout(() => {
      this.progressHeld.delete(batchId);
      if (state.again) void this.batchThrottled(tenantId, batchId);
    }, BATCH_PROGRESS_EVERY_MS).unref();
    await this.batch(tenantId, batchId);
  }

  /** A batch's status and counts, in one query. */
  async batch(tenantId: string, batchId: string): Promise<void> {
    await this.guard('batch.progress', async () => {
      const [row] = await this.prisma.$queryRaw<
        Array<{ status: string; total: number; queued: number; live: number; completed: number; failed: number; canceled: number }>
      >`
        SELECT b."status"::text AS "status", count(r."id")::int AS "total",
          count(r."id") FILTER (WHERE r."status"::text IN (${inList(DIAL_REQUEST_GROUPS.waiting)}))::int AS "queued",
          count(r."id") FILTER (WHERE r."status"::text IN (${inList(DIAL_REQUEST_GROUPS.holdingSlot)}))::int AS "live",
          count(r."id") FILTER (WHERE r."status" = 'completed')::int AS "completed",
          count(r."id") FILTER (WHERE r."status" = 'failed')::int AS "failed",
          count(r."id") FILTER (WHERE r."status" = 'cancelled')::int AS "canceled"
        FROM "Batch" b LEFT JOIN "DialRequest" r ON r."batchId" = b."id"
        WHERE b."id" = ${batchId}::uuid AND b."tenantId" = ${tenantId}::uuid
        GROUP BY b."status"`;
      if (!row) return;
      const { status, total, ...counts } = row;
      await this.publisher.publish(tenantId, { type: 'batch.progress', data: { batchId, status, total, counts } });
    });
  }

  /** A candidate as committed. */
  async candidate(tenantId: string, candidateId: string): Promise<void> {
    await this.guard('candidate.updated', async () => {
      const c = await this.prisma.candidate.findFirst({ where: { id: candidateId, tenantId }, select: { status: true } });
      if (c) await this.publisher.publish(tenantId, { type: 'candidate.updated', data: { candidateId, status: c.status } });
    });
  }

  /** An interview row the caller just committed and has in hand. */
  async interview(tenantId: string, interview: { id: string; candidateId: string; status: string; scheduledAt: Date | null }): Promise<void> {
    await this.publisher.publish(tenantId, {
      type: 'interview.updated',
      data: { interviewId: interview.id, candidateId: interview.candidateId, status: interview.status, startsAt: interview.scheduledAt?.toISOString() ?? null },
    });
  }

  /** A read that fails (PostgreSQL down) loses the hint, never the caller's job. */
  private async guard(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (e) {
      this.logger.warn(`live ${what} not published: ${String((e as Error).message).slice(0, 200)}`);
    }
  }
}

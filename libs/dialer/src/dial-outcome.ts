import { Injectable, Logger } from '@nestjs/common';
import type { RecordedCall } from '@retell-ops/call-records';
import { PrismaService } from '@retell-ops/db';
import { DIAL_REQUEST_GROUPS, isTerminal, verdictAfterAttempt, type CallStatus, type DialRequestStatus } from '@retell-ops/domain';
import { metrics } from '@retell-ops/metrics';
import { DialRequestStore } from './dial-request-store';

/** After Retell had no free line (concurrency_limit_reached): dial again this soon, as a new try. */
const REQUEUE_AFTER_CONCURRENCY_MS = 3000;

/**
 * After a placed call ends: free its slot and decide the request's next step (redial after the
 * backoff, done, failed, cancelled). Only the end of the request's current call moves it, so
 * duplicates and late events of an older call change nothing. Returns whether a slot was freed
 * (the caller pokes the dialer).
 */
@Injectable()
export class DialOutcome {
  private readonly logger = new Logger('DialOutcome');

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: DialRequestStore,
  ) {}

  async afterCall(call: RecordedCall): Promise<boolean> {
    if (!call.dialRequestId || !isTerminal(call.status as CallStatus)) return false;
    const request = await this.prisma.dialRequest.findUnique({ where: { id: call.dialRequestId } });
    if (!request || request.currentCallId !== call.id || !(DIAL_REQUEST_GROUPS.holdingSlot as readonly string[]).includes(request.status)) return false;

    const verdict = verdictAfterAttempt(call.outcome, request.attempts, request.maxAttempts);
    // A request an admin cancelled is never dialled again; a conversation that happened still counts.
    const cancelled = request.cancelRequestedAt !== null && verdict !== 'completed';
    const guard = { from: DIAL_REQUEST_GROUPS.holdingSlot, currentCallId: call.id };
    let to: DialRequestStatus;
    let moved: boolean;
    if (cancelled) {
      to = 'cancelled';
      moved = await this.store.move(request.id, to, guard, { lastOutcome: call.outcome });
    } else if (verdict === 'retry') {
      to = 'retry_wait';
      moved = await this.store.move(request.id, to, guard, { lastOutcome: call.outcome, notBefore: new Date(Date.now() + request.retryBackoffSec * 1000) });
    } else if (verdict === 'requeue') {
      // Not an attempt: the next try gets a new call row, this one stays as it ended.
      to = 'retry_wait';
      moved = await this.store.move(request.id, to, guard, {
        lastOutcome: call.outcome,
        attempts: Math.max(0, request.attempts - 1),
        notBefore: new Date(Date.now() + REQUEUE_AFTER_CONCURRENCY_MS),
      });
    } else {
      to = verdict;
      moved = await this.store.move(request.id, to, guard, { lastOutcome: call.outcome });
    }
    if (moved) metrics.dialOutcomes.inc({ outcome: call.outcome ?? 'none', next: to });
    if (moved) this.logger.log(`request ${request.id} attempt ${request.attempts}: ${call.outcome} → ${to}`);
    return moved;
  }
}

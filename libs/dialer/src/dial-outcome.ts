import { Injectable, Logger } from '@nestjs/common';
import type { RecordedCall } from '@retell-ops/call-records';
import { PrismaService } from '@retell-ops/db';
import { isTerminal, verdictAfterAttempt, type CallStatus } from '@retell-ops/domain';

const REQUEUE_AFTER_CONCURRENCY_MS = 3000;

/**
 * After a placed call ends: free its slot and decide the request's next step (redial after the
 * backoff, done, failed). Guarded by the attempt number, so duplicates and late events of an
 * older attempt change nothing. Returns whether a slot was freed (the caller pokes the dialer).
 */
@Injectable()
export class DialOutcome {
  private readonly logger = new Logger('DialOutcome');

  constructor(private readonly prisma: PrismaService) {}

  async afterCall(call: RecordedCall): Promise<boolean> {
    if (!call.dialRequestId || !isTerminal(call.status as CallStatus)) return false;
    const row = await this.prisma.call.findUnique({ where: { id: call.id }, select: { attempt: true } });
    const request = await this.prisma.dialRequest.findUnique({ where: { id: call.dialRequestId } });
    if (!row?.attempt || !request || request.attempts !== row.attempt || !['live', 'dialing'].includes(request.status)) return false;

    const verdict = verdictAfterAttempt(call.outcome, request.attempts, request.maxAttempts);
    const data =
      verdict === 'retry'
        ? { status: 'retry_wait' as const, notBefore: new Date(Date.now() + request.retryBackoffSec * 1000) }
        : verdict === 'requeue'
          ? { status: 'retry_wait' as const, attempts: request.attempts - 1, notBefore: new Date(Date.now() + REQUEUE_AFTER_CONCURRENCY_MS) }
          : { status: verdict };
    const moved = await this.prisma.dialRequest.updateMany({
      where: { id: request.id, attempts: row.attempt, status: { in: ['live', 'dialing'] } },
      data: { ...data, lastOutcome: call.outcome },
    });
    if (moved.count) this.logger.log(`request ${request.id} attempt ${row.attempt}: ${call.outcome} → ${verdict}`);
    return moved.count > 0;
  }
}

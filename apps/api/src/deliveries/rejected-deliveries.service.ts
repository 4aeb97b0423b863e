import { Injectable } from '@nestjs/common';
import { readRejectionCounts, readRejections, rejectedKeys, type RejectedRow, type RejectionCounts } from '@retell-ops/queue';
import { InvalidInputError } from '@retell-ops/domain';
import { QueueInspector } from '../operations/queue-inspector';

export interface RejectedPage {
  scope: 'tenant' | 'platform';
  data: RejectedRow[];
  nextCursor: string | null;
  /** Platform-wide counters by "<status> <error>" (the platform operator only) */
  counts?: RejectionCounts;
}

const STREAM_ID = /^\d{1,16}-\d{1,10}$/;

/** Reads the bounded rejected-deliveries log the gateway writes (libs/queue rejected-deliveries.ts). */
@Injectable()
export class RejectedDeliveries {
  constructor(private readonly inspector: QueueInspector) {}

  /** A tenant's refused deliveries (those whose tenant the gateway could tell), newest first. */
  async forTenant(tenantId: string, q: { limit?: number; cursor?: string }): Promise<RejectedPage> {
    const { rows, next } = await readRejections(this.inspector.connection, rejectedKeys.tenant(this.inspector.prefix, tenantId), this.page(q));
    return { scope: 'tenant', data: rows, nextCursor: next };
  }

  /**
   * The platform operator's view: the counters of every refusal, and the rows of those no tenant
   * could be told for (or, with `tenantId`, that tenant's rows).
   */
  async forPlatform(q: { limit?: number; cursor?: string; tenantId?: string }): Promise<RejectedPage> {
    const prefix = this.inspector.prefix;
    const key = q.tenantId ? rejectedKeys.tenant(prefix, q.tenantId) : rejectedKeys.platform(prefix);
    const [{ rows, next }, counts] = await Promise.all([
      readRejections(this.inspector.connection, key, this.page(q)),
      readRejectionCounts(this.inspector.connection, prefix),
    ]);
    return { scope: 'platform', data: rows, nextCursor: next, counts };
  }

  private page(q: { limit?: number; cursor?: string }): { limit: number; before?: string } {
    if (q.cursor !== undefined && !STREAM_ID.test(q.cursor)) throw new InvalidInputError('cursor is not one this API issued', { field: 'cursor' });
    return { limit: q.limit ?? 50, before: q.cursor };
  }
}

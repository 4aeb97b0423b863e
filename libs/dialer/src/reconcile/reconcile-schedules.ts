import { Injectable, Logger } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { PrismaService } from '@retell-ops/db';
import { QueueProducers, QUEUES, RECONCILE_JOB, RECONCILE_JOB_OPTIONS, reconcileSchedulerId } from '@retell-ops/queue';

/**
 * One BullMQ job scheduler per active tenant on the reconcile queue, every RECONCILE_INTERVAL_MS
 * (0: none, and any left are removed). The scheduler id is the tenant's (`reconcile.<tenant>`), so
 * however many worker replicas upsert it, Redis holds one scheduler and makes one job per
 * interval, which one worker takes. Tenants added or deactivated later are picked up by the next
 * `sync` (the call worker runs one every minute).
 */
@Injectable()
export class ReconcileSchedules {
  private readonly logger = new Logger('Reconcile');

  constructor(
    private readonly env: AppEnv,
    private readonly prisma: PrismaService,
    private readonly producers: QueueProducers,
  ) {}

  /** Brings the schedulers in line with the active tenants; returns the tenants now scheduled. */
  async sync(): Promise<string[]> {
    const queue = this.producers.queue(QUEUES.reconcile);
    const every = this.env.RECONCILE_INTERVAL_MS;
    const tenants = every > 0 ? (await this.prisma.tenant.findMany({ where: { active: true }, select: { id: true } })).map((t) => t.id) : [];
    const wanted = new Set(tenants.map(reconcileSchedulerId));
    const existing = await queue.getJobSchedulers(0, -1);
    for (const s of existing) {
      if (s.key.startsWith('reconcile.') && !wanted.has(s.key)) await queue.removeJobScheduler(s.key);
    }
    const current = new Map(existing.map((s) => [s.key, s.every]));
    let added = 0;
    for (const tenantId of tenants) {
      const id = reconcileSchedulerId(tenantId);
      // Upserting an unchanged scheduler again would move its next run: only new or changed ones are written.
      if (Number(current.get(id)) === every) continue;
      // BullMQ types the scheduler id as the job name type; any string is a valid id.
      await queue.upsertJobScheduler(id as typeof RECONCILE_JOB, { every }, { name: RECONCILE_JOB, data: { tenantId }, opts: RECONCILE_JOB_OPTIONS });
      added++;
    }
    if (added) this.logger.log(`reconciliation every ${every} ms for ${added} more tenant(s) (${tenants.length} in all)`);
    return tenants;
  }
}

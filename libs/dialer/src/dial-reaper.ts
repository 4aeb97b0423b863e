import { Injectable, Logger, Optional } from '@nestjs/common';
import Retell from 'retell-sdk';
import { CallRows, Calls } from '@retell-ops/call-records';
import { AppEnv } from '@retell-ops/config';
import { Prisma, PrismaService } from '@retell-ops/db';
import { DIAL_REQUEST_GROUPS } from '@retell-ops/domain';
import { placeJobId, QueueProducers, QUEUES } from '@retell-ops/queue';
import { LiveUpdates } from '@retell-ops/live-events';
import type { RetellCall } from '@retell-ops/retell';
import { DialOutcome } from './dial-outcome';
import { DialRequestStore } from './dial-request-store';
import { DispatchTrigger } from './dispatch-trigger';
import { PlaceCall } from './place-call';
import { RetellClients } from './retell-clients';

interface Stale {
  id: string;
  status: 'dialing' | 'live';
  tries: number;
  currentCallId: string | null;
  cancelRequestedAt: Date | null;
  retellCallId: string | null;
}

export type Settlement = 'ended' | 'still_live' | 'unknown_to_retell' | 'linked' | 'handed_out_again' | 'cancelled' | 'job_pending' | 'unchanged';

/** Stale requests looked at per tenant per pass. */
const PER_PASS = 50;
const PENDING_JOB_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const ENDED_STATUSES = new Set(['ended', 'not_connected', 'error']);

/**
 * Settles dial requests left holding a slot (dialing or live) longer than DIAL_STALE_MS, from
 * what Retell says: a call that ended is recorded as the call_ended delivery Retell would have
 * sent (a lost webhook), so the request's outcome runs and the slot frees; a call still under
 * way is looked at again later; a call Retell does not know fails the request. A request still
 * dialing with no Retell call is linked to the call Retell has for it, or handed out again as a
 * new try. Requests are claimed one statement at a time (see DialRequestStore.claimStale), so
 * reapers in several dialer processes never settle one request twice.
 */
@Injectable()
export class DialReaper {
  private readonly logger = new Logger('DialReaper');

  constructor(
    private readonly env: AppEnv,
    private readonly prisma: PrismaService,
    private readonly store: DialRequestStore,
    private readonly calls: Calls,
    private readonly outcome: DialOutcome,
    private readonly clients: RetellClients,
    private readonly place: PlaceCall,
    private readonly producers: QueueProducers,
    private readonly dispatch: DispatchTrigger,
    // Optional so a test can build this without live events; the apps always provide it.
    @Optional() private readonly live?: LiveUpdates,
  ) {}

  private staleBefore(): Date {
    return new Date(Date.now() - this.env.DIAL_STALE_MS);
  }

  async staleTenants(): Promise<string[]> {
    const before = this.staleBefore();
    const rows = await this.prisma.$queryRaw<Array<{ tenantId: string }>>`
      SELECT DISTINCT "tenantId" FROM "DialRequest"
      WHERE "status"::text IN (${Prisma.join(DIAL_REQUEST_GROUPS.holdingSlot)}) AND "statusChangedAt" < ${before}
        AND ("checkedAt" IS NULL OR "checkedAt" < ${before})`;
    return rows.map((r) => r.tenantId);
  }

  async reap(tenantId: string): Promise<number> {
    const claimed = await this.store.claimStale(tenantId, this.staleBefore(), PER_PASS);
    if (!claimed.length) return 0;
    const calls = await this.prisma.call.findMany({
      where: { id: { in: claimed.flatMap((r) => (r.currentCallId ? [r.currentCallId] : [])) } },
      select: { id: true, retellCallId: true },
    });
    const retellIds = new Map(calls.map((c) => [c.id, c.retellCallId]));
    let settled = 0;
    for (const claim of claimed) {
      const r: Stale = { ...claim, retellCallId: (claim.currentCallId && retellIds.get(claim.currentCallId)) || null };
      try {
        const result = await this.settle(tenantId, r);
        this.logger.log(`request ${r.id} (${r.status}, try ${r.tries}${r.retellCallId ? `, ${r.retellCallId}` : ''}) held a slot too long: ${result}`);
        if (result !== 'still_live' && result !== 'job_pending' && result !== 'unchanged') settled++;
        if (result !== 'job_pending' && result !== 'unchanged') {
          await this.live?.dialRequests(tenantId, [r.id]);
          if (r.currentCallId) await this.live?.calls(tenantId, [r.currentCallId]);
        }
      } catch (e) {
        this.logger.warn(`request ${r.id}: could not settle (${(e as Error).message}); looked at again after DIAL_STALE_MS`);
      }
    }
    if (settled) await this.dispatch.poke(tenantId);
    return settled;
  }

  private async settle(tenantId: string, r: Stale): Promise<Settlement> {
    const client = await this.clients.forTenant(tenantId);
    if (r.retellCallId) return this.settleFromRetell(tenantId, r, client, r.retellCallId);
    if (!r.currentCallId) return 'unchanged';

    // Dialing and Retell's id never came back: the place job may still be at work.
    const job = await this.producers.queue(QUEUES.dialPlace).getJob(placeJobId({ dialRequestId: r.id, try: r.tries }));
    if (job && PENDING_JOB_STATES.has(await job.getState())) {
      await this.store.markChecked(r.id);
      return 'job_pending';
    }
    const placed = await this.place.findPlaced(client, r.currentCallId);
    if (placed) {
      await CallRows.linkRetellCall(this.prisma, r.currentCallId, placed);
      await this.store.move(r.id, 'live', { from: ['dialing'], tries: r.tries, currentCallId: r.currentCallId });
      return 'linked';
    }
    if (r.cancelRequestedAt) {
      await CallRows.cancelUnplaced(this.prisma, r.currentCallId);
      return (await this.store.move(r.id, 'cancelled', { from: ['dialing'], tries: r.tries }, { lastOutcome: 'stopped' })) ? 'cancelled' : 'unchanged';
    }
    const again = await this.store.move(
      r.id,
      'queued',
      { from: ['dialing'], tries: r.tries },
      { lastError: 'Retell had no call for this try; handed out again' },
    );
    return again ? 'handed_out_again' : 'unchanged';
  }

  private async settleFromRetell(tenantId: string, r: Stale, client: Retell, retellCallId: string): Promise<Settlement> {
    let call: RetellCall;
    try {
      call = (await client.call.retrieve(retellCallId)) as unknown as RetellCall;
    } catch (e) {
      if (e instanceof Retell.APIError && e.status === 422) {
        await CallRows.markDialFailed(this.prisma, r.currentCallId!);
        await this.store.move(
          r.id,
          'failed',
          { currentCallId: r.currentCallId! },
          { lastOutcome: 'error', lastError: `Retell does not know call ${retellCallId} (get-call 422)` },
        );
        return 'unknown_to_retell';
      }
      throw e;
    }
    if (!ENDED_STATUSES.has(call.call_status ?? '')) {
      // Retell has it (a webhook linked it, the placer did not get to): it holds its slot as live.
      if (r.status === 'dialing') await this.store.move(r.id, 'live', { from: ['dialing'], tries: r.tries, currentCallId: r.currentCallId! });
      await this.store.markChecked(r.id);
      return 'still_live';
    }
    const recorded = await this.calls.recordEndedFromRetell(tenantId, call);
    const moved = await this.outcome.afterCall(recorded);
    return moved ? 'ended' : 'unchanged';
  }
}

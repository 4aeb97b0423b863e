import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import Retell from 'retell-sdk';
import { CallRows, PLACED_CALL_ID_KEY } from '@retell-ops/call-records';
import { PrismaService } from '@retell-ops/db';
import type { PlaceJob } from '@retell-ops/queue';
import { LiveUpdates } from '@retell-ops/live-events';
import { metrics } from '@retell-ops/metrics';
import { DialRequestStore } from './dial-request-store';
import { DispatchTrigger } from './dispatch-trigger';
import { LiveBatch } from './live-batch';
import { RetellClients } from './retell-clients';
import { retryAfterMs } from './retry-after';
import { stopAtRetell } from './stop-call';

interface PlacingRow {
  id: string;
  status: string;
  tries: number;
  currentCallId: string | null;
  cancelRequestedAt: Date | null;
  fromNumber: string;
  toNumber: string;
  agentId: string;
  metadata: unknown;
  dynamicVariables: unknown;
  retellCallId: string | null;
  callExists: boolean;
}

export type PlaceResult = 'placed' | 'linked' | 'skipped' | 'cancelled' | 'requeued' | 'failed';

/**
 * Creates one try's call at Retell, once. The job is never retried; if it was started before
 * (its worker died mid-create), Retell is asked first whether the call already exists, by the
 * platform's call id in the metadata, so a person is never dialled twice for one attempt. It acts
 * only while its try is the request's current one and the request is still dialing.
 */
@Injectable()
export class PlaceCall implements OnModuleDestroy {
  private readonly logger = new Logger('PlaceCall');
  private readonly liveBatch: LiveBatch;

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: DialRequestStore,
    private readonly clients: RetellClients,
    private readonly dispatch: DispatchTrigger,
    // Optional so a test can build this without live events; the apps always provide it.
    @Optional() live?: LiveUpdates,
  ) {
    this.liveBatch = new LiveBatch(live);
  }

  async onModuleDestroy(): Promise<void> {
    await this.liveBatch.flush();
  }

  async execute(job: PlaceJob, options: { rerun?: boolean } = {}): Promise<PlaceResult> {
    const result = await this.place(job, options);
    metrics.dialPlaceResults.inc({ result });
    if (result !== 'skipped') this.liveBatch.add(job.tenantId, job.dialRequestId, job.callId);
    return result;
  }

  private async place(job: PlaceJob, { rerun = false }: { rerun?: boolean }): Promise<PlaceResult> {
    const request = await this.placing(job);
    if (!request || !request.callExists || request.status !== 'dialing' || request.tries !== job.try || request.currentCallId !== job.callId) return 'skipped';
    if (request.retellCallId) return this.markLive(job, request.retellCallId, 'linked');
    const client = await this.clients.forTenant(job.tenantId);
    if (rerun) {
      const existing = await this.findPlaced(client, job.callId);
      if (existing) return this.markLive(job, existing, 'linked');
    }
    // Cancelled before the create: nothing is placed.
    if (request.cancelRequestedAt) return this.cancelUnplaced(job);
    try {
      const created = await client.call.createPhoneCall({
        from_number: request.fromNumber,
        to_number: request.toNumber,
        override_agent_id: request.agentId,
        metadata: { ...((request.metadata as Record<string, unknown> | null) ?? {}), [PLACED_CALL_ID_KEY]: job.callId, rops_dial_request_id: request.id },
        retell_llm_dynamic_variables: request.dynamicVariables as Record<string, string>,
      });
      return this.markLive(job, created.call_id, 'placed');
    } catch (e) {
      return this.onCreateError(job, client, e);
    }
  }

  private async cancelUnplaced(job: PlaceJob): Promise<'cancelled'> {
    await CallRows.cancelUnplaced(this.prisma, job.callId);
    await this.store.move(job.dialRequestId, 'cancelled', { from: ['dialing'], tries: job.try }, { lastOutcome: 'stopped' });
    this.logger.log(`request ${job.dialRequestId}: cancelled before its call was created`);
    await this.dispatch.poke(job.tenantId);
    return 'cancelled';
  }

  private async onCreateError(job: PlaceJob, client: Retell, e: unknown): Promise<PlaceResult> {
    const status = e instanceof Retell.APIError ? e.status : undefined;
    const message = (e as Error).message;
    if (status === 429) {
      // Retell made no call: the same attempt goes again as a new try once Retell's wait is over.
      const waitMs = retryAfterMs((e as InstanceType<typeof Retell.APIError>).headers);
      await this.store.move(
        job.dialRequestId,
        'queued',
        { from: ['dialing'], tries: job.try },
        { notBefore: new Date(Date.now() + waitMs), lastError: `Retell: ${message}`.slice(0, 500) },
      );
      this.logger.warn(`request ${job.dialRequestId} try ${job.try}: Retell rate-limited the create; again in ${waitMs} ms`);
      return 'requeued';
    }
    // A timeout or 5xx may have created the call anyway: look before declaring it failed.
    if (status === undefined || status >= 500) {
      const existing = await this.findPlaced(client, job.callId).catch(() => undefined);
      if (existing) return this.markLive(job, existing, 'linked');
    }
    await CallRows.markDialFailed(this.prisma, job.callId);
    await this.store.move(
      job.dialRequestId,
      'failed',
      { from: ['dialing'], tries: job.try },
      { lastOutcome: 'dial_failed', lastError: `Retell refused the call${status ? ` (${status})` : ''}: ${message}`.slice(0, 500) },
    );
    this.logger.warn(`request ${job.dialRequestId} attempt ${job.attempt}: create failed (${status ?? 'no answer'}): ${message}`);
    await this.dispatch.poke(job.tenantId);
    return 'failed';
  }

  private async markLive(job: PlaceJob, retellCallId: string, result: 'placed' | 'linked'): Promise<PlaceResult> {
    await CallRows.linkRetellCall(this.prisma, job.callId, retellCallId);
    const moved = await this.store.goLive(this.prisma, { id: job.dialRequestId, tries: job.try, callId: job.callId });
    // A cancel that came while the call was being created is finished now that Retell has it.
    // The move returns the cancel mark under the row lock; only a request that did not move is read again.
    const after = moved
      ? { cancelRequestedAt: moved.cancelRequestedAt, tries: job.try, currentCallId: job.callId }
      : await this.prisma.dialRequest.findUnique({ where: { id: job.dialRequestId }, select: { cancelRequestedAt: true, tries: true, currentCallId: true } });
    if (after?.cancelRequestedAt && after.currentCallId === job.callId) {
      await stopAtRetell(await this.clients.forTenant(job.tenantId), retellCallId, this.logger);
      this.logger.log(`request ${job.dialRequestId}: cancelled while its call was created; stopped ${retellCallId}`);
    } else if (!moved && after && after.tries !== job.try) {
      this.logger.warn(`request ${job.dialRequestId}: try ${job.try} created ${retellCallId} after a newer try began`);
    }
    return result;
  }

  /** The request and its call as the placer needs them, in one round trip. */
  private async placing(job: PlaceJob): Promise<PlacingRow | undefined> {
    const [row] = await this.prisma.$queryRaw<PlacingRow[]>`
      SELECT r."id", r."status"::text AS "status", r."tries", r."currentCallId", r."cancelRequestedAt", r."fromNumber", r."toNumber", r."agentId",
        r."metadata", r."dynamicVariables", c."retellCallId", (c."id" IS NOT NULL) AS "callExists"
      FROM "DialRequest" r LEFT JOIN "Call" c ON c."id" = ${job.callId}::uuid
      WHERE r."id" = ${job.dialRequestId}::uuid`;
    return row;
  }

  /** Retell's id for the call the platform placed as `callId`, if Retell has it. */
  async findPlaced(client: Retell, callId: string): Promise<string | undefined> {
    const page = await client.call.list({ filter_criteria: { metadata: [{ key: PLACED_CALL_ID_KEY, type: 'string', op: 'eq', value: callId }] }, limit: 1 });
    return page.items[0]?.call_id;
  }
}

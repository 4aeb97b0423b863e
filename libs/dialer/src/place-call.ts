import { Injectable, Logger } from '@nestjs/common';
import Retell from 'retell-sdk';
import { PLACED_CALL_ID_KEY } from '@retell-ops/call-records';
import { PrismaService } from '@retell-ops/db';
import type { PlaceJob } from '@retell-ops/queue-contracts';
import { DispatchTrigger } from './dispatch-trigger';
import { RetellClients } from './retell-clients';

const REQUEUE_AFTER_RATE_LIMIT_MS = 5000;

/**
 * Creates one attempt's call at Retell, once. The job is never retried; if it was started before
 * (its worker died mid-create), Retell is asked first whether the call already exists, by the
 * platform's call id in the metadata, so a person is never dialled twice for one attempt.
 */
@Injectable()
export class PlaceCall {
  private readonly logger = new Logger('PlaceCall');

  constructor(
    private readonly prisma: PrismaService,
    private readonly clients: RetellClients,
    private readonly dispatch: DispatchTrigger,
  ) {}

  async execute(job: PlaceJob, { rerun = false } = {}): Promise<'placed' | 'linked' | 'skipped' | 'requeued' | 'failed'> {
    const request = await this.prisma.dialRequest.findUnique({ where: { id: job.dialRequestId } });
    const call = await this.prisma.call.findUnique({ where: { id: job.callId }, select: { id: true, retellCallId: true } });
    if (!request || !call || request.status !== 'dialing' || request.attempts !== job.attempt) return 'skipped';
    if (call.retellCallId) return this.markLive(job, call.retellCallId, 'linked');

    const client = await this.clients.forTenant(job.tenantId);
    if (rerun) {
      const existing = await this.findPlaced(client, job.callId);
      if (existing) return this.markLive(job, existing, 'linked');
    }
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

  private async onCreateError(job: PlaceJob, client: Retell, e: unknown): Promise<'requeued' | 'failed' | 'linked' | 'placed'> {
    const status = e instanceof Retell.APIError ? e.status : undefined;
    const message = (e as Error).message;
    if (status === 429) {
      await this.prisma.dialRequest.updateMany({
        where: { id: job.dialRequestId, status: 'dialing', attempts: job.attempt },
        data: { status: 'queued', attempts: job.attempt - 1, notBefore: new Date(Date.now() + REQUEUE_AFTER_RATE_LIMIT_MS), lastError: `Retell: ${message}` },
      });
      this.logger.warn(`request ${job.dialRequestId}: Retell rate-limited the create; queued again`);
      return 'requeued';
    }
    // A timeout or 5xx may have created the call anyway: look before declaring it failed.
    if (status === undefined || status >= 500) {
      const existing = await this.findPlaced(client, job.callId).catch(() => undefined);
      if (existing) return this.markLive(job, existing, 'linked');
    }
    await this.prisma.$transaction([
      this.prisma.call.update({ where: { id: job.callId }, data: { status: 'failed', outcome: 'dial_failed' } }),
      this.prisma.dialRequest.updateMany({
        where: { id: job.dialRequestId, status: 'dialing', attempts: job.attempt },
        data: { status: 'failed', lastOutcome: 'dial_failed', lastError: `Retell refused the call${status ? ` (${status})` : ''}: ${message}` },
      }),
    ]);
    this.logger.warn(`request ${job.dialRequestId} attempt ${job.attempt}: create failed (${status ?? 'no answer'}): ${message}`);
    await this.dispatch.poke(job.tenantId);
    return 'failed';
  }

  private async markLive(job: PlaceJob, retellCallId: string, result: 'placed' | 'linked'): Promise<'placed' | 'linked'> {
    await this.prisma.$transaction([
      this.prisma.$executeRaw`
        UPDATE "Call" SET "retellCallId" = ${retellCallId},
          "status" = CASE WHEN "status" IN ('scheduled', 'queued') THEN 'initiated'::"CallStatus" ELSE "status" END,
          "updatedAt" = now()
        WHERE "id" = ${job.callId}::uuid AND ("retellCallId" IS NULL OR "retellCallId" = ${retellCallId})`,
      this.prisma.dialRequest.updateMany({ where: { id: job.dialRequestId, status: 'dialing', attempts: job.attempt }, data: { status: 'live', lastError: null } }),
    ]);
    return result;
  }

  /** Retell's id for the call the platform placed as `callId`, if Retell has it. */
  private async findPlaced(client: Retell, callId: string): Promise<string | undefined> {
    const page = await client.call.list({ filter_criteria: { metadata: [{ key: PLACED_CALL_ID_KEY, type: 'string', op: 'eq', value: callId }] }, limit: 1 });
    return page.items[0]?.call_id;
  }
}


import { Injectable } from '@nestjs/common';
import Retell from 'retell-sdk';
import { Prisma, PrismaService, type DialRequest } from '@retell-ops/db';
import { DispatchTrigger } from './dispatch-trigger';
import { RetellClients } from './retell-clients';

export type DialPriority = 'high' | 'normal' | 'low';

export interface DialInput {
  /** Default: the candidate's phone */
  toNumber?: string;
  agentId?: string;
  fromNumber?: string;
  dynamicVariables?: Record<string, string>;
  metadata?: Record<string, unknown>;
  candidateId?: string;
  scheduledAt?: Date;
  priority?: DialPriority;
  maxAttempts?: number;
  retryBackoffSec?: number;
}

export interface BatchInput {
  name?: string;
  agentId?: string;
  fromNumber?: string;
  maxConcurrent: number;
  window?: { start: number; end: number; timeZone: string };
  scheduledAt?: Date;
  priority?: DialPriority;
  maxAttempts?: number;
  retryBackoffSec?: number;
  targets: Array<Omit<DialInput, 'scheduledAt' | 'priority' | 'maxAttempts' | 'retryBackoffSec'>>;
}

export class DialInputError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

type Tx = Prisma.TransactionClient;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Dial requests as admins create and cancel them. Each request gets its first call row at once
 * (scheduled or queued), so the API can show it; the dialer takes it from there.
 */
@Injectable()
export class DialRequests {
  constructor(
    private readonly prisma: PrismaService,
    private readonly dispatch: DispatchTrigger,
    private readonly clients: RetellClients,
  ) {}

  async create(tenantId: string, input: DialInput): Promise<{ request: DialRequest; callId: string }> {
    const created = await this.prisma.$transaction(async (tx) => this.createIn(tx, tenantId, input, undefined));
    await this.dispatch.poke(tenantId);
    return created;
  }

  async createBatch(tenantId: string, input: BatchInput): Promise<{ batchId: string; requests: number }> {
    const batchId = await this.prisma.$transaction(
      async (tx) => {
        const batch = await tx.batch.create({
          data: { tenantId, name: input.name, maxConcurrent: input.maxConcurrent, windowStart: input.window?.start, windowEnd: input.window?.end, timeZone: input.window?.timeZone },
        });
        for (const t of input.targets) {
          await this.createIn(tx, tenantId, { agentId: input.agentId, fromNumber: input.fromNumber, ...t, scheduledAt: input.scheduledAt, priority: input.priority, maxAttempts: input.maxAttempts, retryBackoffSec: input.retryBackoffSec }, batch.id);
        }
        return batch.id;
      },
      { timeout: 60_000 },
    );
    await this.dispatch.poke(tenantId);
    return { batchId, requests: input.targets.length };
  }

  /**
   * Cancels what has not started; a live call is stopped at Retell (its call_ended then closes
   * the request as cancelled).
   */
  async cancelCall(tenantId: string, callRef: string): Promise<'cancelled' | 'stopping' | 'final'> {
    const uuid = UUID.test(callRef);
    const call = await this.prisma.call.findFirst({ where: { tenantId, OR: [{ retellCallId: callRef }, ...(uuid ? [{ id: callRef }] : [])] } });
    if (!call) throw new DialInputError('not_found', `no call '${callRef}'`);
    if (['completed', 'failed', 'cancelled'].includes(call.status)) return 'final';
    if (!call.retellCallId) {
      const done = await this.prisma.$transaction(async (tx) => {
        const moved = call.dialRequestId
          ? await tx.dialRequest.updateMany({ where: { id: call.dialRequestId, status: { in: ['scheduled', 'queued', 'retry_wait'] } }, data: { status: 'cancelled' } })
          : { count: 1 };
        if (moved.count) await tx.call.update({ where: { id: call.id }, data: { status: 'cancelled', outcome: 'stopped' } });
        return moved.count > 0;
      });
      if (done) return 'cancelled';
    }
    const fresh = await this.prisma.call.findUniqueOrThrow({ where: { id: call.id }, select: { retellCallId: true } });
    if (!fresh.retellCallId) return 'stopping'; // being created right now: the stop follows once Retell has it
    try {
      await (await this.clients.forTenant(tenantId)).call.stop(fresh.retellCallId);
    } catch (e) {
      // 422: Retell no longer has it live; the call is ending on its own.
      if (!(e instanceof Retell.APIError && e.status === 422)) throw e;
    }
    return 'stopping';
  }

  async cancelBatch(tenantId: string, batchId: string): Promise<{ cancelled: number }> {
    const batch = await this.prisma.batch.findFirst({ where: { id: batchId, tenantId } });
    if (!batch) throw new DialInputError('not_found', `no batch '${batchId}'`);
    return this.prisma.$transaction(async (tx) => {
      await tx.batch.update({ where: { id: batchId }, data: { status: 'cancelled', cancelledAt: new Date() } });
      const pending = await tx.dialRequest.findMany({ where: { batchId, status: { in: ['scheduled', 'queued', 'retry_wait'] } }, select: { id: true } });
      const ids = pending.map((p) => p.id);
      await tx.dialRequest.updateMany({ where: { id: { in: ids } }, data: { status: 'cancelled' } });
      await tx.call.updateMany({ where: { dialRequestId: { in: ids }, retellCallId: null, status: { in: ['scheduled', 'queued'] } }, data: { status: 'cancelled', outcome: 'stopped' } });
      return { cancelled: ids.length };
    });
  }

  private async createIn(tx: Tx, tenantId: string, input: DialInput, batchId: string | undefined): Promise<{ request: DialRequest; callId: string }> {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const agentId = input.agentId ?? tenant.defaultAgentId;
    const fromNumber = input.fromNumber ?? tenant.defaultFromNumber;
    if (!agentId) throw new DialInputError('invalid', 'agentId is required: the tenant has no default agent');
    if (!fromNumber) throw new DialInputError('invalid', 'fromNumber is required: the tenant has no default number');
    const agent = await tx.agent.findUnique({ where: { retellAgentId: agentId }, select: { tenantId: true } });
    if (!agent || agent.tenantId !== tenantId) throw new DialInputError('invalid', `unknown agent '${agentId}' (register it with POST /api/v1/agents)`);

    const ref = input.candidateId;
    const candidate = ref ? await tx.candidate.findFirst({ where: { tenantId, OR: [...(UUID.test(ref) ? [{ id: ref }] : []), { externalId: ref }] } }) : null;
    if (input.candidateId && !candidate) throw new DialInputError('invalid', `unknown candidate '${input.candidateId}'`);
    // Candidate and tenant fields first, the caller's own values winning; every value a string (RETELL.md: dynamic variables).
    const dynamicVariables: Record<string, string> = {
      company_name: tenant.name,
      ...(candidate
        ? Object.fromEntries(
            Object.entries({
              candidate_id: candidate.externalId ?? candidate.id,
              first_name: candidate.firstName,
              last_name: candidate.lastName,
              candidate_name: [candidate.firstName, candidate.lastName].filter(Boolean).join(' '),
              email: candidate.email,
              position: candidate.positionApplied,
              candidate_timezone: candidate.timeZone,
            }).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
          )
        : {}),
      ...(input.dynamicVariables ?? {}),
    };
    const toNumber = input.toNumber ?? candidate?.phone;
    if (!toNumber) throw new DialInputError('invalid', input.candidateId ? `candidate '${input.candidateId}' has no phone number` : 'toNumber is required');
    const metadata = { ...(candidate ? { candidate_id: candidate.id } : {}), ...(input.metadata ?? {}) };
    const scheduled = input.scheduledAt && input.scheduledAt.getTime() > Date.now();
    const request = await tx.dialRequest.create({
      data: {
        tenantId,
        batchId,
        candidateId: candidate?.id,
        toNumber,
        fromNumber,
        agentId,
        dynamicVariables,
        metadata: metadata as Prisma.InputJsonValue,
        priority: input.priority ?? 'normal',
        status: scheduled ? 'scheduled' : 'queued',
        scheduledAt: input.scheduledAt,
        notBefore: input.scheduledAt ?? new Date(),
        maxAttempts: input.maxAttempts ?? 1,
        retryBackoffSec: input.retryBackoffSec ?? 300,
      },
    });
    const call = await tx.call.create({
      data: {
        tenantId,
        dialRequestId: request.id,
        attempt: 1,
        candidateId: candidate?.id,
        status: scheduled ? 'scheduled' : 'queued',
        direction: 'outbound',
        agentId,
        fromNumber,
        toNumber,
        metadata: metadata as Prisma.InputJsonValue,
        dynamicVariables,
        occurredAt: input.scheduledAt ?? new Date(),
      },
      select: { id: true },
    });
    return { request, callId: call.id };
  }
}

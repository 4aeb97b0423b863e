import { Injectable, Logger, Optional } from '@nestjs/common';
import { CallRows } from '@retell-ops/call-records';
import { Prisma, PrismaService, type DialRequest } from '@retell-ops/db';
import {
  cancelPlanFor,
  ConflictError,
  DIAL_REQUEST_GROUPS,
  InvalidInputError,
  isTerminal,
  isUuid,
  NotFoundError,
  type Actor,
  type CallStatus,
  type DialRequestStatus,
  ForbiddenError,
} from '@retell-ops/domain';
import { LiveUpdates } from '@retell-ops/live-events';
import { DialRequestStore } from './dial-request-store';
import { DispatchTrigger } from './dispatch-trigger';
import { RetellClients } from './retell-clients';
import { stopAtRetell } from './stop-call';

export const TENANT_INACTIVE = 'this tenant is deactivated: no call is placed until the platform operator activates it again';

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
  /** Who asked for it (kept on the request: the API's "createdBy") */
  createdBy?: Actor;
}

/** The createdBy columns of a DialRequest or Batch. */
function createdByColumns(actor: Actor | undefined) {
  return actor ? { createdByType: actor.type, createdById: actor.id, createdByLabel: actor.label } : {};
}

/**
 * What a cancel did: `cancelled` now (nothing was placed), `stopping` (the call is being created or
 * is live: it is stopped at Retell and its end closes the request as cancelled; it is never
 * dialled again), `final` (the request had already ended).
 */
export type CancelResult = 'cancelled' | 'stopping' | 'final';

type Tx = Prisma.TransactionClient;

/**
 * Dial requests as admins create and cancel them. Each request gets its first call row at once
 * (scheduled or queued), so the API can show it; the dialer takes it from there.
 */
@Injectable()
export class DialRequests {
  private readonly logger = new Logger('DialRequests');

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: DialRequestStore,
    private readonly dispatch: DispatchTrigger,
    private readonly clients: RetellClients,
    // Optional so a test can build this without live events; the apps always provide it.
    @Optional() private readonly live?: LiveUpdates,
  ) {}

  async create(tenantId: string, input: DialInput): Promise<{ request: DialRequest; callId: string }> {
    const created = await this.prisma.$transaction(async (tx) => this.createIn(tx, tenantId, input));
    await this.live?.dialRequests(tenantId, [created.request.id]);
    await this.live?.calls(tenantId, [created.callId]);
    await this.dispatch.poke(tenantId);
    return created;
  }

  /**
   * Cancels the request a call belongs to, in whatever state it is (any of its attempts' call
   * ids names it). A call the platform did not place is stopped at Retell if it is live.
   */
  async cancelCall(tenantId: string, callRef: string): Promise<CancelResult> {
    const call = await this.prisma.call.findFirst({ where: { tenantId, OR: [{ retellCallId: callRef }, ...(isUuid(callRef) ? [{ id: callRef }] : [])] } });
    if (!call) throw new NotFoundError(`no call '${callRef}'`);
    if (!call.dialRequestId) {
      if (isTerminal(call.status as CallStatus) || !call.retellCallId) return 'final';
      await stopAtRetell(await this.clients.forTenant(tenantId), call.retellCallId, this.logger);
      return 'stopping';
    }
    return this.cancelRequest(tenantId, call.dialRequestId);
  }

  async cancelBatch(tenantId: string, batchId: string): Promise<{ cancelled: number }> {
    const batch = await this.prisma.batch.findFirst({ where: { id: batchId, tenantId } });
    if (!batch) throw new NotFoundError(`no batch '${batchId}'`);
    const waiting = await this.prisma.$transaction(
      async (tx) => {
        await this.store.cancelBatch(tx, batchId);
        const rows = await this.store.cancelWaitingInBatch(tx, batchId);
        await CallRows.cancelUnplacedMany(
          tx,
          rows.flatMap((r) => (r.currentCallId ? [r.currentCallId] : [])),
        );
        return rows.length;
      },
      { timeout: 60_000 },
    );
    // Those being dialled or live: stopped one by one (a request handed out meanwhile is among them).
    const open = await this.prisma.dialRequest.findMany({ where: { batchId, status: { notIn: [...DIAL_REQUEST_GROUPS.final] } }, select: { id: true } });
    let cancelled = waiting;
    for (const r of open) if ((await this.cancelRequest(tenantId, r.id)) === 'cancelled') cancelled++;
    await this.live?.batch(tenantId, batchId);
    this.logger.log(`batch ${batchId}: cancelled (${cancelled} at once, ${open.length} being stopped or cancelled one by one)`);
    return { cancelled };
  }

  private async cancelRequest(tenantId: string, requestId: string): Promise<CancelResult> {
    // A request moves while it is cancelled (the dispatcher hands it out): look again, a few times.
    for (let round = 0; round < 5; round++) {
      const request = await this.prisma.dialRequest.findUniqueOrThrow({ where: { id: requestId } });
      const plan = cancelPlanFor(request.status as DialRequestStatus);
      if (plan === 'already_final') return 'final';
      if (plan === 'cancel_now') {
        const done = await this.prisma.$transaction(async (tx) => {
          const moved = await this.store.move(
            requestId,
            'cancelled',
            { from: [request.status as DialRequestStatus], tries: request.tries },
            { lastOutcome: 'stopped' },
            tx,
          );
          if (moved && request.currentCallId) await CallRows.cancelUnplaced(tx, request.currentCallId);
          return moved;
        });
        if (!done) continue;
        await this.store.settleBatchOf(requestId);
        await this.live?.dialRequests(tenantId, [requestId]);
        if (request.currentCallId) await this.live?.calls(tenantId, [request.currentCallId]);
        this.logger.log(`request ${requestId}: cancelled (${request.status})`);
        return 'cancelled';
      }
      // dialing or live: never dialled again; the call is stopped once Retell has it
      if (!(await this.store.requestCancel(requestId))) continue;
      const current = request.currentCallId
        ? await this.prisma.call.findUnique({ where: { id: request.currentCallId }, select: { retellCallId: true } })
        : null;
      if (current?.retellCallId) await stopAtRetell(await this.clients.forTenant(tenantId), current.retellCallId, this.logger);
      this.logger.log(
        `request ${requestId}: cancel requested (${request.status}${current?.retellCallId ? `, stopped ${current.retellCallId}` : ', before its call exists'})`,
      );
      return 'stopping';
    }
    throw new ConflictError(`request ${requestId} kept changing while it was cancelled; try again`);
  }

  private async createIn(tx: Tx, tenantId: string, input: DialInput): Promise<{ request: DialRequest; callId: string }> {
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    if (!tenant.active) throw new ForbiddenError(TENANT_INACTIVE, { code: 'tenant_inactive' });
    const agentId = input.agentId ?? tenant.defaultAgentId;
    const fromNumber = input.fromNumber ?? tenant.defaultFromNumber;
    if (!agentId) throw new InvalidInputError('agentId is required: the tenant has no default agent');
    if (!fromNumber) throw new InvalidInputError('fromNumber is required: the tenant has no default number');
    const agent = await tx.agent.findUnique({ where: { retellAgentId: agentId }, select: { tenantId: true } });
    if (!agent || agent.tenantId !== tenantId) throw new InvalidInputError(`unknown agent '${agentId}' (register it with POST /api/v1/agents)`);

    const ref = input.candidateId;
    const candidate = ref ? await tx.candidate.findFirst({ where: { tenantId, OR: [...(isUuid(ref) ? [{ id: ref }] : []), { externalId: ref }] } }) : null;
    if (input.candidateId && !candidate) throw new InvalidInputError(`unknown candidate '${input.candidateId}'`);
    // Candidate and tenant fields first, the caller's own values winning; every value a string (Retell's dynamic variables are strings only).
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
    if (!toNumber) throw new InvalidInputError(input.candidateId ? `candidate '${input.candidateId}' has no phone number` : 'toNumber is required');
    const metadata = { ...(candidate ? { candidate_id: candidate.id } : {}), ...(input.metadata ?? {}) } as Prisma.InputJsonValue;
    const scheduled = input.scheduledAt && input.scheduledAt.getTime() > Date.now();
    const status = scheduled ? 'scheduled' : 'queued';
    const request = await this.store.create(tx, {
      tenantId,
      candidateId: candidate?.id,
      toNumber,
      fromNumber,
      agentId,
      dynamicVariables,
      metadata,
      priority: input.priority ?? 'normal',
      status,
      scheduledAt: input.scheduledAt,
      notBefore: input.scheduledAt ?? new Date(),
      maxAttempts: input.maxAttempts ?? 1,
      retryBackoffSec: input.retryBackoffSec ?? 300,
      ...createdByColumns(input.createdBy),
    });
    const callId = await CallRows.planAttempt(tx, {
      tenantId,
      dialRequestId: request.id,
      attempt: 1,
      candidateId: candidate?.id ?? null,
      agentId,
      fromNumber,
      toNumber,
      metadata,
      dynamicVariables,
      status,
      occurredAt: input.scheduledAt ?? new Date(),
    });
    await this.store.setFirstCall(tx, request.id, callId);
    return { request: { ...request, currentCallId: callId }, callId };
  }
}

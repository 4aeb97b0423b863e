import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@retell-ops/db';
import { InvalidInputError, isUuid, NotFoundError } from '@retell-ops/domain';
import { ToolInvocations } from '@retell-ops/recruiting';
import { keysetPage, readCursor, rowsToFetch } from '../common/keyset-page';
import { CALL_CREATED_BY, CallPage, CallResource } from './call.resource';
import type { ListCallsQuery } from './list-calls.query';
import { ToolCallList, ToolCallResource } from './tool-call.resource';

@Injectable()
export class CallsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly toolInvocations: ToolInvocations,
  ) {}

  async list(tenantId: string, q: ListCallsQuery): Promise<CallPage> {
    const cursor = readCursor(q.cursor);
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from >= to) throw new InvalidInputError('from must be before to', { field: 'from' });

    const where: Prisma.CallWhereInput = {
      tenantId,
      status: q.status,
      outcome: q.outcome,
      agentId: q.agentId,
      ...(q.batchId ? { dialRequest: isUuid(q.batchId) ? { batchId: q.batchId } : { id: { in: [] } } } : {}),
      occurredAt: from || to ? { gte: from, lt: to } : undefined,
      ...(q.phone ? { AND: [{ OR: [{ toNumber: { contains: q.phone } }, { fromNumber: { contains: q.phone } }] }] } : {}),
      ...(cursor ? { OR: [{ occurredAt: { lt: cursor.at } }, { occurredAt: cursor.at, id: { lt: cursor.id } }] } : {}),
    };
    const rows = await this.prisma.call.findMany({ where, include: CALL_CREATED_BY, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take: rowsToFetch(q) });
    return keysetPage(rows, q, (c) => ({ at: c.occurredAt, id: c.id }), CallResource.from);
  }

  async get(tenantId: string, callId: string): Promise<CallResource> {
    const ours = isUuid(callId);
    const call = await this.prisma.call.findFirst({
      where: { tenantId, OR: [{ retellCallId: callId }, ...(ours ? [{ id: callId }] : [])] },
      include: CALL_CREATED_BY,
    });
    if (!call) throw new NotFoundError(`no call '${callId}'`);
    return CallResource.from(call);
  }

  /** Tool calls can come before the call is recorded: a Retell call id with no call row yet still lists its own. */
  async toolCalls(tenantId: string, callId: string): Promise<ToolCallList> {
    const call = await this.prisma.call.findFirst({
      where: { tenantId, OR: [{ retellCallId: callId }, ...(isUuid(callId) ? [{ id: callId }] : [])] },
      select: { retellCallId: true },
    });
    const retellCallId = call ? call.retellCallId : callId.length <= 128 ? callId : null;
    const rows = retellCallId ? await this.toolInvocations.forCall(tenantId, retellCallId) : [];
    if (!call && !rows.length) throw new NotFoundError(`no call '${callId.slice(0, 128)}'`);
    return { data: rows.map(ToolCallResource.from) };
  }
}

import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { Prisma, PrismaService } from '@retell-ops/db';
import { CallPage, CallResource } from './call.resource';
import { decodeCursor, encodeCursor } from './cursor';
import type { ListCallsQuery } from './list-calls.query';
import { isUuid } from '@retell-ops/domain';

@Injectable()
export class CallsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, q: ListCallsQuery): Promise<CallPage> {
    const limit = q.limit ?? 50;
    const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && !cursor) throw new BadRequestException('cursor is not one this API issued');
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from >= to) throw new BadRequestException('from must be before to');

    const where: Prisma.CallWhereInput = {
      tenantId,
      status: q.status,
      outcome: q.outcome,
      agentId: q.agentId,
      occurredAt: from || to ? { gte: from, lt: to } : undefined,
      ...(q.phone ? { AND: [{ OR: [{ toNumber: { contains: q.phone } }, { fromNumber: { contains: q.phone } }] }] } : {}),
      ...(cursor
        ? { OR: [{ occurredAt: { lt: cursor.occurredAt } }, { occurredAt: cursor.occurredAt, id: { lt: cursor.id } }] }
        : {}),
    };
    const rows = await this.prisma.call.findMany({ where, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { data: page.map(CallResource.from), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async get(tenantId: string, callId: string): Promise<CallResource> {
    const ours = isUuid(callId);
    const call = await this.prisma.call.findFirst({ where: { tenantId, OR: [{ retellCallId: callId }, ...(ours ? [{ id: callId }] : [])] } });
    if (!call) throw new NotFoundException(`no call '${callId}'`);
    return CallResource.from(call);
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import { isUuid, NotFoundError } from '@retell-ops/domain';
import { keysetPage, readCursor, rowsToFetch } from '../common/keyset-page';
import { CALL_CREATED_BY, CallPage, CallResource } from './call.resource';
import { callFilterOf, callPageIdsSql, FEW_TEXT_MATCHES, textMatchesSql } from './call-query';
import type { ListCallsQuery } from './list-calls.query';
import { ToolCallList, ToolCallResource } from './tool-call.resource';

@Injectable()
export class CallsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, q: ListCallsQuery): Promise<CallPage> {
    const cursor = readCursor(q.cursor);
    const filter = callFilterOf(q);
    if (filter.q) {
      const [{ n }] = await this.prisma.$queryRaw<Array<{ n: number }>>(textMatchesSql(tenantId, filter.q));
      filter.qMatchesFew = n <= FEW_TEXT_MATCHES;
    }
    // The page's ids from the indexed query, then its rows (with who created them) by primary key.
    const ids = (await this.prisma.$queryRaw<Array<{ id: string }>>(callPageIdsSql(tenantId, filter, cursor, rowsToFetch(q)))).map((r) => r.id);
    const found = ids.length ? await this.prisma.call.findMany({ where: { tenantId, id: { in: ids } }, include: CALL_CREATED_BY }) : [];
    const byId = new Map(found.map((c) => [c.id, c]));
    const rows = ids.flatMap((id) => byId.get(id) ?? []);
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
    // Oldest first, at most 200 (the gateway records them: ToolInvocations in libs/recruiting).
    const rows = retellCallId
      ? await this.prisma.toolInvocation.findMany({
          where: { tenantId, retellCallId },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          take: 200,
          select: { id: true, tool: true, args: true, result: true, ok: true, durationMs: true, createdAt: true },
        })
      : [];
    if (!call && !rows.length) throw new NotFoundError(`no call '${callId.slice(0, 128)}'`);
    return { data: rows.map(ToolCallResource.from) };
  }
}

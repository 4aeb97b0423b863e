import { Injectable } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import { isUuid, NotFoundError } from '@retell-ops/domain';
import { keysetPage, readCursor, rowsToFetch } from '../common/keyset-page';
import { CALL_CREATED_BY, CallPage, CallResource } from './call.resource';
import { callFilterOf, callPageIdsSql } from './call-query';
import type { ListCallsQuery } from './list-calls.query';

@Injectable()
export class CallsService {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, q: ListCallsQuery): Promise<CallPage> {
    const cursor = readCursor(q.cursor);
    const filter = callFilterOf(q);
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
}

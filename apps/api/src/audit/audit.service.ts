import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type AuditLog } from '@retell-ops/db';
import { InvalidInputError } from '@retell-ops/domain';
import { keysetPage, readCursor, rowsToFetch } from '../common/keyset-page';
import type { AuditEntryResource, AuditPage, ListAuditQuery } from './audit.dto';

export function auditEntryResource(r: AuditLog): AuditEntryResource {
  return {
    id: r.id,
    actor: { type: r.actorType, id: r.actorId, label: r.actorLabel },
    action: r.action,
    target: r.targetType ? { type: r.targetType, id: r.targetId } : null,
    summary: r.summary,
    status: r.status,
    method: r.method,
    route: r.route,
    ip: r.ip,
    requestId: r.requestId,
    at: r.createdAt.toISOString(),
  };
}

/** The tenant's audit log, newest first, filtered, keyset-paged. Read only: rows are never changed. */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, q: ListAuditQuery): Promise<AuditPage> {
    const cursor = readCursor(q.cursor);
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from >= to) throw new InvalidInputError('from must be before to', { field: 'from' });
    const where: Prisma.AuditLogWhereInput = {
      tenantId,
      actorType: q.actorType,
      actorId: q.actorId,
      action: q.action === undefined ? undefined : q.action.endsWith('.') ? { startsWith: q.action } : q.action,
      targetType: q.targetType,
      targetId: q.targetId,
      status: q.status,
      createdAt: from || to ? { gte: from, lt: to } : undefined,
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {}),
    };
    const rows = await this.prisma.auditLog.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: rowsToFetch(q) });
    return keysetPage(rows, q, (r) => ({ at: r.createdAt, id: r.id }), auditEntryResource);
  }
}

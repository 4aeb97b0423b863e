import { Injectable } from '@nestjs/common';
import { PrismaService } from '@retell-ops/db';
import type { Principal } from '../auth/principal';

export type ActionKind = 'retry' | 'replay';

export interface ActionRecord {
  kind: ActionKind;
  queue: string;
  jobId: string;
  result: string;
  stateBefore?: string | null;
  deliveryId?: string;
  bulkId?: string;
}

export interface JobActionView {
  id: string;
  kind: ActionKind;
  queue: string;
  jobId: string;
  deliveryId: string | null;
  result: string;
  stateBefore: string | null;
  bulkId: string | null;
  apiKeyId: string | null;
  userId: string | null;
  role: string;
  createdAt: string;
}

/** The one writer of JobAction: every retry and replay an operator asks for, with who, when and what came of it. */
@Injectable()
export class JobActions {
  constructor(private readonly prisma: PrismaService) {}

  async record(p: Principal, a: ActionRecord): Promise<string> {
    const row = await this.prisma.jobAction.create({ data: this.row(p, a), select: { id: true } });
    return row.id;
  }

  async recordMany(p: Principal, actions: ActionRecord[]): Promise<void> {
    if (actions.length) await this.prisma.jobAction.createMany({ data: actions.map((a) => this.row(p, a)) });
  }

  async list(tenantId: string, where: { jobIds?: string[]; deliveryId?: string; before?: { at: Date; id: string } }, take: number): Promise<JobActionView[]> {
    const rows = await this.prisma.jobAction.findMany({
      where: {
        tenantId,
        AND: [
          ...(where.jobIds || where.deliveryId
            ? [{ OR: [...(where.jobIds ? [{ jobId: { in: where.jobIds } }] : []), ...(where.deliveryId ? [{ deliveryId: where.deliveryId }] : [])] }]
            : []),
          ...(where.before ? [{ OR: [{ createdAt: { lt: where.before.at } }, { createdAt: where.before.at, id: { lt: where.before.id } }] }] : []),
        ],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      queue: r.queue,
      jobId: r.jobId,
      deliveryId: r.deliveryId,
      result: r.result,
      stateBefore: r.stateBefore,
      bulkId: r.bulkId,
      apiKeyId: r.apiKeyId,
      userId: r.userId,
      role: r.role,
      createdAt: r.createdAt.toISOString(),
    }));
  }

  private row(p: Principal, a: ActionRecord) {
    return {
      tenantId: p.tenantId,
      kind: a.kind,
      queue: a.queue,
      jobId: a.jobId,
      deliveryId: a.deliveryId ?? null,
      result: a.result,
      stateBefore: a.stateBefore ?? null,
      bulkId: a.bulkId ?? null,
      apiKeyId: p.apiKeyId || null,
      userId: p.userId ?? null,
      role: p.role,
    };
  }
}

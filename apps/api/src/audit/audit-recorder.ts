import { Injectable, Logger } from '@nestjs/common';
import { Prisma, PrismaService } from '@retell-ops/db';
import type { Actor } from '@retell-ops/domain';

export interface AuditEntry {
  tenantId: string | null;
  actor: Actor;
  action: string;
  targetType: string | null;
  targetId: string | null;
  summary: Record<string, unknown> | null;
  status: number;
  method: string;
  route: string;
  ip: string | null;
  requestId: string | null;
}

/** At most one warning per this many ms when rows cannot be written (the rest are counted). */
const WARN_EVERY_MS = 10_000;

/**
 * Appends rows to the AuditLog. A write that fails is logged (bounded: one line per 10 s, with how
 * many failed meanwhile) and swallowed: the change the request made stands and its answer is sent.
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('Audit');
  private lastWarn = 0;
  private failedSinceWarn = 0;

  constructor(private readonly prisma: PrismaService) {}

  async append(e: AuditEntry): Promise<boolean> {
    try {
      await this.prisma.auditLog.create({
        data: {
          tenantId: e.tenantId,
          actorType: e.actor.type,
          actorId: e.actor.id.slice(0, 200),
          actorLabel: e.actor.label.slice(0, 300),
          action: e.action.slice(0, 200),
          targetType: e.targetType?.slice(0, 100) ?? null,
          targetId: e.targetId?.slice(0, 200) ?? null,
          summary: e.summary === null ? Prisma.DbNull : (e.summary as Prisma.InputJsonValue),
          status: e.status,
          method: e.method,
          route: e.route.slice(0, 300),
          ip: e.ip?.slice(0, 100) ?? null,
          requestId: e.requestId?.slice(0, 100) ?? null,
        },
      });
      return true;
    } catch (err) {
      this.failed(e, err);
      return false;
    }
  }

  private failed(e: AuditEntry, err: unknown): void {
    this.failedSinceWarn++;
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    const reason = String(err instanceof Error ? err.message : err)
      .split('\n')[0]
      .slice(0, 200);
    this.logger.warn(`could not write audit rows (${this.failedSinceWarn} since the last warning; latest ${e.action} status ${e.status}): ${reason}`);
    this.lastWarn = now;
    this.failedSinceWarn = 0;
  }
}

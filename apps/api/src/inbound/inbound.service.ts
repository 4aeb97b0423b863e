import { Injectable } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { Prisma, PrismaService } from '@retell-ops/db';
import { InvalidInputError, NotFoundError, parseInboundRules, type InboundRules } from '@retell-ops/domain';
import { readInboundDecisions } from '@retell-ops/queue';
import { platformWebhookBase } from '../agents/agents.service';
import { QueueInspector } from '../operations/queue-inspector';
import type { InboundDecisionPage, InboundRulesResource } from './inbound.dto';

const STREAM_ID = /^\d{1,16}-\d{1,10}$/;

/** A tenant's inbound-call rules (the gateway reads them, cached) and the log of its recent inbound decisions. */
@Injectable()
export class InboundService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: AppEnv,
    private readonly inspector: QueueInspector,
  ) {}

  async rules(tenantId: string): Promise<InboundRulesResource> {
    const [tenant, row] = await Promise.all([
      this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { slug: true } }),
      this.prisma.inboundRules.findUnique({ where: { tenantId } }),
    ]);
    if (!tenant) throw new NotFoundError('the tenant of this API key no longer exists');
    const checked = parseInboundRules(row?.rules ?? null);
    return this.resource(tenant.slug, checked.ok ? checked.rules : { blockedNumbers: [], agentRules: [] }, row?.updatedAt ?? null);
  }

  async replaceRules(tenantId: string, body: unknown): Promise<InboundRulesResource> {
    const checked = parseInboundRules(body);
    if (!checked.ok) throw new InvalidInputError(checked.reason, { field: checked.reason.split(/[.[:\s]/)[0] });
    const tenant = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { slug: true } });
    if (!tenant) throw new NotFoundError('the tenant of this API key no longer exists');
    const rules = checked.rules as unknown as Prisma.InputJsonValue;
    const row = await this.prisma.inboundRules.upsert({ where: { tenantId }, create: { tenantId, rules }, update: { rules } });
    return this.resource(tenant.slug, checked.rules, row.updatedAt);
  }

  async decisions(tenantId: string, q: { limit?: number; cursor?: string }): Promise<InboundDecisionPage> {
    if (q.cursor !== undefined && !STREAM_ID.test(q.cursor))
      throw new InvalidInputError('cursor must be the nextCursor of a previous page', { field: 'cursor' });
    const { rows, next } = await readInboundDecisions(this.inspector.connection, this.inspector.prefix, tenantId, { limit: q.limit ?? 50, before: q.cursor });
    return { data: rows, nextCursor: next };
  }

  private resource(slug: string, rules: InboundRules, updatedAt: Date | null): InboundRulesResource {
    return { ...rules, updatedAt: updatedAt?.toISOString() ?? null, inboundWebhookUrl: `${platformWebhookBase(this.env)}/webhooks/retell/inbound/${slug}` };
  }
}

import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@retell-ops/domain';
import { Prisma, type Agent } from './generated/prisma/client';
import { PrismaService } from './prisma.service';
import { isUniqueViolation } from './unique-violation';

/** What a tenant's admins may see of its settings: the Retell key only as "is one stored". */
export interface TenantSettingsView {
  id: string;
  name: string;
  slug: string;
  defaultAgentId: string | null;
  defaultFromNumber: string | null;
  retellBaseUrl: string | null;
  hasRetellApiKey: boolean;
}

/**
 * A tenant's own settings and the Retell agents registered to it. An agent id belongs to one
 * tenant at most: the gateway routes `/webhooks/retell` deliveries by it.
 */
@Injectable()
export class TenantSettings {
  constructor(private readonly prisma: PrismaService) {}

  async view(tenantId: string): Promise<TenantSettingsView> {
    const t = await this.prisma.tenant.findUnique({ where: { id: tenantId } });
    if (!t) throw new NotFoundError('the tenant of this API key no longer exists');
    return {
      id: t.id,
      name: t.name,
      slug: t.slug,
      defaultAgentId: t.defaultAgentId,
      defaultFromNumber: t.defaultFromNumber,
      retellBaseUrl: t.retellBaseUrl,
      hasRetellApiKey: !!t.retellApiKeyEnc,
    };
  }

  agents(tenantId: string): Promise<Agent[]> {
    return this.prisma.agent.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' } });
  }

  /**
   * Connects the agent to the tenant, or refreshes it when the tenant has it already (a name left
   * out keeps the old one; `details` are what Retell's get-agent answered). An agent connected to
   * another tenant is a conflict, also when both connect it at once: the loser of the insert race
   * reads the winner's row. An agent another tenant disconnected is taken over (its row moves; the
   * calls of the old tenant stay with it).
   */
  async registerAgent(tenantId: string, agent: { retellAgentId: string; name?: string; details?: AgentDetails }): Promise<Agent> {
    const data = { ...(agent.name === undefined ? {} : { name: agent.name }), ...(agent.details ? agentDetailsData(agent.details) : {}) };
    for (let attempt = 0; ; attempt++) {
      const existing = await this.prisma.agent.findUnique({ where: { retellAgentId: agent.retellAgentId } });
      if (existing) {
        if (existing.tenantId !== tenantId && existing.disconnectedAt === null)
          throw new ConflictError(`agent '${agent.retellAgentId}' belongs to another tenant`, { code: 'agent_of_another_tenant' });
        if (existing.tenantId === tenantId && existing.disconnectedAt === null && !Object.keys(data).length) return existing;
        // Conditional, so a take-over never wins against another tenant's connect in between.
        const moved = await this.prisma.agent.updateMany({
          where: { id: existing.id, OR: [{ tenantId }, { disconnectedAt: { not: null } }] },
          data: { ...data, tenantId, disconnectedAt: null },
        });
        if (moved.count === 1) return this.prisma.agent.findUniqueOrThrow({ where: { id: existing.id } });
        if (attempt > 2) throw new ConflictError(`agent '${agent.retellAgentId}' belongs to another tenant`, { code: 'agent_of_another_tenant' });
        continue;
      }
      try {
        return await this.prisma.agent.create({ data: { tenantId, retellAgentId: agent.retellAgentId, ...data } });
      } catch (e) {
        if (!isUniqueViolation(e) || attempt > 2) throw e;
      }
    }
  }
}

/** What Retell's get-agent answered about an agent, as the platform keeps it. */
export interface AgentDetails {
  name: string | null;
  voiceId: string | null;
  language: string | null;
  version: number | null;
  llmId: string | null;
  webhookUrl: string | null;
  postCallAnalysis: unknown;
  syncedAt: Date;
}

/** The Agent columns for what Retell answered. */
export function agentDetailsData(d: AgentDetails) {
  return {
    ...(d.name !== null ? { name: d.name } : {}),
    voiceId: d.voiceId,
    language: d.language,
    version: d.version,
    llmId: d.llmId,
    webhookUrl: d.webhookUrl,
    postCallAnalysis: (d.postCallAnalysis ?? Prisma.DbNull) as Prisma.InputJsonValue,
    syncedAt: d.syncedAt,
  };
}

import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@retell-ops/domain';
import type { Agent } from './generated/prisma/client';
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
   * Registers the agent to the tenant, or renames it when the tenant has it already (a name left
   * out keeps the old one). An agent of another tenant is a conflict, also when both register it
   * at once: the loser of the insert race reads the winner's row.
   */
  async registerAgent(tenantId: string, agent: { retellAgentId: string; name?: string }): Promise<Agent> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.prisma.agent.findUnique({ where: { retellAgentId: agent.retellAgentId } });
      if (existing) {
        if (existing.tenantId !== tenantId)
          throw new ConflictError(`agent '${agent.retellAgentId}' belongs to another tenant`, { code: 'agent_of_another_tenant' });
        return agent.name === undefined ? existing : this.prisma.agent.update({ where: { id: existing.id }, data: { name: agent.name } });
      }
      try {
        return await this.prisma.agent.create({ data: { tenantId, retellAgentId: agent.retellAgentId, name: agent.name } });
      } catch (e) {
        if (!isUniqueViolation(e) || attempt > 0) throw e;
      }
    }
  }
}

import { Injectable } from '@nestjs/common';
import type Retell from 'retell-sdk';
import { AppEnv } from '@retell-ops/config';
import { agentDetailsData, PrismaService, TenantSettings, type Agent, type AgentDetails } from '@retell-ops/db';
import { RetellClients } from '@retell-ops/dialer';
import {
  agentDocument,
  agentOnline,
  agentWarnings,
  ConflictError,
  DomainError,
  InvalidInputError,
  NotFoundError,
  redactedHeaders,
  restoreRedactedHeaders,
  writableAgent,
  writableLlm,
  type AgentDocument,
  type AgentWarning,
} from '@retell-ops/domain';
import { askRetell, isUnknownAtRetell } from './ask-retell';

type Json = Record<string, unknown>;

export interface AgentStatus {
  retellAgentId: string;
  connected: boolean;
  name: string | null;
  voiceId: string | null;
  language: string | null;
  version: number | null;
  llmId: string | null;
  webhookUrl: string | null;
  /** the latest change to one of its calls (a webhook, or the dialer), ISO; null: none seen */
  lastEventAt: string | null;
  online: boolean;
  warnings: AgentWarning[];
  syncedAt: string | null;
  disconnectedAt: string | null;
  createdAt: string;
}

export interface SyncResult {
  synced: AgentStatus[];
  failed: Array<{ retellAgentId: string; code: string; message: string }>;
}

const MAX_AGENT_ID = 256;

/** The base Retell should reach this platform's webhooks at: PUBLIC_WEBHOOK_BASE_URL, else GATEWAY_URL. */
export const platformWebhookBase = (env: AppEnv): string => (env.PUBLIC_WEBHOOK_BASE_URL ?? env.GATEWAY_URL).replace(/\/+$/, '');

/** What the platform keeps of an AgentResponse. */
export function detailsOf(agent: Json, syncedAt: Date): AgentDetails {
  const engine = agent.response_engine as { type?: unknown; llm_id?: unknown } | undefined;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 2000) : null);
  return {
    name: text(agent.agent_name),
    voiceId: text(agent.voice_id),
    language: text(agent.language),
    version: typeof agent.version === 'number' ? agent.version : null,
    llmId: engine?.type === 'retell-llm' ? text(engine.llm_id) : null,
    webhookUrl: text(agent.webhook_url),
    postCallAnalysis: Array.isArray(agent.post_call_analysis_data) ? agent.post_call_analysis_data : null,
    syncedAt,
  };
}

/**
 * A tenant's Retell agents (docs/agents.md): connected only after Retell's get-agent under the
 * tenant's own key knows them, refreshed by sync, disconnected without losing calls, exported and
 * imported as one JSON document with their Retell LLM.
 */
@Injectable()
export class AgentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settings: TenantSettings,
    private readonly retell: RetellClients,
    private readonly env: AppEnv,
  ) {}

  async list(tenantId: string): Promise<AgentStatus[]> {
    const agents = await this.prisma.agent.findMany({ where: { tenantId }, orderBy: { createdAt: 'asc' }, take: 500 });
    return Promise.all(agents.map((a) => this.status(a)));
  }

  async get(tenantId: string, retellAgentId: string): Promise<AgentStatus> {
    return this.status(await this.own(tenantId, retellAgentId));
  }

  /** Asks Retell first (unknown → 422, unreachable → 503), then connects (another tenant's → 409). */
  async connect(tenantId: string, retellAgentId: string, name?: string): Promise<AgentStatus> {
    checkAgentId(retellAgentId);
    const client = await this.client(tenantId);
    const agent = await askRetell(`agent '${retellAgentId}'`, () => client.agent.retrieve(retellAgentId), 'retell_agent_refused');
    const row = await this.settings.registerAgent(tenantId, { retellAgentId, name, details: detailsOf(agent as unknown as Json, new Date()) });
    return this.status(row);
  }

  /** The gateway stops routing the agent's webhooks to the tenant (within its cache TTL); calls and events stay. */
  async disconnect(tenantId: string, retellAgentId: string): Promise<void> {
    const agent = await this.own(tenantId, retellAgentId);
    if (agent.disconnectedAt) return;
    await this.prisma.agent.updateMany({ where: { id: agent.id, tenantId, disconnectedAt: null }, data: { disconnectedAt: new Date() } });
  }

  async sync(tenantId: string, retellAgentId: string): Promise<AgentStatus> {
    const agent = await this.own(tenantId, retellAgentId);
    const client = await this.client(tenantId);
    const answer = await askRetell(`agent '${retellAgentId}'`, () => client.agent.retrieve(retellAgentId), 'retell_agent_refused');
    return this.status(await this.store(agent, detailsOf(answer as unknown as Json, new Date())));
  }

  /** Every connected agent of the tenant, one after the other; one failing does not stop the others. */
  async syncAll(tenantId: string): Promise<SyncResult> {
    const agents = await this.prisma.agent.findMany({ where: { tenantId, disconnectedAt: null }, orderBy: { createdAt: 'asc' }, take: 500 });
    const result: SyncResult = { synced: [], failed: [] };
    for (const a of agents) {
      try {
        result.synced.push(await this.sync(tenantId, a.retellAgentId));
      } catch (e) {
        // Retell's refusal or silence for this one agent; anything else (the database) fails the whole sync.
        if (!(e instanceof DomainError)) throw e;
        result.failed.push({ retellAgentId: a.retellAgentId, code: e.code, message: e.message });
      }
    }
    return result;
  }

  /** The agent and its Retell LLM as Retell holds them now, keys sorted, tool headers redacted. */
  async export(tenantId: string, retellAgentId: string): Promise<AgentDocument> {
    await this.own(tenantId, retellAgentId);
    const client = await this.client(tenantId);
    const agent = (await askRetell(`agent '${retellAgentId}'`, () => client.agent.retrieve(retellAgentId))) as unknown as Json;
    const llmId = detailsOf(agent, new Date()).llmId;
    const llm = llmId ? ((await askRetell(`Retell LLM '${llmId}'`, () => client.llm.retrieve(llmId))) as unknown as Json) : null;
    return agentDocument(agent, llm);
  }

  /**
   * Creates or updates the agent (and its Retell LLM) at Retell from an exported document, then
   * connects it. An agent_id Retell knows under the tenant's key is updated, otherwise a new agent
   * is made; the same for llm_id. Another tenant's agent is refused (409) before Retell is changed.
   */
  async import(tenantId: string, doc: AgentDocument): Promise<{ created: boolean; llmCreated: boolean; agent: AgentStatus }> {
    const docAgentId = typeof doc.agent.agent_id === 'string' && doc.agent.agent_id ? doc.agent.agent_id : undefined;
    if (docAgentId !== undefined) {
      checkAgentId(docAgentId);
      const held = await this.prisma.agent.findUnique({ where: { retellAgentId: docAgentId } });
      if (held && held.tenantId !== tenantId && !held.disconnectedAt)
        throw new ConflictError(`agent '${docAgentId}' belongs to another tenant`, { code: 'agent_of_another_tenant' });
    }
    const client = await this.client(tenantId);
    const current = docAgentId ? await this.retellAgentOrNull(client, docAgentId) : null;

    let agentBody = writableAgent(doc.agent);
    let llmCreated = false;
    if (doc.llm) {
      const docLlmId = typeof doc.llm.llm_id === 'string' && doc.llm.llm_id ? doc.llm.llm_id : undefined;
      const currentLlm = docLlmId ? await this.retellLlmOrNull(client, docLlmId) : null;
      const llmBody = restoreRedactedHeaders(writableLlm(doc.llm), currentLlm);
      const left = redactedHeaders(llmBody);
      if (left.length)
        throw new InvalidInputError(
          `tool header value(s) ${left.join(', ')} are redacted and there is no Retell LLM to restore them from: set them in the document`,
          {
            field: 'llm',
          },
        );
      const llm = currentLlm
        ? await askRetell(`an update of Retell LLM '${docLlmId}'`, () => client.llm.update(docLlmId!, llmBody as never))
        : await askRetell('a new Retell LLM', () => client.llm.create(llmBody as never));
      llmCreated = !currentLlm;
      const engine = (agentBody.response_engine ?? {}) as Json;
      const { version: _version, ...engineRest } = engine;
      agentBody = { ...agentBody, response_engine: { ...(llmCreated ? engineRest : engine), type: 'retell-llm', llm_id: llm.llm_id } };
    }
    const saved = current
      ? await askRetell(`an update of agent '${docAgentId}'`, () => client.agent.update(docAgentId!, agentBody as never))
      : await askRetell('a new agent', () => client.agent.create(agentBody as never));
    const savedJson = saved as unknown as Json;
    const row = await this.settings.registerAgent(tenantId, { retellAgentId: String(savedJson.agent_id), details: detailsOf(savedJson, new Date()) });
    return { created: !current, llmCreated, agent: await this.status(row) };
  }

  private async retellAgentOrNull(client: Retell, agentId: string): Promise<Json | null> {
    try {
      return (await askRetell(`agent '${agentId}'`, () => client.agent.retrieve(agentId))) as unknown as Json;
    } catch (e) {
      if (isUnknownAtRetell(e)) return null;
      throw e;
    }
  }

  private async retellLlmOrNull(client: Retell, llmId: string): Promise<Json | null> {
    try {
      return (await askRetell(`Retell LLM '${llmId}'`, () => client.llm.retrieve(llmId))) as unknown as Json;
    } catch (e) {
      if (isUnknownAtRetell(e)) return null;
      throw e;
    }
  }

  private client(tenantId: string): Promise<Retell> {
    return askRetell('the tenant', () => this.retell.forTenant(tenantId));
  }

  private async own(tenantId: string, retellAgentId: string): Promise<Agent> {
    checkAgentId(retellAgentId);
    const agent = await this.prisma.agent.findFirst({ where: { tenantId, retellAgentId } });
    if (!agent) throw new NotFoundError(`agent '${retellAgentId}' is not one of this tenant's agents`);
    return agent;
  }

  private store(agent: Agent, details: AgentDetails): Promise<Agent> {
    return this.prisma.agent.update({ where: { id: agent.id }, data: agentDetailsData(details) });
  }

  private async status(a: Agent): Promise<AgentStatus> {
    // The (tenantId, agentId) index, then the newest change among that agent's calls.
    const last = await this.prisma.call.aggregate({ where: { tenantId: a.tenantId, agentId: a.retellAgentId }, _max: { updatedAt: true } });
    const lastEventAt = last._max.updatedAt;
    return {
      retellAgentId: a.retellAgentId,
      connected: a.disconnectedAt === null,
      name: a.name,
      voiceId: a.voiceId,
      language: a.language,
      version: a.version,
      llmId: a.llmId,
      webhookUrl: a.webhookUrl,
      lastEventAt: lastEventAt?.toISOString() ?? null,
      online: a.disconnectedAt === null && agentOnline(lastEventAt, Date.now()),
      warnings: agentWarnings({ syncedAt: a.syncedAt, webhookUrl: a.webhookUrl, postCallAnalysis: a.postCallAnalysis }, platformWebhookBase(this.env)),
      syncedAt: a.syncedAt?.toISOString() ?? null,
      disconnectedAt: a.disconnectedAt?.toISOString() ?? null,
      createdAt: a.createdAt.toISOString(),
    };
  }
}

function checkAgentId(id: string): void {
  if (!id || id.length > MAX_AGENT_ID) throw new InvalidInputError(`an agent id is 1 to ${MAX_AGENT_ID} characters`, { field: 'agentId' });
}

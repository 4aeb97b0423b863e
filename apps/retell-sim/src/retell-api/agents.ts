import { createHash } from 'node:crypto';
import type { SimAgent } from '../config/sim-config';
import { checkGeneralTools, customToolsOf, type CustomTool } from '../live/custom-tools';
import { badRequest } from './retell-errors';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Fields of an AgentResponse / LlmResponse that Retell sets itself: a create or update ignores them. */
const AGENT_MANAGED = ['agent_id', 'version', 'is_published', 'last_modification_timestamp'];
const LLM_MANAGED = ['llm_id', 'version', 'is_published', 'last_modification_timestamp'];

const strip = (body: Json, managed: string[]): Json => Object.fromEntries(Object.entries(body).filter(([k]) => !managed.includes(k)));
const hashId = (prefix: string, seed: string) => `${prefix}_${createHash('sha256').update(seed).digest('hex').slice(0, 32)}`;

/** One page of a list ordered by `order`, keyed by `id` (Retell's limit / pagination_key / sort_order). */
export function page<T>(
  items: T[],
  id: (t: T) => string,
  query: { limit?: string; pagination_key?: string; sort_order?: string },
  defaults: { limit: number; max: number },
): { items: T[]; has_more: boolean; pagination_key?: string } {
  if (query.limit !== undefined && !/^\d+$/.test(query.limit)) throw badRequest('limit must be a positive integer.');
  if (query.sort_order !== undefined && query.sort_order !== 'ascending' && query.sort_order !== 'descending')
    throw badRequest('sort_order must be ascending or descending.');
  const limit = Math.min(Math.max(query.limit === undefined ? defaults.limit : Number(query.limit), 1), defaults.max);
  const ordered = query.sort_order === 'ascending' ? items : [...items].reverse();
  let start = 0;
  if (query.pagination_key !== undefined) {
    const at = ordered.findIndex((t) => id(t) === query.pagination_key);
    if (at < 0) throw badRequest('pagination_key is not valid.');
    start = at + 1;
  }
  const slice = ordered.slice(start, start + limit);
  const hasMore = start + limit < ordered.length;
  return { items: slice, has_more: hasMore, ...(hasMore ? { pagination_key: id(slice[slice.length - 1]) } : {}) };
}

/**
 * The simulated account's voice agents, Retell LLMs and phone numbers (docs/retell.md#rest-api):
 * the default agent and the configured ones at start, each on a Retell LLM of its own, plus what
 * the create/update endpoints make. Answers are shaped as retell-sdk 5.66.1 types them
 * (AgentResponse, LlmResponse, PhoneNumberResponse). In memory; kept across /sim/reset.
 */
export class AgentDirectory {
  private readonly agents = new Map<string, Json>();
  private readonly llms = new Map<string, Json>();
  private readonly numbers = new Map<string, Json>();
  private clock = Date.now();

  constructor(defaultAgentId: string, extra: readonly SimAgent[], phoneNumbers: readonly string[] = []) {
    for (const a of [{ agent_id: defaultAgentId, agent_name: 'Simulated default agent' }, ...extra]) {
      if (this.agents.has(a.agent_id)) continue;
      const llmId = hashId('llm', a.agent_id);
      this.llms.set(llmId, this.newLlm(llmId, { general_prompt: `You are ${a.agent_name ?? a.agent_id}.`, begin_message: 'Hello!' }));
      this.agents.set(
        a.agent_id,
        this.newAgent(
          a.agent_id,
          { agent_name: a.agent_name ?? `Simulated agent ${a.agent_id}`, response_engine: { type: 'retell-llm', llm_id: llmId, version: 0 } },
          a.version ?? 1,
        ),
      );
    }
    for (const n of phoneNumbers) if (!this.numbers.has(n)) this.numbers.set(n, this.newNumber(n, defaultAgentId));
  }

  /** A strictly increasing modification time, so lists have one order. */
  private now(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  // ── agents ──────────────────────────────────────────────────────────────────────────────

  get(agentId: string): Required<SimAgent> | undefined {
    const a = this.agents.get(agentId);
    return a && { agent_id: agentId, agent_name: String(a.agent_name ?? ''), version: Number(a.version) };
  }

  /** An AgentResponse (SDK `resources/agent.ts`) for a known agent at `version` (default latest), else undefined. */
  response(agentId: string, version?: number): Json | undefined {
    const agent = this.agents.get(agentId);
    if (!agent || (version !== undefined && (version < 0 || version > Number(agent.version)))) return undefined;
    return { ...agent, version: version ?? agent.version };
  }

  /** POST /v2/list-agents: { items: [{ agent_id, agent_name, channel, tags, user_modified_timestamp }], has_more, pagination_key? }. */
  listAgents(query: { limit?: string; pagination_key?: string; sort_order?: string }, body: unknown) {
    const filter = isObject(body) && isObject(body.filter_criteria) ? body.filter_criteria : {};
    const q = typeof filter.query === 'string' ? filter.query.toLowerCase() : undefined;
    const items = [...this.agents.values()]
      .filter(
        (a) =>
          !q ||
          String(a.agent_name ?? '')
            .toLowerCase()
            .includes(q) ||
          String(a.agent_id).includes(q),
      )
      .filter(() => filter.channel === undefined || filter.channel === 'voice')
      .sort((a, b) => Number(a.last_modification_timestamp) - Number(b.last_modification_timestamp))
      .map((a) => ({
        agent_id: a.agent_id as string,
        agent_name: String(a.agent_name ?? ''),
        channel: 'voice' as const,
        tags: {},
        user_modified_timestamp: a.last_modification_timestamp as number,
      }));
    return page(items, (i) => i.agent_id, query, { limit: 50, max: 1000 });
  }

  createAgent(body: unknown): Json {
    if (!isObject(body)) throw badRequest();
    if (!isObject(body.response_engine) || typeof body.voice_id !== 'string' || !body.voice_id) throw badRequest('response_engine and voice_id are required.');
    this.checkEngine(body.response_engine);
    const agentId = `agent_${createHash('sha256').update(`${this.now()}:${Math.random()}`).digest('hex').slice(0, 24)}`;
    const agent = this.newAgent(agentId, strip(body, AGENT_MANAGED), 0);
    this.agents.set(agentId, agent);
    return agent;
  }

  /** PATCH /update-agent/{id}: the fields sent replace the agent's (null clears); undefined when unknown. */
  updateAgent(agentId: string, body: unknown): Json | undefined {
    const agent = this.agents.get(agentId);
    if (!agent) return undefined;
    if (!isObject(body)) throw badRequest();
    if (body.response_engine !== undefined) {
      if (!isObject(body.response_engine)) throw badRequest('response_engine must be an object.');
      this.checkEngine(body.response_engine);
    }
    if (body.voice_id !== undefined && (typeof body.voice_id !== 'string' || !body.voice_id)) throw badRequest('voice_id must be a non-empty string.');
    const updated = { ...agent, ...strip(body, AGENT_MANAGED), last_modification_timestamp: this.now() };
    this.agents.set(agentId, updated);
    return updated;
  }

  private checkEngine(engine: Json): void {
    if (engine.type === 'retell-llm' && (typeof engine.llm_id !== 'string' || !this.llms.has(engine.llm_id)))
      throw badRequest('response_engine.llm_id is not a Retell LLM of this account.');
  }

  private newAgent(agentId: string, fields: Json, version: number): Json {
    return {
      agent_id: agentId,
      version,
      is_published: version > 0,
      voice_id: '11labs-Adrian',
      voice_temperature: 1,
      voice_speed: 1,
      volume: 1,
      language: 'en-US',
      responsiveness: 1,
      interruption_sensitivity: 1,
      enable_backchannel: false,
      reminder_trigger_ms: 10000,
      reminder_max_count: 1,
      max_call_duration_ms: 3600000,
      ring_duration_ms: 30000,
      end_call_after_silence_ms: 600000,
      begin_message_delay_ms: 0,
      data_storage_setting: 'everything',
      opt_in_signed_url: false,
      // webhooks go to the account-level URL (the gateway), so the agent has none of its own
      webhook_url: null,
      webhook_events: ['call_started', 'call_ended', 'call_analyzed'],
      webhook_timeout_ms: 10000,
      post_call_analysis_model: 'gpt-4.1',
      post_call_analysis_data: [
        { type: 'boolean', name: 'appointment_confirmed', description: 'Whether the user confirmed the appointment.' },
        { type: 'enum', name: 'reminder_channel', description: 'How the user wants to be reminded.', choices: ['sms', 'email', 'call'] },
      ],
      ...fields,
      last_modification_timestamp: this.now(),
    };
  }

  // ── Retell LLMs ─────────────────────────────────────────────────────────────────────────

  /** An LlmResponse (SDK `resources/llm.ts`), else undefined. */
  llm(llmId: string, version?: number): Json | undefined {
    const llm = this.llms.get(llmId);
    if (!llm || (version !== undefined && (version < 0 || version > Number(llm.version)))) return undefined;
    return { ...llm, version: version ?? llm.version };
  }

  /** The custom tools of the agent's Retell LLM (none for an unknown agent or another engine). */
  toolsOf(agentId: string): CustomTool[] {
    const engine = this.agents.get(agentId)?.response_engine;
    return isObject(engine) && engine.type === 'retell-llm' && typeof engine.llm_id === 'string' ? customToolsOf(this.llms.get(engine.llm_id)) : [];
  }

  /** The agent's own webhook URL (`webhook_url`), which Retell sends its calls' webhooks to instead of the account's; undefined when it has none. */
  webhookUrl(agentId: string): string | undefined {
    const url = this.agents.get(agentId)?.webhook_url;
    return typeof url === 'string' && url.trim() ? url.trim() : undefined;
  }

  /** The agent's webhook_events (Retell's default: the three lifecycle events). */
  webhookEvents(agentId: string): string[] {
    const events = this.agents.get(agentId)?.webhook_events;
    return Array.isArray(events) ? events.filter((e): e is string => typeof e === 'string') : [];
  }

  createLlm(body: unknown): Json {
    if (body !== undefined && !isObject(body)) throw badRequest();
    if (isObject(body)) checkGeneralTools(body.general_tools);
    const llmId = hashId('llm', `${this.now()}:${Math.random()}`);
    const llm = this.newLlm(llmId, strip(body ?? {}, LLM_MANAGED));
    this.llms.set(llmId, llm);
    return llm;
  }

  updateLlm(llmId: string, body: unknown): Json | undefined {
    const llm = this.llms.get(llmId);
    if (!llm) return undefined;
    if (!isObject(body)) throw badRequest();
    checkGeneralTools(body.general_tools);
    const updated = { ...llm, ...strip(body, LLM_MANAGED), last_modification_timestamp: this.now() };
    this.llms.set(llmId, updated);
    return updated;
  }

  private newLlm(llmId: string, fields: Json): Json {
    return {
      llm_id: llmId,
      version: 0,
      is_published: false,
      model: 'gpt-4.1',
      model_temperature: 0,
      start_speaker: 'agent',
      general_prompt: null,
      general_tools: [],
      begin_message: null,
      ...fields,
      last_modification_timestamp: this.now(),
    };
  }

  // ── phone numbers ───────────────────────────────────────────────────────────────────────

  number(phoneNumber: string): Json | undefined {
    return this.numbers.get(phoneNumber);
  }

  listNumbers(query: { limit?: string; pagination_key?: string; sort_order?: string }) {
    const items = [...this.numbers.values()].sort((a, b) => Number(a.last_modification_timestamp) - Number(b.last_modification_timestamp));
    return page(items, (n) => n.phone_number as string, query, { limit: 1000, max: 1000 });
  }

  /** PATCH /update-phone-number/{e164}: nickname, inbound_webhook_url, inbound/outbound agents, fallback_number. */
  updateNumber(phoneNumber: string, body: unknown): Json | undefined {
    const number = this.numbers.get(phoneNumber);
    if (!number) return undefined;
    if (!isObject(body)) throw badRequest();
    for (const field of ['inbound_webhook_url', 'inbound_sms_webhook_url']) {
      const url = body[field];
      if (url === undefined || url === null) continue;
      if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) throw badRequest(`${field} must be a URL or null.`);
    }
    const allowed = [
      'nickname',
      'inbound_webhook_url',
      'inbound_sms_webhook_url',
      'inbound_agents',
      'outbound_agents',
      'fallback_number',
      'allowed_inbound_country_list',
      'allowed_outbound_country_list',
    ];
    const changes = Object.fromEntries(Object.entries(body).filter(([k]) => allowed.includes(k)));
    const updated = { ...number, ...changes, last_modification_timestamp: this.now() };
    this.numbers.set(phoneNumber, updated);
    return updated;
  }

  private newNumber(phoneNumber: string, agentId: string): Json {
    const digits = phoneNumber.replace(/\D/g, '');
    const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
    return {
      phone_number: phoneNumber,
      phone_number_pretty: national.length === 10 ? `+1 (${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}` : phoneNumber,
      phone_number_type: 'retell-twilio',
      area_code: national.length === 10 ? Number(national.slice(0, 3)) : undefined,
      nickname: null,
      inbound_agents: [{ agent_id: agentId, weight: 1 }],
      outbound_agents: [{ agent_id: agentId, weight: 1 }],
      inbound_webhook_url: null,
      inbound_sms_webhook_url: null,
      fallback_number: null,
      allowed_inbound_country_list: null,
      allowed_outbound_country_list: null,
      last_modification_timestamp: this.now(),
    };
  }
}

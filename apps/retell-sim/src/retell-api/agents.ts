import { createHash } from 'node:crypto';
import type { SimAgent } from '../config/sim-config';

/** The agents the simulated account owns: the default agent plus the configured ones. */
export class AgentDirectory {
  private readonly agents = new Map<string, Required<SimAgent>>();
  private readonly createdAt = Date.now();

  constructor(defaultAgentId: string, extra: readonly SimAgent[]) {
    for (const a of [{ agent_id: defaultAgentId, agent_name: 'Simulated default agent' }, ...extra]) {
      if (!this.agents.has(a.agent_id)) {
        this.agents.set(a.agent_id, { agent_id: a.agent_id, agent_name: a.agent_name ?? `Simulated agent ${a.agent_id}`, version: a.version ?? 1 });
      }
    }
  }

  get(agentId: string): Required<SimAgent> | undefined {
    return this.agents.get(agentId);
  }

  /** An AgentResponse (SDK `resources/agent.ts`) for a known agent at `version` (default latest), else undefined. */
  response(agentId: string, version?: number): Record<string, unknown> | undefined {
    const agent = this.agents.get(agentId);
    if (!agent || (version !== undefined && (version < 0 || version > agent.version))) return undefined;
    const llmId = `llm_${createHash('sha256').update(agent.agent_id).digest('hex').slice(0, 32)}`;
    return {
      agent_id: agent.agent_id,
      version: version ?? agent.version,
      is_published: true,
      agent_name: agent.agent_name,
      response_engine: { type: 'retell-llm', llm_id: llmId, version: 0 },
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
      last_modification_timestamp: this.createdAt,
    };
  }
}

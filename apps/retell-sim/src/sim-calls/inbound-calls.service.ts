import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { SIM_CONFIG, type SimConfig } from '../config/sim-config';
import { askInboundWebhook, type InboundAttempt, type InboundDecision, type InboundRequest } from '../live/inbound';
import type { PlayedCall } from '../play';
import { newCallId } from '../random';
import { CallEngine } from '../retell-api/call-engine.service';
import type { PlayInboundCallDto } from './play-call.dto';
import { SimCallsService } from './sim-calls.service';

export type InboundResult = 'rejected' | 'answered' | 'fallback' | 'disconnected';

export interface InboundPlayed {
  /** the call_id sent in call_inbound (the call's id when one is made) */
  callId: string;
  result: InboundResult;
  /** how the webhook was asked; absent when the number has no inbound_webhook_url */
  inbound?: { url: string; attempts: InboundAttempt[]; decision: InboundDecision };
  /** the agent that took the call */
  agentId?: string;
  call?: PlayedCall;
}

/**
 * An inbound call to one of the account's numbers, as Retell handles it: the number's inbound
 * webhook is asked first (while the caller hears ringing), then the call is rejected, taken by
 * the agent the answer names (with its dynamic variables and metadata), or, when the answer is
 * unusable, by the number's inbound agent; with none the caller is hung up on (no call object).
 */
@Injectable()
export class InboundCallsService {
  private readonly logger = new Logger('InboundCalls');

  constructor(
    @Inject(SIM_CONFIG) private readonly config: SimConfig,
    private readonly engine: CallEngine,
    private readonly calls: SimCallsService,
  ) {}

  async play(dto: PlayInboundCallDto): Promise<InboundPlayed> {
    const number = this.engine.agents.number(dto.toNumber);
    if (!number) throw new BadRequestException(`toNumber ${dto.toNumber} is not a phone number of this account`);
    const numberAgent = inboundAgentOf(number.inbound_agents);
    const callId = dto.callId ?? newCallId();
    const url = typeof number.inbound_webhook_url === 'string' ? number.inbound_webhook_url : undefined;
    const settings = this.engine.settings;

    let decision: InboundDecision = { kind: 'answer' };
    let inbound: InboundPlayed['inbound'];
    if (url) {
      const request: InboundRequest = {
        event: 'call_inbound',
        event_timestamp: Date.now(),
        call_inbound: {
          ...(numberAgent && { agent_id: numberAgent.agent_id, ...(numberAgent.agent_version !== undefined && { agent_version: numberAgent.agent_version }) }),
          from_number: dto.fromNumber,
          to_number: dto.toNumber,
          call_id: callId,
          ...(dto.customSipHeaders && { custom_sip_headers: lowerKeys(dto.customSipHeaders) }),
        },
      };
      const asked = await askInboundWebhook(url, request, {
        apiKey: this.config.apiKey,
        timeoutMs: dto.inboundTimeoutMs ?? settings.inboundTimeoutMs,
        retries: dto.inboundRetries ?? settings.inboundRetries,
        retryDelayMs: dto.inboundRetryDelayMs ?? settings.inboundRetryDelayMs,
        knownAgent: (id) => !!this.engine.agents.get(id),
      });
      decision = asked.decision;
      inbound = { url, attempts: asked.attempts, decision };
    }
    const attempts = inbound?.attempts.length ?? 0;

    if (decision.kind === 'reject') {
      this.engine.live.recordInbound(attempts, 'rejected');
      this.logger.log(`inbound ${dto.fromNumber} → ${dto.toNumber}: rejected by ${url}`);
      return { callId, result: 'rejected', ...(inbound && { inbound }) };
    }
    const agentId = decision.kind === 'answer' ? (decision.overrideAgentId ?? numberAgent?.agent_id) : numberAgent?.agent_id;
    const result: InboundResult = decision.kind === 'failed' ? 'fallback' : 'answered';
    if (!agentId) {
      this.engine.live.recordInbound(attempts, 'disconnected');
      this.logger.warn(
        `inbound ${dto.fromNumber} → ${dto.toNumber}: no agent to take the call (${decision.kind === 'failed' ? decision.reason : 'no inbound agent'}); hung up`,
      );
      return { callId, result: 'disconnected', ...(inbound && { inbound }) };
    }
    this.engine.live.recordInbound(attempts, result);
    const answer = decision.kind === 'answer' ? decision : undefined;
    const call = await this.calls.play({
      scenario: dto.scenario ?? 'answered',
      callId,
      agentId,
      agentVersion: answer?.overrideAgentVersion ?? (answer?.overrideAgentId ? undefined : numberAgent?.agent_version),
      direction: 'inbound',
      fromNumber: dto.fromNumber,
      toNumber: dto.toNumber,
      tenantSlug: dto.tenantSlug,
      metadata: answer?.metadata,
      dynamicVariables: answer?.dynamicVariables,
      liveTranscript: dto.liveTranscript,
      transcriptTurns: dto.transcriptTurns,
    });
    return { callId, result, ...(inbound && { inbound }), agentId, call };
  }
}

/** The number's inbound agent: the one with the most weight (Retell spreads calls by weight; the simulator picks one, deterministically). */
function inboundAgentOf(agents: unknown): { agent_id: string; agent_version?: number } | undefined {
  if (!Array.isArray(agents)) return undefined;
  const valid = agents.filter((a): a is { agent_id: string; agent_version?: number; weight?: number } => !!a && typeof a.agent_id === 'string');
  return valid.sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))[0];
}

/** Retell lower-cases the SIP headers it passes on. */
const lowerKeys = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

import type { RetellCall } from '@retell-ops/retell';
import { deliver, dropDeliveries, planDeliveries, webhookUrl, type DeliveryResult } from './delivery';
import { runBooking, type ToolCallReport } from './live/booking';
import type { TranscriptFields } from './live/conversation';
import type { CustomTool } from './live/custom-tools';
import type { ToolCallInput, ToolCallOutcome } from './live/tool-request';
import {
  lifecycleOf,
  simulateCall,
  TOOL_SCENARIOS,
  type LifecycleOptions,
  type SimDelivery,
  type SimEvent,
  type SimScenario,
  type WebhookEvent,
} from './payloads';
import { newCallId } from './random';

/** Where and as whom the simulator delivers, plus the call defaults. */
export interface PlayTarget {
  gatewayUrl: string;
  apiKey: string;
  defaultAgentId: string;
  defaultFromNumber: string;
  defaultToNumber: string;
}

/** What a call whose agent uses tools needs: the agent's custom tools and a way to call one (signed, retried, counted). */
export interface ToolRunner {
  toolsOf(agentId: string): CustomTool[];
  callTool(tool: CustomTool, input: ToolCallInput): Promise<ToolCallOutcome>;
}

export interface PlayRequest {
  scenario: SimScenario;
  callId?: string;
  agentId?: string;
  agentVersion?: number;
  tenantSlug?: string;
  fromNumber?: string;
  toNumber?: string;
  /** default outbound; an inbound call's person is from_number */
  direction?: 'inbound' | 'outbound';
  metadata?: unknown;
  dynamicVariables?: Record<string, string>;
  duplicates?: number;
  /** true picks a random seed, which is recorded so the order can be replayed */
  reorder?: boolean | number;
  delayMs?: number;
  transcriptTurns?: number;
  /** share (0–1) of the chosen events' deliveries never sent (default 0) */
  dropRate?: number;
  /** the events dropRate applies to (default call_ended and call_analyzed) */
  dropEvents?: SimEvent[];
  /** Retell-style retries of a delivery that got no 2xx or no answer in time (Retell: 3; default 0) */
  retries?: number;
  /** per-try timeout (default 10000 ms, Retell's) */
  timeoutMs?: number;
  /** pause before each retry (default 1000 ms) */
  retryDelayMs?: number;
  /** send transcript_updated at each turn change and a final one when the call ends */
  liveTranscript?: boolean;
  /** where the transfer scenarios transfer to */
  transferTo?: string;
}

export interface PlayedCall {
  callId: string;
  scenario: SimScenario;
  agentId: string;
  tenantSlug?: string;
  url: string;
  playedAt: string;
  reorderSeed?: number;
  deliveries: DeliveryResult[];
  /** deliveries the drop mode did not send */
  dropped: Array<{ event: WebhookEvent; copy: number }>;
  /** the agent's tool calls during the call, in order (booking) */
  toolCalls?: ToolCallReport[];
}

/**
 * Builds one call's lifecycle and delivers it, signed, to the gateway. `keep` receives the call
 * as Retell holds it once it is over (the call_analyzed body's call) before the final deliveries
 * go out, so list-calls and get-call can answer for it. A booking call is played live: call_started,
 * then the agent's tool calls (and transcript_updated at each turn), then the rest; with `reorder`
 * the tools are called first and every webhook is shuffled after.
 */
export async function playCall(req: PlayRequest, target: PlayTarget, keep?: (call: RetellCall) => void, tools?: ToolRunner): Promise<PlayedCall> {
  const callId = req.callId ?? newCallId();
  const agentId = req.agentId ?? target.defaultAgentId;
  const direction = req.direction ?? 'outbound';
  const opts: LifecycleOptions = {
    callId,
    agentId,
    agentVersion: req.agentVersion,
    fromNumber: req.fromNumber ?? target.defaultFromNumber,
    toNumber: req.toNumber ?? target.defaultToNumber,
    direction,
    metadata: req.metadata,
    dynamicVariables: req.dynamicVariables,
    transcriptTurns: req.transcriptTurns,
    liveTranscript: req.liveTranscript,
    transferTo: req.transferTo,
  };
  const reorderSeed = req.reorder === true ? Math.floor(Math.random() * 2 ** 32) : typeof req.reorder === 'number' ? req.reorder : undefined;
  const url = webhookUrl(target.gatewayUrl, req.tenantSlug);
  const deliveries: DeliveryResult[] = [];
  const dropped: PlayedCall['dropped'] = [];
  const send = async (batch: SimDelivery[], seed?: number) => {
    const planned = planDeliveries(batch, { duplicates: req.duplicates, reorder: seed });
    const split = dropDeliveries(planned, { rate: req.dropRate ?? 0, events: req.dropEvents });
    dropped.push(...split.dropped.map((d) => ({ event: d.event, copy: d.copy })));
    deliveries.push(
      ...(await deliver(split.sent, {
        gatewayUrl: target.gatewayUrl,
        tenantSlug: req.tenantSlug,
        apiKey: target.apiKey,
        delayMs: req.delayMs,
        retries: req.retries,
        timeoutMs: req.timeoutMs,
        retryDelayMs: req.retryDelayMs,
      })),
    );
  };
  const playedAt = new Date().toISOString();
  let toolCalls: ToolCallReport[] | undefined;

  if (TOOL_SCENARIOS.includes(req.scenario)) {
    const live = reorderSeed === undefined;
    const connectedAt = Date.now();
    const started = simulateCall(req.scenario, { ...opts, startTimestamp: connectedAt }).started!;
    if (live) {
      keep?.(started);
      await send([{ event: 'call_started', body: { event: 'call_started', event_timestamp: Date.now(), call: started } }]);
    }
    const onTurn = (fields: TranscriptFields) =>
      send([{ event: 'transcript_updated', body: { event: 'transcript_updated', event_timestamp: Date.now(), call: { ...started, ...fields } } }]);
    const result = await runBooking({
      callId,
      tools: tools?.toolsOf(agentId) ?? [],
      dynamicVariables: req.dynamicVariables,
      metadata: req.metadata,
      customerNumber: direction === 'inbound' ? opts.fromNumber : opts.toNumber,
      now: connectedAt,
      callTool: (tool, input) => tools!.callTool(tool, { ...input, dynamicVariables: req.dynamicVariables }),
      callObject: () => started,
      ...(live && req.liveTranscript && { onTurn }),
    });
    toolCalls = result.toolCalls;
    const conversation = { fields: result.fields, analysis: result.analysis };
    const sim = live
      ? simulateCall(req.scenario, { ...opts, conversation, startTimestamp: connectedAt, durationMs: Date.now() - connectedAt + 800 })
      : simulateCall(req.scenario, { ...opts, conversation });
    keep?.(sim.analyzed);
    const all = lifecycleOf(sim);
    // live: call_started and the turn-by-turn transcript_updated are out already; the final one (the ended call) is not
    await send(
      live ? all.filter((d) => d.event !== 'call_started' && !(d.event === 'transcript_updated' && d.body.call.call_status !== 'ended')) : all,
      reorderSeed,
    );
  } else {
    const sim = simulateCall(req.scenario, opts);
    keep?.(sim.analyzed);
    await send(lifecycleOf(sim), reorderSeed);
  }

  return {
    callId,
    scenario: req.scenario,
    agentId,
    ...(req.tenantSlug && { tenantSlug: req.tenantSlug }),
    url,
    playedAt,
    ...(reorderSeed !== undefined && { reorderSeed }),
    deliveries,
    dropped,
    ...(toolCalls && { toolCalls }),
  };
}

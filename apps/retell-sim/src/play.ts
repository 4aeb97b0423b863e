import type { RetellCall } from '@retell-ops/retell';
import { deliver, dropDeliveries, planDeliveries, webhookUrl, type DeliveryResult } from './delivery';
import { buildLifecycle, type SimEvent, type SimScenario } from './payloads';
import { newCallId } from './random';

/** Where and as whom the simulator delivers, plus the call defaults. */
export interface PlayTarget {
  gatewayUrl: string;
  apiKey: string;
  defaultAgentId: string;
  defaultFromNumber: string;
  defaultToNumber: string;
}

export interface PlayRequest {
  scenario: SimScenario;
  callId?: string;
  agentId?: string;
  tenantSlug?: string;
  fromNumber?: string;
  toNumber?: string;
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
  dropped: Array<{ event: SimEvent; copy: number }>;
}

/**
 * Builds one call's lifecycle and delivers it, signed, to the gateway. `keep` receives the call
 * as Retell holds it once it is over (the call_analyzed body's call) before any delivery goes
 * out, so list-calls and get-call can answer for it.
 */
export async function playCall(req: PlayRequest, target: PlayTarget, keep?: (call: RetellCall) => void): Promise<PlayedCall> {
  const callId = req.callId ?? newCallId();
  const agentId = req.agentId ?? target.defaultAgentId;
  const lifecycle = buildLifecycle(req.scenario, {
    callId,
    agentId,
    fromNumber: req.fromNumber ?? target.defaultFromNumber,
    toNumber: req.toNumber ?? target.defaultToNumber,
    metadata: req.metadata,
    dynamicVariables: req.dynamicVariables,
    transcriptTurns: req.transcriptTurns,
  });
  const reorderSeed = req.reorder === true ? Math.floor(Math.random() * 2 ** 32) : typeof req.reorder === 'number' ? req.reorder : undefined;
  const planned = planDeliveries(lifecycle, { duplicates: req.duplicates, reorder: reorderSeed });
  const { sent, dropped } = dropDeliveries(planned, { rate: req.dropRate ?? 0, events: req.dropEvents });
  const final = lifecycle.find((d) => d.event === 'call_analyzed') ?? lifecycle[lifecycle.length - 1];
  keep?.(final.body.call);
  const playedAt = new Date().toISOString();
  const deliveries = await deliver(sent, {
    gatewayUrl: target.gatewayUrl,
    tenantSlug: req.tenantSlug,
    apiKey: target.apiKey,
    delayMs: req.delayMs,
    retries: req.retries,
    timeoutMs: req.timeoutMs,
    retryDelayMs: req.retryDelayMs,
  });
  return {
    callId,
    scenario: req.scenario,
    agentId,
    ...(req.tenantSlug && { tenantSlug: req.tenantSlug }),
    url: webhookUrl(target.gatewayUrl, req.tenantSlug),
    playedAt,
    ...(reorderSeed !== undefined && { reorderSeed }),
    deliveries,
    dropped: dropped.map((d) => ({ event: d.event, copy: d.copy })),
  };
}

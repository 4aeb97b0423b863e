import { deliver, planDeliveries, webhookUrl, type DeliveryResult } from './delivery';
import { buildLifecycle, type SimScenario } from './payloads';
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
}

/** Builds one call's lifecycle and delivers it, signed, to the gateway. */
export async function playCall(req: PlayRequest, target: PlayTarget): Promise<PlayedCall> {
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
  const plan = planDeliveries(lifecycle, { duplicates: req.duplicates, reorder: reorderSeed });
  const playedAt = new Date().toISOString();
  const deliveries = await deliver(plan, { gatewayUrl: target.gatewayUrl, tenantSlug: req.tenantSlug, apiKey: target.apiKey, delayMs: req.delayMs });
  return {
    callId,
    scenario: req.scenario,
    agentId,
    ...(req.tenantSlug && { tenantSlug: req.tenantSlug }),
    url: webhookUrl(target.gatewayUrl, req.tenantSlug),
    playedAt,
    ...(reorderSeed !== undefined && { reorderSeed }),
    deliveries,
  };
}

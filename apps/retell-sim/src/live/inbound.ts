import { signBody } from '../delivery';
import { isTimeout } from './tool-request';

// Retell's inbound-call webhook (docs/retell.md#inbound-webhook): before anyone answers, Retell
// POSTs a signed `call_inbound` to the number's inbound_webhook_url (10 s timeout, up to 3 retries)
// and uses the answer: reject, another agent, dynamic variables and metadata for the call.

export interface InboundRequest {
  event: 'call_inbound';
  event_timestamp: number;
  call_inbound: {
    agent_id?: string;
    agent_version?: number;
    from_number: string;
    to_number: string;
    call_id: string;
    custom_sip_headers?: Record<string, string>;
  };
}

/** What the caller gets, from a valid answer. */
export type InboundDecision =
  | { kind: 'reject' }
  | { kind: 'answer'; overrideAgentId?: string; overrideAgentVersion?: number; dynamicVariables?: Record<string, string>; metadata?: Record<string, unknown> }
  /** no usable answer: every attempt failed, or the answer was not valid */
  | { kind: 'failed'; reason: string };

export interface InboundAttempt {
  status: number;
  error?: string;
  durationMs: number;
}

export interface InboundAsked {
  decision: InboundDecision;
  attempts: InboundAttempt[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads a 2xx answer's body. Only the boolean `reject: true` rejects, and only when the rest of
 * the answer is valid; an invalid field makes the whole answer unusable. `knownAgent` says whether
 * an override_agent_id exists in the account.
 */
export function readInboundAnswer(text: string, knownAgent: (agentId: string) => boolean): InboundDecision {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: 'failed', reason: 'the answer is not JSON' };
  }
  if (!isObject(body)) return { kind: 'failed', reason: 'the answer is not a JSON object' };
  const a = body.call_inbound ?? {};
  if (!isObject(a)) return { kind: 'failed', reason: 'call_inbound is not an object' };
  if (a.override_agent_id !== undefined && (typeof a.override_agent_id !== 'string' || !knownAgent(a.override_agent_id)))
    return { kind: 'failed', reason: 'override_agent_id is not an agent of this account' };
  if (a.override_agent_version !== undefined && !(Number.isInteger(a.override_agent_version) && (a.override_agent_version as number) >= 0))
    return { kind: 'failed', reason: 'override_agent_version is not a version number' };
  if (a.dynamic_variables !== undefined && !(isObject(a.dynamic_variables) && Object.values(a.dynamic_variables).every((v) => typeof v === 'string')))
    return { kind: 'failed', reason: 'dynamic_variables must have string values only' };
  if (a.metadata !== undefined && !isObject(a.metadata)) return { kind: 'failed', reason: 'metadata is not an object' };
  if (a.agent_override !== undefined && !isObject(a.agent_override)) return { kind: 'failed', reason: 'agent_override is not an object' };
  if (a.reject === true) return { kind: 'reject' };
  return {
    kind: 'answer',
    ...(a.override_agent_id !== undefined && { overrideAgentId: a.override_agent_id as string }),
    ...(a.override_agent_version !== undefined && { overrideAgentVersion: a.override_agent_version as number }),
    ...(a.dynamic_variables !== undefined && { dynamicVariables: a.dynamic_variables as Record<string, string> }),
    ...(a.metadata !== undefined && { metadata: a.metadata }),
  };
}

export interface AskOptions {
  apiKey: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  knownAgent: (agentId: string) => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks the inbound webhook, retrying a non-2xx or no answer in time; each attempt the same body (same call_id), signed afresh. */
export async function askInboundWebhook(url: string, request: InboundRequest, opts: AskOptions): Promise<InboundAsked> {
  const body = JSON.stringify(request);
  const attempts: InboundAttempt[] = [];
  for (let attempt = 0; attempt <= opts.retries; attempt++) {
    if (attempt > 0) await sleep(opts.retryDelayMs);
    const at = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-retell-signature': await signBody(body, opts.apiKey) },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      const text = await res.text();
      attempts.push({ status: res.status, durationMs: Math.round(performance.now() - at) });
      if (res.ok) return { decision: readInboundAnswer(text, opts.knownAgent), attempts };
    } catch (err) {
      const error = isTimeout(err) ? 'timeout' : err instanceof Error ? err.message : String(err);
      attempts.push({ status: 0, error, durationMs: Math.round(performance.now() - at) });
    }
  }
  const last = attempts[attempts.length - 1];
  return { decision: { kind: 'failed', reason: `no 2xx after ${attempts.length} attempt(s) (last: ${last.status || last.error})` }, attempts };
}

import type { CandidateStatus } from './candidate-pipeline';
import type { InboundDecision } from './inbound-rules';
import { spokenInstant } from './interview-slots';

/**
 * What the platform answers Retell's `call_inbound` (docs/retell.md#inbound-call-webhook): the
 * caller's dynamic variables (strings only), metadata that links the call to the candidate, and
 * the agent or rejection the tenant's rules chose. Pure.
 */
export const INBOUND_ANSWER_KINDS = ['known', 'unknown', 'rejected', 'degraded'] as const;
export type InboundAnswerKind = (typeof INBOUND_ANSWER_KINDS)[number];

export interface InboundCandidate {
  id: string;
  firstName: string;
  lastName: string | null;
  position: string | null;
  status: CandidateStatus;
  /** IANA zone */
  timeZone: string | null;
  /** The next scheduled interview, if any */
  nextInterview: { at: Date; timeZone: string | null } | null;
}

export interface InboundTenant {
  name: string;
  timeZone: string | null;
}

export interface InboundAnswer {
  call_inbound: {
    dynamic_variables: Record<string, string>;
    metadata: Record<string, string>;
    override_agent_id?: string;
    override_agent_version?: number;
    reject?: true;
  };
}

/**
 * Every key is always sent: a variable Retell does not get stays as the literal `{{name}}` in the
 * prompt, an empty string reads as nothing (docs/retell.md#dynamic-variables).
 */
function variables(tenant: InboundTenant | null, candidate: InboundCandidate | null): Record<string, string> {
  const zone = candidate?.timeZone ?? candidate?.nextInterview?.timeZone ?? tenant?.timeZone ?? 'UTC';
  const next = candidate?.nextInterview;
  return {
    known_caller: candidate ? 'true' : 'false',
    tenant_name: tenant?.name ?? '',
    candidate_name: candidate ? [candidate.firstName, candidate.lastName].filter(Boolean).join(' ') : '',
    first_name: candidate?.firstName ?? '',
    position: candidate?.position ?? '',
    candidate_status: candidate?.status ?? '',
    next_interview: next ? spokenInstant(next.at, zone) : '',
    next_interview_iso: next ? next.at.toISOString() : '',
  };
}

export interface InboundAnswerInput {
  tenant: InboundTenant | null;
  candidate: InboundCandidate | null;
  decision: InboundDecision;
}

/** The answer for a caller and the rules' decision, and its kind (for metrics and the decisions log). */
export function buildInboundAnswer({ tenant, candidate, decision }: InboundAnswerInput): { kind: InboundAnswerKind; answer: InboundAnswer } {
  const metadata: Record<string, string> = candidate ? { candidate_id: candidate.id } : {};
  const answer: InboundAnswer = { call_inbound: { dynamic_variables: variables(tenant, candidate), metadata } };
  if (decision.reject) {
    answer.call_inbound.reject = true;
    return { kind: 'rejected', answer };
  }
  if (decision.agentId) answer.call_inbound.override_agent_id = decision.agentId;
  if (decision.agentVersion !== undefined) answer.call_inbound.override_agent_version = decision.agentVersion;
  return { kind: candidate ? 'known' : 'unknown', answer };
}

/** The plain answer when what the caller is could not be told in time: no candidate, no override, no rejection. */
export function defaultInboundAnswer(tenant: InboundTenant | null): InboundAnswer {
  return { call_inbound: { dynamic_variables: variables(tenant, null), metadata: {} } };
}

/**
 * The answer to a `chat_inbound` (a text to the number): the same variables, metadata and
 * rejection under `chat_inbound`, without the agent rules' choice, which names voice agents
 * (a chat keeps the number's own SMS agent).
 */
export function chatInboundAnswer(answer: InboundAnswer): {
  chat_inbound: Omit<InboundAnswer['call_inbound'], 'override_agent_id' | 'override_agent_version'>;
} {
  const { override_agent_id: _agent, override_agent_version: _version, ...rest } = answer.call_inbound;
  return { chat_inbound: rest };
}

/**
 * The key of one inbound delivery across Retell's retries: Retell's call (or chat) id when it sends
 * one, else from + to + event_timestamp (docs/retell.md#inbound-call-webhook); a chat's keys never
 * meet a call's.
 */
export function inboundDeliveryKey(
  inbound: { id?: string; from_number: string; to_number: string },
  eventTimestamp: number,
  event: 'call_inbound' | 'chat_inbound' = 'call_inbound',
): string {
  const key = inbound.id ? `id:${inbound.id}` : `ft:${inbound.from_number}|${inbound.to_number}|${eventTimestamp}`;
  return event === 'chat_inbound' ? `chat-${key}` : key;
}

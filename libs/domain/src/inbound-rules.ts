import { CANDIDATE_STATUSES, type CandidateStatus } from './candidate-pipeline';

/**
 * A tenant's rules for Retell's inbound-call webhook (docs/live-calls.md#inbound-calls): numbers
 * whose calls are rejected, and which agent answers whom. Pure: stored as JSON, checked by
 * `parseInboundRules` on the way in (API) and on the way out (gateway), evaluated by `decideInbound`.
 */
export const INBOUND_CALLERS = ['any', 'known', 'unknown'] as const;
export type InboundCallerKind = (typeof INBOUND_CALLERS)[number];

export interface InboundAgentRule {
  /** known: the number is one of the tenant's candidates; unknown: it is not */
  caller: InboundCallerKind;
  /** Only known callers whose pipeline status is one of these (absent or empty: any status). */
  statuses?: CandidateStatus[];
  /** Only known callers with (true) or without (false) an upcoming interview (absent: either). */
  interviewBooked?: boolean;
  /** The Retell agent that answers (`override_agent_id`). */
  agentId: string;
  agentVersion?: number;
}

export interface InboundRules {
  /** E.164 numbers (`+14155550100`) or prefixes ending in `*` (`+1900*`) whose calls are rejected */
  blockedNumbers: string[];
  /** The first rule that matches chooses the agent; none: the number's own inbound agent answers. */
  agentRules: InboundAgentRule[];
}

export const EMPTY_INBOUND_RULES: InboundRules = { blockedNumbers: [], agentRules: [] };

export const INBOUND_RULE_LIMITS = { blockedNumbers: 1000, agentRules: 50 } as const;

const BLOCKED_NUMBER = /^\+[1-9]\d{0,14}\*?$/;
const EXACT_NUMBER = /^\+[1-9]\d{1,14}$/;
/** Retell agent ids: letters, digits, `_` and `-` (the gateway routes by the same shape). */
const AGENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export type InboundRulesCheck = { ok: true; rules: InboundRules } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks stored or submitted rules; the reason names the first field at fault. */
export function parseInboundRules(value: unknown): InboundRulesCheck {
  if (value === null || value === undefined) return { ok: true, rules: EMPTY_INBOUND_RULES };
  if (!isRecord(value)) return { ok: false, reason: 'rules must be an object' };
  const blocked = value.blockedNumbers ?? [];
  const agentRules = value.agentRules ?? [];
  if (!Array.isArray(blocked)) return { ok: false, reason: 'blockedNumbers must be an array' };
  if (blocked.length > INBOUND_RULE_LIMITS.blockedNumbers) return { ok: false, reason: `blockedNumbers holds at most ${INBOUND_RULE_LIMITS.blockedNumbers}` };
  for (const [i, n] of blocked.entries()) {
    if (typeof n !== 'string' || !BLOCKED_NUMBER.test(n) || (!n.endsWith('*') && !EXACT_NUMBER.test(n))) {
      return { ok: false, reason: `blockedNumbers[${i}] must be an E.164 number or a prefix ending in * (e.g. +1900*)` };
    }
  }
  if (!Array.isArray(agentRules)) return { ok: false, reason: 'agentRules must be an array' };
  if (agentRules.length > INBOUND_RULE_LIMITS.agentRules) return { ok: false, reason: `agentRules holds at most ${INBOUND_RULE_LIMITS.agentRules}` };
  const rules: InboundAgentRule[] = [];
  for (const [i, r] of agentRules.entries()) {
    const checked = checkAgentRule(r, `agentRules[${i}]`);
    if (typeof checked === 'string') return { ok: false, reason: checked };
    rules.push(checked);
  }
  return { ok: true, rules: { blockedNumbers: [...new Set(blocked as string[])], agentRules: rules } };
}

function checkAgentRule(r: unknown, at: string): InboundAgentRule | string {
  if (!isRecord(r)) return `${at} must be an object`;
  const caller = r.caller ?? 'any';
  if (typeof caller !== 'string' || !(INBOUND_CALLERS as readonly string[]).includes(caller))
    return `${at}.caller must be one of ${INBOUND_CALLERS.join(', ')}`;
  if (typeof r.agentId !== 'string' || !AGENT_ID.test(r.agentId)) return `${at}.agentId must be a Retell agent id (letters, digits, _ and -)`;
  const rule: InboundAgentRule = { caller: caller as InboundCallerKind, agentId: r.agentId };
  if (r.agentVersion !== undefined && r.agentVersion !== null) {
    if (typeof r.agentVersion !== 'number' || !Number.isInteger(r.agentVersion) || r.agentVersion < 0) return `${at}.agentVersion must be a whole number ≥ 0`;
    rule.agentVersion = r.agentVersion;
  }
  if (r.statuses !== undefined && r.statuses !== null) {
    const statuses = r.statuses;
    if (!Array.isArray(statuses) || statuses.some((s) => !(CANDIDATE_STATUSES as readonly unknown[]).includes(s))) {
      return `${at}.statuses must list candidate statuses (${CANDIDATE_STATUSES.join(', ')})`;
    }
    if (statuses.length) rule.statuses = [...new Set(statuses as CandidateStatus[])];
  }
  if (r.interviewBooked !== undefined && r.interviewBooked !== null) {
    if (typeof r.interviewBooked !== 'boolean') return `${at}.interviewBooked must be true or false`;
    rule.interviewBooked = r.interviewBooked;
  }
  if (rule.caller !== 'known' && (rule.statuses || rule.interviewBooked !== undefined)) {
    return `${at}: statuses and interviewBooked apply to known callers only (caller: known)`;
  }
  return rule;
}

/** Who is calling, as far as the platform knows. */
export interface InboundCaller {
  fromNumber: string;
  /** Present when the number is one of the tenant's candidates. */
  candidate?: { status: CandidateStatus; interviewBooked: boolean };
}

export type InboundDecision =
  { reject: true; blockedBy: string } | { reject: false; agentId?: string; agentVersion?: number; /** index in agentRules */ rule?: number };

/** Whether `fromNumber` is blocked by `pattern` (an exact number, or a prefix ending in `*`). */
export function numberMatches(pattern: string, fromNumber: string): boolean {
  return pattern.endsWith('*') ? fromNumber.startsWith(pattern.slice(0, -1)) : pattern === fromNumber;
}

/** Rejection first (Retell applies `reject` before any agent choice), then the first agent rule that matches. */
export function decideInbound(rules: InboundRules, caller: InboundCaller): InboundDecision {
  const blockedBy = rules.blockedNumbers.find((p) => numberMatches(p, caller.fromNumber));
  if (blockedBy !== undefined) return { reject: true, blockedBy };
  const index = rules.agentRules.findIndex((r) => ruleMatches(r, caller));
  if (index < 0) return { reject: false };
  const rule = rules.agentRules[index];
  return { reject: false, agentId: rule.agentId, ...(rule.agentVersion !== undefined ? { agentVersion: rule.agentVersion } : {}), rule: index };
}

function ruleMatches(rule: InboundAgentRule, caller: InboundCaller): boolean {
  if (rule.caller === 'unknown') return !caller.candidate;
  if (rule.caller === 'any') return true;
  const c = caller.candidate;
  if (!c) return false;
  if (rule.statuses && !rule.statuses.includes(c.status)) return false;
  return rule.interviewBooked === undefined || rule.interviewBooked === c.interviewBooked;
}

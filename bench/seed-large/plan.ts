import { AREA_CODES, CITIES, FIRST_NAMES, LAST_NAMES, POSITIONS } from './vocabulary';
import { Rng, uuidOf } from './random';

const DAY_MS = 86_400_000;
/** About 13 months of history ending at the plan's end. */
export const HISTORY_DAYS = 395;

/** What one tenant's data is made of; every row is a function of (seed, tenant index, row index). */
export interface TenantPlan {
  seed: number;
  /** 0: the large tenant; 1…: the small ones */
  t: number;
  tenantId: string;
  slug: string;
  calls: number;
  candidates: number;
  agents: string[];
  fromNumbers: string[];
  batches: number;
  /** ms since epoch: the history's first and last instants */
  start: number;
  end: number;
}

export const KIND = { call: 1, dial: 2, candidate: 3, batch: 4, event: 5, interview: 6, position: 7, phone: 8, agent: 9 } as const;

export function makePlan(o: { seed: number; t: number; tenantId: string; slug: string; calls: number; candidates: number; end: Date }): TenantPlan {
  const r = new Rng(o.seed, o.t, KIND.agent);
  const agentCount = o.t === 0 ? 8 : 2;
  return {
    seed: o.seed,
    t: o.t,
    tenantId: o.tenantId,
    slug: o.slug,
    calls: o.calls,
    candidates: o.candidates,
    agents: Array.from({ length: agentCount }, (_, k) => `agent_${o.slug.replace(/-/g, '_')}_${String(k + 1).padStart(2, '0')}`),
    fromNumbers: Array.from({ length: o.t === 0 ? 5 : 1 }, () => phoneNumber(r)),
    batches: Math.max(2, Math.round(o.calls / 3000)),
    start: o.end.getTime() - HISTORY_DAYS * DAY_MS,
    end: o.end.getTime(),
  };
}

export function phoneNumber(r: Rng): string {
  return `+1${r.pick(AREA_CODES)}${200 + r.int(800)}${String(r.int(10000)).padStart(4, '0')}`;
}

// ───────────────────────────── candidates ─────────────────────────────

const CANDIDATE_STATUSES = [
  ['new', 25],
  ['screening', 25],
  ['interviewing', 14],
  ['offered', 3],
  ['hired', 3],
  ['rejected', 25],
  ['withdrawn', 5],
] as const;

export interface CandidateFacts {
  k: number;
  id: string;
  externalId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  city: string;
  timeZone: string;
  position: number;
  status: (typeof CANDIDATE_STATUSES)[number][0];
  createdAt: number;
}

export function candidateFacts(p: TenantPlan, k: number): CandidateFacts {
  const r = new Rng(p.seed, p.t, KIND.candidate, k);
  const firstName = r.pick(FIRST_NAMES);
  const lastName = r.pick(LAST_NAMES);
  const [city, timeZone] = r.pick(CITIES);
  return {
    k,
    id: uuidOf(p.seed, p.t, KIND.candidate, k),
    externalId: String(100000 + k),
    firstName,
    lastName,
    email: `${firstName}.${lastName}${k % 97}@example.com`.toLowerCase(),
    phone: phoneNumber(r),
    city,
    timeZone,
    position: r.int(POSITIONS.length),
    status: r.weighted(CANDIDATE_STATUSES),
    // candidates arrive through the history, a little ahead of their calls
    createdAt: Math.floor(p.start + ((k + r.next()) / p.candidates) * (p.end - p.start) * 0.97),
  };
}

export const positionId = (p: TenantPlan, i: number) => uuidOf(p.seed, p.t, KIND.position, i);
export const batchId = (p: TenantPlan, b: number) => uuidOf(p.seed, p.t, KIND.batch, b);
export const batchStart = (p: TenantPlan, b: number) => p.start + (b / p.batches) * (p.end - p.start);

// ───────────────────────────── calls ─────────────────────────────

const OUTCOMES = [
  ['successful', 30, 'completed', 'ended', 'agent_hangup'],
  ['unsuccessful', 18, 'completed', 'ended', 'user_hangup'],
  ['connected', 5, 'completed', 'ended', 'user_hangup'],
  ['voicemail', 14, 'completed', 'ended', 'voicemail_reached'],
  ['no_answer', 15, 'failed', 'not_connected', 'dial_no_answer'],
  ['busy', 5, 'failed', 'not_connected', 'dial_busy'],
  ['declined', 3, 'failed', 'not_connected', 'user_declined'],
  ['wrong_number', 2, 'completed', 'ended', 'user_hangup'],
  ['dial_failed', 3, 'failed', 'error', 'dial_failed'],
  ['ivr', 2, 'completed', 'ended', 'ivr_reached'],
] as const;
const OUTCOME_WEIGHTS = OUTCOMES.map((o, i) => [i, o[1]] as const);
const AGENT_WEIGHTS = [30, 20, 15, 10, 10, 6, 5, 4];

export interface CallFacts {
  i: number;
  id: string;
  retellCallId: string;
  occurredAt: number;
  agentId: string;
  direction: 'inbound' | 'outbound';
  candidate: CandidateFacts | null;
  dialRequestId: string | null;
  batch: number | null;
  status: string;
  retellStatus: string | null;
  outcome: string | null;
  disconnectionReason: string | null;
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  connected: boolean;
  voicemail: boolean;
  successful: boolean | null;
  sentiment: string | null;
  costCents: number | null;
  fromNumber: string;
  toNumber: string;
}

/** Call i of the tenant: calls are spread evenly in time (index order is time order, as ingest writes them). */
export function callFacts(p: TenantPlan, i: number): CallFacts {
  const r = new Rng(p.seed, p.t, KIND.call, i);
  const span = p.end - p.start;
  const occurredAt = Math.floor(p.start + ((i + r.next()) / p.calls) * span);
  const outbound = r.chance(0.75);
  const upTo = Math.max(1, Math.floor(((occurredAt - p.start) / span) * p.candidates));
  const candidate = outbound || r.chance(0.6) ? candidateFacts(p, r.int(upTo)) : null;
  const batch = outbound && r.chance(0.85) ? Math.min(p.batches - 1, Math.floor(((occurredAt - p.start) / span) * p.batches)) : null;
  const agentId = p.agents[r.weighted(AGENT_WEIGHTS.slice(0, p.agents.length).map((w, k) => [k, w] as const))];
  const ours = r.pick(p.fromNumbers);
  const theirs = candidate?.phone ?? phoneNumber(r);
  const id = uuidOf(p.seed, p.t, KIND.call, i);
  const base = {
    i,
    id,
    retellCallId: `call_${id.replace(/-/g, '')}`,
    occurredAt,
    agentId,
    direction: outbound ? ('outbound' as const) : ('inbound' as const),
    candidate,
    dialRequestId: outbound ? uuidOf(p.seed, p.t, KIND.dial, i) : null,
    batch,
    fromNumber: outbound ? ours : theirs,
    toNumber: outbound ? theirs : ours,
  };
  // The last hour's calls are partly still under way; a few were cancelled before dialling.
  if (p.end - occurredAt < 3_600_000 && r.chance(0.3)) {
    return {
      ...base,
      status: 'in_progress',
      retellStatus: 'ongoing',
      outcome: null,
      disconnectionReason: null,
      startedAt: occurredAt,
      endedAt: null,
      durationMs: null,
      connected: true,
      voicemail: false,
      successful: null,
      sentiment: null,
      costCents: null,
    };
  }
  if (outbound && r.chance(0.01)) {
    return {
      ...base,
      status: 'cancelled',
      retellStatus: null,
      outcome: null,
      disconnectionReason: null,
      startedAt: null,
      endedAt: null,
      durationMs: null,
      connected: false,
      voicemail: false,
      successful: null,
      sentiment: null,
      costCents: null,
    };
  }
  const [outcome, , status, retellStatus, reason] = OUTCOMES[r.weighted(OUTCOME_WEIGHTS)];
  const connected = retellStatus === 'ended';
  const voicemail = outcome === 'voicemail';
  const durationMs = connected ? Math.round(voicemail ? r.between(15_000, 40_000) : r.between(45_000, 420_000)) : Math.round(r.between(0, 25_000));
  const successful = outcome === 'successful' ? true : outcome === 'unsuccessful' || outcome === 'wrong_number' ? false : null;
  return {
    ...base,
    status,
    retellStatus,
    outcome,
    disconnectionReason: reason,
    startedAt: occurredAt,
    endedAt: occurredAt + durationMs,
    durationMs,
    connected,
    voicemail,
    successful: voicemail ? false : successful,
    sentiment: connected
      ? r.weighted([
          ['Positive', 45],
          ['Neutral', 35],
          ['Negative', 12],
          ['Unknown', 8],
        ] as const)
      : null,
    // about 11 cents a minute, fractions of a cent kept
    costCents: connected ? Math.round((durationMs / 60_000) * 11 * 10_000) / 10_000 : 0,
  };
}

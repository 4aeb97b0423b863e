import {
  isKnownRetellCallStatus,
  outcomeOf,
  reportsCallStatus,
  settleStatus,
  statusRank,
  statusFromRetell,
  type CallOutcome,
  type CallStatus,
} from '@retell-ops/domain';
import type { RetellCall } from './call-types';

/** The Call columns that Retell's lifecycle events decide. */
export interface CallRecordFields {
  agentId: string | null;
  agentVersion: number | null;
  callType: string | null;
  direction: string | null;
  fromNumber: string | null;
  toNumber: string | null;
  retellStatus: string | null;
  disconnectionReason: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  transcript: string | null;
  transcriptObject: unknown[] | null;
  recordingUrl: string | null;
  publicLogUrl: string | null;
  metadata: unknown;
  dynamicVariables: Record<string, string> | null;
  summary: string | null;
  sentiment: string | null;
  successful: boolean | null;
  inVoicemail: boolean | null;
  customAnalysis: unknown;
  /** cents, as Retell reports them (docs/retell.md#costs: every amount is in cents) */
  costCents: number | null;
  status: CallStatus;
  outcome: CallOutcome | null;
}

export interface ReceivedCallEvent {
  type: string;
  call: RetellCall;
}

/** Later lifecycle events carry a superset of earlier ones, so they speak first. */
const EVENT_PRECEDENCE: Record<string, number> = { call_analyzed: 3, call_ended: 2, call_started: 1 };

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const date = (v: unknown): Date | null => (Number.isInteger(v) && (v as number) >= 0 ? new Date(v as number) : null);
const obj = (v: unknown): Record<string, string> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : null);
const arr = (v: unknown): unknown[] | null => (Array.isArray(v) ? v : null);
const present = (v: unknown): unknown => (v === undefined || v === null ? null : v);

/**
 * Folds every kept delivery of one call into its row. The result depends only on the set of
 * events, never on their order or on duplicates: each field comes from the latest lifecycle
 * event that carries it, analysis only from call_analyzed, and the status only moves forward
 * from `currentStatus` (which may be the dialer's scheduled/queued). A call_status the platform
 * does not know is kept raw (retellStatus) and moves neither the status nor the outcome.
 */
export function foldCallEvents(events: ReceivedCallEvent[], currentStatus: CallStatus): CallRecordFields {
  // Transfer events join the timeline only: their call object neither fills the row nor moves the status.
  const ordered = events.filter((e) => reportsCallStatus(e.type)).sort((a, b) => (EVENT_PRECEDENCE[b.type] ?? 0) - (EVENT_PRECEDENCE[a.type] ?? 0));
  const first = <T>(read: (c: RetellCall) => T | null): T | null => {
    for (const e of ordered) {
      const v = read(e.call);
      if (v !== null) return v;
    }
    return null;
  };
  const analysis = ordered.find((e) => e.type === 'call_analyzed')?.call.call_analysis;

  // The most advanced status any event reports; on a tie the later lifecycle event decides.
  let reported: CallStatus | undefined;
  for (const e of ordered) {
    const mapped = statusFromRetell(str(e.call.call_status), str(e.call.disconnection_reason));
    if (mapped && (!reported || statusRank(mapped) > statusRank(reported))) reported = mapped;
  }
  const status = settleStatus(currentStatus, reported);

  // Kept raw, even a value Retell added later; the outcome reads the latest status it knows.
  const retellStatus = first((c) => str(c.call_status));
  const knownStatus = first((c) => (isKnownRetellCallStatus(str(c.call_status)) ? str(c.call_status) : null));
  const disconnectionReason = first((c) => str(c.disconnection_reason));
  const successful = bool(analysis?.call_successful);
  const inVoicemail = bool(analysis?.in_voicemail);

  return {
    agentId: first((c) => str(c.agent_id)),
    agentVersion: first((c) => int(c.agent_version)),
    callType: first((c) => str(c.call_type)),
    direction: first((c) => str(c.direction)),
    fromNumber: first((c) => str(c.from_number)),
    toNumber: first((c) => str(c.to_number)),
    retellStatus,
    disconnectionReason,
    startedAt: first((c) => date(c.start_timestamp)),
    endedAt: first((c) => date(c.end_timestamp)),
    durationMs: first((c) => int(c.duration_ms)),
    transcript: first((c) => str(c.transcript)),
    transcriptObject: first((c) => arr(c.transcript_object)),
    recordingUrl: first((c) => str(c.recording_url)),
    publicLogUrl: first((c) => str(c.public_log_url)),
    metadata: first((c) => present(c.metadata)),
    dynamicVariables: first((c) => obj(c.retell_llm_dynamic_variables)),
    summary: str(analysis?.call_summary),
    sentiment: str(analysis?.user_sentiment),
    successful,
    inVoicemail,
    customAnalysis: analysis ? present(analysis.custom_analysis_data) : null,
    costCents: first((c) => num(c.call_cost?.combined_cost)),
    status,
    outcome: outcomeOf({ callStatus: knownStatus, disconnectionReason, inVoicemail, successful }) ?? null,
  };
}

/** The columns only Retell's events decide; status and outcome the dialer writes too. */
export type CallEventField = Exclude<keyof CallRecordFields, 'status' | 'outcome'>;

export const CALL_EVENT_FIELDS = (Object.keys(foldCallEvents([], 'queued')) as Array<keyof CallRecordFields>).filter(
  (k): k is CallEventField => k !== 'status' && k !== 'outcome',
);

/**
 * Whether two field values would be stored alike: JSON values compared by structure (key order
 * aside, as jsonb keeps no order; an undefined member counts as absent, as JSON drops it). Walks
 * without building strings, and stops at the first difference: this runs for every field of every
 * delivery, and a call's transcript object is its largest value.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (!sameValue(x[k], y[k])) return false;
  for (const k in y) if (!(k in x) && y[k] !== undefined) return false;
  return true;
}

/**
 * The event-decided fields whose value differs between two folds of the same call: what an
 * UPDATE has to write when the row already holds `before`. Writing only these keeps PostgreSQL
 * from re-compressing and re-storing an unchanged 20 KB transcript on every delivery.
 * Status and outcome are left out: they are compared with the row itself, which the dialer also writes.
 */
export function changedCallFields(before: CallRecordFields, after: CallRecordFields): CallEventField[] {
  return CALL_EVENT_FIELDS.filter((k) => !sameValue(before[k], after[k]));
}

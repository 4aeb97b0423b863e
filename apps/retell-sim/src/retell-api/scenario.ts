import { CALL_SCENARIOS, isCallScenario, type CallScenario } from '../payloads';

/**
 * Which outcome a dialled number gets, by its last digit, unless the call's metadata names one
 * in `sim_scenario`.
 */
export const SCENARIO_BY_LAST_DIGIT: Readonly<Record<string, CallScenario>> = {
  '0': 'answered',
  '1': 'no_answer',
  '2': 'busy',
  '3': 'voicemail',
  '4': 'dial_failed',
  '5': 'invalid_destination',
  '6': 'answered',
  '7': 'answered',
  '8': 'answered',
  '9': 'answered',
};

export const SCENARIO_METADATA_KEY = 'sim_scenario';
/** metadata key whose object becomes custom_analysis_data of an answered call */
export const CUSTOM_ANALYSIS_METADATA_KEY = 'sim_custom_analysis';

/** What each scenario ends as (docs/retell.md#call-status, #disconnection-reason). */
export const SCENARIO_ENDINGS: Readonly<Record<CallScenario, { connected: boolean; call_status: 'ended' | 'not_connected'; disconnection_reason: string }>> = {
  answered: { connected: true, call_status: 'ended', disconnection_reason: 'agent_hangup | user_hangup' },
  voicemail: { connected: true, call_status: 'ended', disconnection_reason: 'voicemail_reached' },
  no_answer: { connected: false, call_status: 'not_connected', disconnection_reason: 'dial_no_answer' },
  busy: { connected: false, call_status: 'not_connected', disconnection_reason: 'dial_busy' },
  dial_failed: { connected: false, call_status: 'not_connected', disconnection_reason: 'dial_failed' },
  invalid_destination: { connected: false, call_status: 'not_connected', disconnection_reason: 'invalid_destination' },
  booking: { connected: true, call_status: 'ended', disconnection_reason: 'agent_hangup' },
  transfer: { connected: true, call_status: 'ended', disconnection_reason: 'call_transfer' },
  transfer_cancelled: { connected: true, call_status: 'ended', disconnection_reason: 'agent_hangup' },
};

/** metadata keys of the live options: `sim_live_transcript: true` sends transcript_updated; `sim_transfer_to` (E.164) is where a transfer goes */
export const LIVE_TRANSCRIPT_METADATA_KEY = 'sim_live_transcript';
export const TRANSFER_TO_METADATA_KEY = 'sim_transfer_to';

export function liveTranscriptFromMetadata(metadata: unknown): boolean {
  return isRecord(metadata) && metadata[LIVE_TRANSCRIPT_METADATA_KEY] === true;
}

export function transferToFromMetadata(metadata: unknown): string | undefined {
  const v = isRecord(metadata) ? metadata[TRANSFER_TO_METADATA_KEY] : undefined;
  return typeof v === 'string' && /^\+[1-9]\d{6,14}$/.test(v) ? v : undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `sim_scenario` named in metadata: undefined when absent, or an error message when it is not a scenario. */
export function scenarioFromMetadata(metadata: unknown): CallScenario | { error: string } | undefined {
  if (!isRecord(metadata) || metadata[SCENARIO_METADATA_KEY] === undefined) return undefined;
  const value = metadata[SCENARIO_METADATA_KEY];
  return isCallScenario(value) ? value : { error: `metadata.${SCENARIO_METADATA_KEY} must be one of: ${CALL_SCENARIOS.join(', ')}` };
}

/** metadata.sim_scenario when valid, else by the number's last digit (non-digit endings: answered). */
export function chooseScenario(toNumber: string, metadata: unknown): CallScenario {
  const named = scenarioFromMetadata(metadata);
  if (typeof named === 'string') return named;
  return SCENARIO_BY_LAST_DIGIT[toNumber.slice(-1)] ?? 'answered';
}

export function customAnalysisFromMetadata(metadata: unknown): unknown {
  return isRecord(metadata) && isRecord(metadata[CUSTOM_ANALYSIS_METADATA_KEY]) ? metadata[CUSTOM_ANALYSIS_METADATA_KEY] : undefined;
}

export interface CallTiming {
  ringMs: number;
  talkMs: number;
  analysisMs: number;
}

/** metadata keys that override one call's timings (ms, 0 to 3,600,000) */
export const TIMING_METADATA_KEYS: Readonly<Record<keyof CallTiming, string>> = { ringMs: 'sim_ring_ms', talkMs: 'sim_talk_ms', analysisMs: 'sim_analysis_ms' };
const MAX_TIMING_MS = 3_600_000;

/** The timings metadata overrides for this call, or an error message. */
export function timingFromMetadata(metadata: unknown): Partial<CallTiming> | { error: string } {
  if (!isRecord(metadata)) return {};
  const out: Partial<CallTiming> = {};
  for (const [field, key] of Object.entries(TIMING_METADATA_KEYS) as Array<[keyof CallTiming, string]>) {
    const v = metadata[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_TIMING_MS)
      return { error: `metadata.${key} must be an integer number of ms from 0 to ${MAX_TIMING_MS}` };
    out[field] = v;
  }
  return out;
}

/** metadata key: how long create-phone-call takes to answer, in ms, after the call is placed (tests: a cancel during the create) */
export const CREATE_DELAY_METADATA_KEY = 'sim_create_delay_ms';
const MAX_CREATE_DELAY_MS = 60_000;

/** The create's answer delay the metadata asks for (0 when absent or not an integer in 0–60000). */
export function createDelayFromMetadata(metadata: unknown): number {
  const v = isRecord(metadata) ? metadata[CREATE_DELAY_METADATA_KEY] : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_CREATE_DELAY_MS ? v : 0;
}

/**
 * metadata key: make this one create-phone-call answer 500 (tests): `server_error` makes no call,
 * `server_error_after_create` makes the call (it plays on) and still answers 500.
 */
export const CREATE_FAULT_METADATA_KEY = 'sim_create_fault';
export const CREATE_FAULTS = ['server_error', 'server_error_after_create'] as const;
export type CreateFault = (typeof CREATE_FAULTS)[number];

/** The create fault the metadata names: undefined when absent, or an error message when it is not one. */
export function createFaultFromMetadata(metadata: unknown): CreateFault | { error: string } | undefined {
  if (!isRecord(metadata) || metadata[CREATE_FAULT_METADATA_KEY] === undefined) return undefined;
  const v = metadata[CREATE_FAULT_METADATA_KEY];
  return (CREATE_FAULTS as readonly unknown[]).includes(v)
    ? (v as CreateFault)
    : { error: `metadata.${CREATE_FAULT_METADATA_KEY} must be one of: ${CREATE_FAULTS.join(', ')}` };
}

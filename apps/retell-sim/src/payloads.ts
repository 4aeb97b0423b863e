import { createHash } from 'node:crypto';
import type { RetellCall, RetellCallAnalysis, RetellWebhookEnvelope } from '@retell-ops/retell';
import { callCost, callLatency, llmTokenUsage } from './call-metrics';
import { newCallId } from './random';
import { conversationScript, timeScript, transcriptText, voicemailScript, type ScriptLine } from './transcript';

// Builders for the call-lifecycle webhooks Retell sends (docs/retell.md#events, #envelope, #call-object, #analysis). Pure: no I/O.

/** Scenarios `POST /sim/calls` and the CLI play. */
export const SIM_SCENARIOS = ['answered', 'no_answer', 'busy', 'voicemail'] as const;
export type SimScenario = (typeof SIM_SCENARIOS)[number];

/** Every outcome a dialled call can have: the played scenarios plus two more dial failures (Retell API calls use them all). */
export const CALL_SCENARIOS = [...SIM_SCENARIOS, 'dial_failed', 'invalid_destination'] as const;
export type CallScenario = (typeof CALL_SCENARIOS)[number];

export const SIM_EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;
export type SimEvent = (typeof SIM_EVENTS)[number];

export interface SimDelivery {
  event: SimEvent;
  body: RetellWebhookEnvelope;
}

export interface LifecycleOptions {
  /** default: `call_` + 32 random hex */
  callId?: string;
  agentId: string;
  fromNumber: string;
  toNumber: string;
  /** default 'outbound' */
  direction?: 'inbound' | 'outbound';
  agentVersion?: number;
  /** omitted from the payload when not given, as Retell does */
  metadata?: unknown;
  /** omitted from the payload when not given, as Retell does */
  dynamicVariables?: Record<string, string>;
  /** when the call connected (ms); default: far enough back that the last event is about now */
  startTimestamp?: number;
  /** utterances in an answered call (default 9, at least 1); ignored for other scenarios */
  transcriptTurns?: number;
  /** custom_analysis_data of an answered call; only answered calls get custom fields */
  customAnalysis?: unknown;
  /** where recording_url and public_log_url point; default https://retell-sim.invalid */
  assetBaseUrl?: string;
}

/** The call object at each stage, for the webhooks now and for get-call later. */
export interface SimulatedCall {
  callId: string;
  scenario: CallScenario;
  /** absent for calls that never connected */
  started?: RetellCall;
  ended: RetellCall;
  analyzed: RetellCall;
  eventTimestamps: Partial<Record<SimEvent, number>>;
}

export const DEFAULT_TRANSCRIPT_TURNS = 9;
const DEFAULT_CUSTOM_ANALYSIS = { appointment_confirmed: true, reminder_channel: 'sms' };

export function isSimScenario(value: unknown): value is SimScenario {
  return typeof value === 'string' && (SIM_SCENARIOS as readonly string[]).includes(value);
}

export function isCallScenario(value: unknown): value is CallScenario {
  return typeof value === 'string' && (CALL_SCENARIOS as readonly string[]).includes(value);
}

interface Outcome {
  connected: boolean;
  script: ScriptLine[];
  callStatus: 'ended' | 'not_connected';
  disconnectionReason: (script: ScriptLine[]) => string;
  analysis: (opts: LifecycleOptions) => RetellCallAnalysis;
}

const OUTCOMES: Record<CallScenario, (opts: LifecycleOptions) => Outcome> = {
  answered: (opts) => ({
    connected: true,
    script: conversationScript(opts.transcriptTurns ?? DEFAULT_TRANSCRIPT_TURNS),
    callStatus: 'ended',
    // whoever speaks last says goodbye and hangs up
    disconnectionReason: (script) => (script[script.length - 1][0] === 'agent' ? 'agent_hangup' : 'user_hangup'),
    analysis: (o) => ({
      call_summary: `The agent called ${o.toNumber} to confirm a dental cleaning appointment on Thursday at 3 PM. The user confirmed the appointment.`,
      in_voicemail: false,
      user_sentiment: 'Positive',
      call_successful: true,
      custom_analysis_data: o.customAnalysis ?? DEFAULT_CUSTOM_ANALYSIS,
    }),
  }),
  voicemail: () => ({
    connected: true,
    script: voicemailScript(),
    callStatus: 'ended',
    disconnectionReason: () => 'voicemail_reached',
    // no conversation took place, so no custom fields (docs/retell.md#analysis)
    analysis: () => ({
      call_summary: 'The call reached voicemail. The agent left a message asking the user to call back about the Thursday appointment.',
      in_voicemail: true,
      user_sentiment: 'Neutral',
      call_successful: false,
    }),
  }),
  no_answer: () => notConnected('dial_no_answer', 'The call was not answered.'),
  busy: () => notConnected('dial_busy', 'The line was busy, so the call did not connect.'),
  dial_failed: () => notConnected('dial_failed', 'The call could not be dialled.'),
  invalid_destination: () => notConnected('invalid_destination', 'The number dialled is not a valid destination.'),
};

function notConnected(reason: string, summary: string): Outcome {
  return {
    connected: false,
    script: [],
    callStatus: 'not_connected',
    disconnectionReason: () => reason,
    analysis: () => ({ call_summary: summary, in_voicemail: false, user_sentiment: 'Unknown', call_successful: false }),
  };
}

/** A stable Twilio-style call SID derived from the call id. */
const twilioSid = (callId: string) => `CA${createHash('sha256').update(callId).digest('hex').slice(0, 32)}`;

/** Plays one call through Retell's stages and returns the call object at each. */
export function simulateCall(scenario: CallScenario, opts: LifecycleOptions): SimulatedCall {
  if (!isCallScenario(scenario)) throw new Error(`unknown scenario "${String(scenario)}"; expected one of ${CALL_SCENARIOS.join(', ')}`);
  const outcome = OUTCOMES[scenario](opts);
  const callId = opts.callId ?? newCallId();
  const { utterances, endSec } = timeScript(outcome.script);
  const durationMs = outcome.connected ? Math.round(endSec * 1000) + 800 : 0;
  const analysisLagMs = outcome.connected ? 2500 + 40 * utterances.length : 1200;
  const start = opts.startTimestamp ?? Date.now() - durationMs - analysisLagMs;
  const end = start + durationMs;
  const assets = `${(opts.assetBaseUrl ?? 'https://retell-sim.invalid').replace(/\/+$/, '')}/${callId}`;
  const responses = utterances.filter((u, i) => u.role === 'agent' && i > 0).length;

  const basic: RetellCall = {
    call_id: callId,
    call_type: 'phone_call',
    agent_id: opts.agentId,
    agent_version: opts.agentVersion ?? 1,
    call_status: 'ongoing',
    from_number: opts.fromNumber,
    to_number: opts.toNumber,
    direction: opts.direction ?? 'outbound',
    telephony_identifier: { twilio_call_sid: twilioSid(callId) },
    data_storage_setting: 'everything',
    opt_in_signed_url: false,
    ...(opts.metadata !== undefined && { metadata: opts.metadata }),
    ...(opts.dynamicVariables !== undefined && { retell_llm_dynamic_variables: opts.dynamicVariables }),
    start_timestamp: start,
  };

  const llmUsage = llmTokenUsage(responses);
  const ended: RetellCall = {
    ...basic,
    call_status: outcome.callStatus,
    end_timestamp: end,
    duration_ms: durationMs,
    disconnection_reason: outcome.disconnectionReason(outcome.script),
    transcript: transcriptText(utterances),
    transcript_object: utterances,
    ...(outcome.connected && { recording_url: `${assets}/recording.wav` }),
    public_log_url: `${assets}/public.log`,
    latency: callLatency(responses),
    ...(llmUsage && { llm_token_usage: llmUsage }),
    call_cost: callCost(durationMs),
  };

  return {
    callId,
    scenario,
    ...(outcome.connected && { started: basic }),
    ended,
    analyzed: { ...ended, call_analysis: outcome.analysis(opts) },
    eventTimestamps: {
      ...(outcome.connected && { call_started: start + 120 }),
      call_ended: end + 350,
      call_analyzed: end + analysisLagMs,
    },
  };
}

const envelope = (event: SimEvent, eventTimestamp: number, call: RetellCall): SimDelivery => ({
  event,
  body: { event, event_timestamp: eventTimestamp, call },
});

/** The webhooks of one call in Retell's natural order; no call_started for a call that never connected. */
export function buildLifecycle(scenario: CallScenario, opts: LifecycleOptions): SimDelivery[] {
  const sim = simulateCall(scenario, opts);
  const ts = sim.eventTimestamps;
  return [
    ...(sim.started ? [envelope('call_started', ts.call_started!, sim.started)] : []),
    envelope('call_ended', ts.call_ended!, sim.ended),
    envelope('call_analyzed', ts.call_analyzed!, sim.analyzed),
  ];
}

/** Size of the body as it goes on the wire (UTF-8 bytes of JSON.stringify). */
export function bodyBytes(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body), 'utf8');
}

/** Target sizes of the benchmark payloads. */
export const BENCH_PAYLOAD_BYTES: Record<SimEvent, number> = { call_started: 2048, call_ended: 10240, call_analyzed: 20480 };

const BENCH_DEFAULTS: LifecycleOptions = { agentId: 'agent_sim_default', fromNumber: '+14155550100', toNumber: '+14155550123' };
const NOTE = 'Prefers afternoon appointments; confirm by text. ';

/**
 * An answered call's `event` body of about `approxBytes`: call_started is padded with a
 * `customer_notes` dynamic variable (exact size), call_ended/call_analyzed get the number
 * of transcript turns that lands closest. Build once and vary call_id for throughput runs.
 */
export function payloadOfSize(event: SimEvent, approxBytes: number, opts: Partial<LifecycleOptions> = {}): RetellWebhookEnvelope {
  const base: LifecycleOptions = { ...BENCH_DEFAULTS, ...opts, callId: opts.callId ?? newCallId(), startTimestamp: opts.startTimestamp ?? Date.now() - 60_000 };
  const build = (o: LifecycleOptions) => buildLifecycle('answered', o).find((d) => d.event === event)!.body;

  if (event === 'call_started') {
    const withNotes = (notes: string) => build({ ...base, dynamicVariables: { ...base.dynamicVariables, customer_notes: notes } });
    const missing = approxBytes - bodyBytes(withNotes(''));
    return missing > 0 ? withNotes(NOTE.repeat(Math.ceil(missing / NOTE.length)).slice(0, missing)) : build(base);
  }

  const sizeAt = (turns: number) => bodyBytes(build({ ...base, transcriptTurns: turns }));
  let lo = 1;
  let hi = 1;
  while (sizeAt(hi) < approxBytes && hi < 100_000) hi *= 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sizeAt(mid) < approxBytes) lo = mid + 1;
    else hi = mid;
  }
  const turns = lo > 1 && approxBytes - sizeAt(lo - 1) < sizeAt(lo) - approxBytes ? lo - 1 : lo;
  return build({ ...base, transcriptTurns: turns });
}

/** The ≈2 KB / ≈10 KB / ≈20 KB bodies the benchmark posts. */
export function benchPayload(event: SimEvent, opts: Partial<LifecycleOptions> = {}): RetellWebhookEnvelope {
  return payloadOfSize(event, BENCH_PAYLOAD_BYTES[event], opts);
}

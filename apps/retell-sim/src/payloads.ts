import { createHash } from 'node:crypto';
import type { RetellCall, RetellCallAnalysis, RetellTranscriptUtterance, RetellWebhookEnvelope } from '@retell-ops/retell';
import { callCost, callLatency, llmTokenUsage } from './call-metrics';
import { newCallId } from './random';
import { bookingAnalysis } from './live/booking';
import { saidThrough, scriptFields, turnPrefixes, type TranscriptFields } from './live/conversation';
import { conversationScript, timeScript, transcriptText, transferScript, voicemailScript, type ScriptLine } from './transcript';

// Builders for the call-lifecycle webhooks Retell sends (docs/retell.md#events, #envelope, #call-object, #analysis). Pure: no I/O.

/** Scenarios `POST /sim/calls` and the CLI play. */
export const SIM_SCENARIOS = ['answered', 'no_answer', 'busy', 'voicemail', 'booking', 'transfer', 'transfer_cancelled'] as const;
export type SimScenario = (typeof SIM_SCENARIOS)[number];

/** Every outcome a dialled call can have: the played scenarios plus two more dial failures (Retell API calls use them all). */
export const CALL_SCENARIOS = [...SIM_SCENARIOS, 'dial_failed', 'invalid_destination'] as const;
export type CallScenario = (typeof CALL_SCENARIOS)[number];

/** The call-lifecycle events (what drop modes and most tests count). */
export const SIM_EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;
export type SimEvent = (typeof SIM_EVENTS)[number];

export const TRANSFER_EVENTS = ['transfer_started', 'transfer_bridged', 'transfer_cancelled', 'transfer_ended'] as const;
export type TransferEvent = (typeof TRANSFER_EVENTS)[number];
/** Every call webhook the simulator sends: the lifecycle, transcript_updated (opt-in) and the transfer events. */
export type WebhookEvent = SimEvent | 'transcript_updated' | TransferEvent;

/** A call webhook body; transfer events carry transfer_destination and transfer_option beside `call`. */
export type SimEnvelope = RetellWebhookEnvelope & { transfer_destination?: { number: string; extension?: string }; transfer_option?: Record<string, unknown> };

export interface SimDelivery {
  event: WebhookEvent;
  body: SimEnvelope;
}

/** Scenarios whose agent calls its custom tools during the call (played live, not prebuilt). */
export const TOOL_SCENARIOS: readonly CallScenario[] = ['booking'];
export const TRANSFER_SCENARIOS: readonly CallScenario[] = ['transfer', 'transfer_cancelled'];
/** Where the transfer scenarios transfer to unless `transferTo` says otherwise. */
export const DEFAULT_TRANSFER_NUMBER = '+14155550111';

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
  /** the transcript (with tool calls) and analysis a live conversation produced (booking) */
  conversation?: { fields: TranscriptFields; analysis: RetellCallAnalysis };
  /** add transcript_updated at each turn change and a final one as the call ends */
  liveTranscript?: boolean;
  /** where a transfer scenario transfers to (default DEFAULT_TRANSFER_NUMBER) */
  transferTo?: string;
  /** a connected call's real length (a live call); default from the script's word timings */
  durationMs?: number;
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
  /** transcript_updated and transfer deliveries in time order (event_timestamp set); transcript_updated only with liveTranscript */
  liveDeliveries: SimDelivery[];
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
  /** transfer scenarios: the line after which the agent transfers, and whether the transfer connects */
  transfer?: { afterLine: number; bridged: boolean };
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
  booking: (opts) => ({
    // replaced by the live conversation (opts.conversation) once the tools have answered
    connected: true,
    script: conversationScript(opts.transcriptTurns ?? DEFAULT_TRANSCRIPT_TURNS),
    callStatus: 'ended',
    disconnectionReason: (script) => (script[script.length - 1][0] === 'agent' ? 'agent_hangup' : 'user_hangup'),
    analysis: () => bookingAnalysis(undefined),
  }),
  transfer: () => ({
    connected: true,
    script: transferScript(true),
    transfer: { afterLine: 2, bridged: true },
    callStatus: 'ended',
    disconnectionReason: () => 'call_transfer',
    analysis: () => ({
      call_summary: 'The user asked to speak with the front desk about a bill, and the agent transferred the call.',
      in_voicemail: false,
      user_sentiment: 'Neutral',
      call_successful: true,
      custom_analysis_data: { appointment_confirmed: false, transferred: true },
    }),
  }),
  transfer_cancelled: () => ({
    connected: true,
    script: transferScript(false),
    transfer: { afterLine: 2, bridged: false },
    callStatus: 'ended',
    disconnectionReason: () => 'agent_hangup',
    analysis: () => ({
      call_summary: 'The user asked to speak with the front desk; the transfer did not connect, so the agent promised a call back.',
      in_voicemail: false,
      user_sentiment: 'Neutral',
      call_successful: false,
      custom_analysis_data: { appointment_confirmed: false, transferred: false },
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
  const talk = opts.conversation?.fields ?? (outcome.connected ? scriptFields(outcome.script) : undefined);
  const script: ScriptLine[] = talk ? talk.transcript_object.map((u) => [u.role === 'user' ? 'user' : 'agent', u.content]) : outcome.script;
  const { utterances, endSec } = timeScript(script);
  const durationMs = outcome.connected ? (opts.durationMs ?? Math.round(endSec * 1000) + 800) : 0;
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
    disconnection_reason: outcome.disconnectionReason(script),
    transcript: transcriptText(utterances),
    transcript_object: utterances,
    // kept to the calls with tool calls, so the other scenarios' payloads (and the bench sizes) stay as they were
    ...(opts.conversation && { transcript_with_tool_calls: talk!.transcript_with_tool_calls }),
    ...(outcome.transfer?.bridged && { transfer_destination: opts.transferTo ?? DEFAULT_TRANSFER_NUMBER, transfer_end_timestamp: end }),
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
    analyzed: { ...ended, call_analysis: opts.conversation?.analysis ?? outcome.analysis(opts) },
    eventTimestamps: {
      ...(outcome.connected && { call_started: start + 120 }),
      call_ended: end + 350,
      call_analyzed: end + analysisLagMs,
    },
    liveDeliveries: talk ? liveDeliveries(basic, ended, talk, start, outcome, opts) : [],
  };
}

/**
 * transcript_updated at each turn change (when line k starts, carrying what was said before it)
 * and a final one as the call ends; the transfer events around the transfer line. In time order.
 */
function liveDeliveries(basic: RetellCall, ended: RetellCall, talk: TranscriptFields, start: number, outcome: Outcome, opts: LifecycleOptions): SimDelivery[] {
  const out: SimDelivery[] = [];
  const lines = talk.transcript_object;
  const startMs = (u: RetellTranscriptUtterance) => start + Math.round((u.words?.[0]?.start ?? 0) * 1000);
  const endMs = (u: RetellTranscriptUtterance) => start + Math.round((u.words?.[u.words.length - 1]?.end ?? 0) * 1000);
  if (opts.liveTranscript) {
    turnPrefixes(talk.transcript_with_tool_calls).forEach((fields, k) => {
      out.push({ event: 'transcript_updated', body: { event: 'transcript_updated', event_timestamp: startMs(lines[k + 1]), call: { ...basic, ...fields } } });
    });
    out.push({ event: 'transcript_updated', body: { event: 'transcript_updated', event_timestamp: ended.end_timestamp! + 100, call: ended } });
  }
  if (outcome.transfer) {
    const at = endMs(lines[outcome.transfer.afterLine]) + 200;
    const said = saidThrough(talk.transcript_with_tool_calls, outcome.transfer.afterLine + 1);
    const during = { ...basic, ...said };
    const destination = { transfer_destination: { number: opts.transferTo ?? DEFAULT_TRANSFER_NUMBER }, transfer_option: { type: 'cold_transfer' } };
    const settled = outcome.transfer.bridged ? 'transfer_bridged' : 'transfer_cancelled';
    out.push({ event: 'transfer_started', body: { event: 'transfer_started', event_timestamp: at, call: during, ...destination } });
    out.push({ event: settled, body: { event: settled, event_timestamp: at + 500, call: during, ...destination } });
    out.push(
      outcome.transfer.bridged
        ? { event: 'transfer_ended', body: { event: 'transfer_ended', event_timestamp: ended.end_timestamp! + 50, call: ended } }
        : { event: 'transfer_ended', body: { event: 'transfer_ended', event_timestamp: at + 650, call: during } },
    );
  }
  return out.sort((a, b) => a.body.event_timestamp! - b.body.event_timestamp!);
}

const envelope = (event: SimEvent, eventTimestamp: number, call: RetellCall): SimDelivery => ({
  event,
  body: { event, event_timestamp: eventTimestamp, call },
});

/**
 * The webhooks of one call in Retell's natural order; no call_started for a call that never
 * connected. transcript_updated (with `liveTranscript`) and transfer events sit between
 * call_started and call_ended, in time order.
 */
export function buildLifecycle(scenario: CallScenario, opts: LifecycleOptions): SimDelivery[] {
  return lifecycleOf(simulateCall(scenario, opts));
}

export function lifecycleOf(sim: SimulatedCall): SimDelivery[] {
  const ts = sim.eventTimestamps;
  return [
    ...(sim.started ? [envelope('call_started', ts.call_started!, sim.started)] : []),
    ...sim.liveDeliveries,
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

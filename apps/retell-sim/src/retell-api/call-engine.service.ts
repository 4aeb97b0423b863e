import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { RetellCall, RetellCallAnalysis } from '@retell-ops/retell';
import { callCost } from '../call-metrics';
import { retellApiConfig, SIM_CONFIG, type RetellApiConfig, type SimConfig } from '../config/sim-config';
import { deliver, isSuccess, webhookUrl, type PlannedDelivery } from '../delivery';
import { runBooking } from '../live/booking';
import type { CustomTool } from '../live/custom-tools';
import { LiveStats, type LiveStatsSnapshot } from '../live/live-stats';
import { callTool, type ToolCallInput, type ToolCallOutcome } from '../live/tool-request';
import type { ToolRunner } from '../play';
import { simulateCall, TOOL_SCENARIOS, type CallScenario, type SimEnvelope, type SimulatedCall, type WebhookEvent } from '../payloads';
import { newCallId, seededRandom } from '../random';
import { transcriptText } from '../transcript';
import { AgentDirectory } from './agents';
import { listCalls, type CallListPage, type ListQuery } from './list-calls';
import type { BatchRequest, CallRequest, CallTimeWindow } from './request-validation';
import { assetNotFound, badRequest, rateLimited, serverError } from './retell-errors';
import {
  chooseScenario,
  createDelayFromMetadata,
  createFaultFromMetadata,
  customAnalysisFromMetadata,
  liveTranscriptFromMetadata,
  transferToFromMetadata,
  SCENARIO_ENDINGS,
  timingFromMetadata,
  type CallTiming,
} from './scenario';

/** One call the simulated Retell placed, from create-phone-call or a batch task. */
interface CallRecord {
  seq: number;
  callId: string;
  createdAt: number;
  scenario: CallScenario;
  /** the configured timings, or the call's own from metadata */
  timing: CallTiming;
  /** the call at every stage, as the webhook builders make it (timestamps are set as it plays) */
  sim: SimulatedCall;
  /** fields the builders do not know: custom_sip_headers, agent_name, agent_tag, batch_call_id */
  extra: Record<string, unknown>;
  /** what get-call answers now */
  call: RetellCall;
  /** holds a concurrency slot (from creation until it ends) */
  live: boolean;
  connectedAt?: number;
  timer?: NodeJS.Timeout;
  /** webhooks of one call go out one after another, in order */
  deliveries: Promise<void>;
  /** the workspace key its webhooks are signed with (default: the configured apiKey) */
  signingKey?: string;
  /** where its webhooks go: the agent's own webhook_url; absent, the account's (the gateway's webhook route) */
  webhookUrl?: string;
  /** sends transcript_updated (setting, metadata.sim_live_transcript, or the agent's webhook_events) */
  liveTranscript: boolean;
  /** the request's dynamic variables (tool headers and arguments) */
  dynamicVariables?: Record<string, string>;
  /** timers of the mid-call webhooks (transcript_updated, transfer_*) */
  liveTimers: NodeJS.Timeout[];
}

interface BatchRecord {
  batchCallId: string;
  fromNumber: string;
  reserved: number;
  queue: Array<Omit<CallRequest, 'fromNumber'>>;
  triggered: boolean;
}

export interface BatchCallResponse {
  batch_call_id: string;
  name: string;
  from_number: string;
  scheduled_timestamp: number;
  total_task_count: number;
  call_time_window?: CallTimeWindow;
}

export interface ConcurrencyResponse {
  current_concurrency: number;
  concurrency_limit: number;
  base_concurrency: number;
  purchased_concurrency: number;
  concurrency_purchase_limit: number;
  remaining_purchase_limit: number;
  concurrency_burst_enabled: boolean;
  concurrency_burst_limit: number;
  reserved_inbound_concurrency: number;
}

export interface SimStats {
  /** most calls live at once since start or the last reset */
  maxConcurrentObserved: number;
  live: number;
  created: number;
  ended: number;
  byDisconnectionReason: Record<string, number>;
  /** batch tasks waiting for their trigger time or a free slot */
  queued: number;
  /** create-phone-call answered 429 (no call created); 500s are in the create records (GET /sim/creates) */
  rateLimited: number;
  /** final webhooks not delivered (dropWebhookShare) */
  droppedWebhooks: number;
  /** agents' tool requests and inbound-webhook requests (the played calls' too) */
  toolCalls: LiveStatsSnapshot['toolCalls'];
  inbound: LiveStatsSnapshot['inbound'];
}

/** One create-phone-call (or batch task) as the simulated Retell saw it: the record tests check the dialer against. */
export interface CreateRecord {
  at: number;
  toNumber: string;
  /** absent when no call was created (429, or a 500 before the call was made) */
  callId?: string;
  /**
   * rate_limited: 429, no call; server_error: 500, no call; concurrency_limited: ended at once,
   * never rang; dialled: rang (and maybe connected)
   */
  result: 'rate_limited' | 'server_error' | 'concurrency_limited' | 'dialled';
  /** the HTTP status create-phone-call answered (a call may exist although it is 500) */
  status: 201 | 429 | 500;
  /** how long the answer was held back after the call was made (slow creates), when it was */
  answerDelayMs?: number;
  /** the caller had hung up (timed out, or died) by the time the held-back answer was ready */
  callerGone?: boolean;
  /** the platform's call id from the metadata, when it sent one */
  platformCallId?: string;
}

/** What create-phone-call answers, and after how long. */
export interface CreateAnswer {
  call: RetellCall;
  /** hold the answer back this long (the call is already placed) */
  delayMs: number;
  /** the create's entry in GET /sim/creates, for the controller to complete */
  record: CreateRecord;
}

type FaultKind = 'rateLimit' | 'concurrency' | 'drop' | 'serverError' | 'serverErrorAfter' | 'slow';

export type StopResult = 'stopped' | 'unknown' | 'not_active';

/** `metadata.sim_drop_events`: events of this one call never delivered (a list of event names; anything else is ignored). */
function dropEventsFromMetadata(metadata: unknown): string[] {
  const v = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).sim_drop_events : undefined;
  return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
}

function platformCallIdOf(metadata: unknown): string | undefined {
  const v = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>).rops_call_id : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Fields a call only has once it has ended (or, telephony_identifier, once it is dialled). */
const NOT_YET_REGISTERED = new Set([
  'start_timestamp',
  'end_timestamp',
  'duration_ms',
  'disconnection_reason',
  'transcript',
  'transcript_object',
  'recording_url',
  'public_log_url',
  'latency',
  'llm_token_usage',
  'call_cost',
  'call_analysis',
  'telephony_identifier',
]);

const MAX_TIMER_MS = 2 ** 31 - 1;
const CONCURRENCY_PURCHASE_LIMIT = 100;

/**
 * The simulated Retell account: places calls, plays each on timers (registered → ringing →
 * connected or not → ended → analysed), enforces the concurrency limit, paces batch calls and
 * delivers each call's signed webhooks to the gateway.
 */
@Injectable()
export class CallEngine implements OnApplicationShutdown {
  private readonly logger = new Logger('RetellApi');
  readonly settings: RetellApiConfig;
  readonly agents: AgentDirectory;
  private readonly calls = new Map<string, CallRecord>();
  private batches: BatchRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private epoch = 0;
  private closed = false;
  private liveCount = 0;
  private counters = {
    maxConcurrentObserved: 0,
    created: 0,
    ended: 0,
    byDisconnectionReason: {} as Record<string, number>,
    rateLimited: 0,
    droppedWebhooks: 0,
  };
  private creates: CreateRecord[] = [];
  /** tool and inbound-webhook counters, shared with the played calls */
  readonly live = new LiveStats();
  /** one seeded stream per kind of fault, so one fault's draws never shift another's */
  private faults: Record<FaultKind, () => number>;

  constructor(@Inject(SIM_CONFIG) private readonly config: SimConfig) {
    this.settings = retellApiConfig(config);
    this.faults = this.faultStreams();
    this.agents = new AgentDirectory(config.defaultAgentId, this.settings.agents, [config.defaultFromNumber, ...this.settings.phoneNumbers]);
  }

  // ── API operations ────────────────────────────────────────────────────────────────────────

  /** create-phone-call: the call as registered; it then plays on its own. */
  createPhoneCall(req: CallRequest): RetellCall {
    return this.createPhoneCallAnswer(req).call;
  }

  /**
   * create-phone-call with its faults: a 429 or a 500 before any call is made, a 500 after the
   * call is made (it plays on), or an answer held back after the call is made (a slow create).
   * The faults are drawn in that order, each from its own seeded stream; `metadata.sim_create_fault`
   * names a 500 for one call and `sim_create_delay_ms` its delay.
   */
  createPhoneCallAnswer(req: CallRequest): CreateAnswer {
    this.checkAgent(req.overrideAgentId);
    const platformCallId = platformCallIdOf(req.metadata);
    if (this.draw('rateLimit', this.settings.rateLimitShare)) {
      this.counters.rateLimited++;
      this.recordCreate({ at: Date.now(), toNumber: req.toNumber, result: 'rate_limited', status: 429, platformCallId });
      throw rateLimited(this.settings.rateLimitRetryAfterSec);
    }
    const named = createFaultFromMetadata(req.metadata);
    if (named === 'server_error' || this.draw('serverError', this.settings.serverErrorShare)) {
      this.recordCreate({ at: Date.now(), toNumber: req.toNumber, result: 'server_error', status: 500, platformCallId });
      throw serverError();
    }
    const { call, record } = this.place(req);
    if (named === 'server_error_after_create' || this.draw('serverErrorAfter', this.settings.serverErrorAfterCreateShare)) {
      record.status = 500;
      throw serverError();
    }
    const delayMs = createDelayFromMetadata(req.metadata) || (this.draw('slow', this.settings.slowCreateShare) ? this.settings.slowCreateMs : 0);
    if (delayMs) record.answerDelayMs = delayMs;
    return { call, delayMs, record };
  }

  /**
   * A call played by POST /sim/calls (not placed through this API): kept as it is once over, so
   * list-calls and get-call answer for it as Retell would. It holds no slot and plays nothing.
   */
  adopt(call: RetellCall): void {
    const now = Date.now();
    const { ringMs, talkMs, analysisMs } = this.settings;
    this.store({
      seq: ++this.seq,
      callId: call.call_id,
      createdAt: (call.start_timestamp as number | undefined) ?? now,
      scenario: 'answered',
      timing: { ringMs, talkMs, analysisMs },
      sim: undefined as unknown as SimulatedCall, // never played here
      extra: {},
      call,
      live: false,
      deliveries: Promise.resolve(),
      liveTranscript: false,
      liveTimers: [],
    });
  }

  /** Every create since start or the last reset, oldest first. */
  createRecords(): CreateRecord[] {
    return [...this.creates];
  }

  getCall(callId: string): RetellCall | undefined {
    return this.calls.get(callId)?.call;
  }

  list(query: ListQuery): CallListPage {
    const entries = [...this.calls.values()].map((r) => ({ ts: (r.call.start_timestamp as number | undefined) ?? r.createdAt, seq: r.seq, call: r.call }));
    return listCalls(entries, query);
  }

  /** stop-call: a registered (ringing) call ends not connected, an ongoing one ends; both with manual_stopped. */
  stopCall(callId: string): StopResult {
    const rec = this.calls.get(callId);
    if (!rec) return 'unknown';
    if (rec.call.call_status === 'registered') {
      this.clearTimer(rec);
      this.endNotConnected(rec, 'manual_stopped', 'The call was stopped before it connected.');
      return 'stopped';
    }
    if (rec.call.call_status === 'ongoing') {
      this.clearTimer(rec);
      this.hangUp(rec, 'manual_stopped');
      return 'stopped';
    }
    return 'not_active';
  }

  createBatch(req: BatchRequest): BatchCallResponse {
    for (const task of req.tasks) this.checkAgent(task.overrideAgentId);
    const queued = this.stats().queued;
    if (queued + req.tasks.length > this.settings.callStoreLimit) {
      throw badRequest(
        `Too many batch tasks waiting: ${queued} queued and ${req.tasks.length} more would pass the simulator's limit of ${this.settings.callStoreLimit}.`,
      );
    }
    const now = Date.now();
    const scheduled = req.triggerTimestamp !== undefined && req.triggerTimestamp > now ? req.triggerTimestamp : now;
    const batch: BatchRecord = {
      batchCallId: `batch_call_${randomBytes(12).toString('hex')}`,
      fromNumber: req.fromNumber,
      reserved: req.reservedConcurrency ?? 0,
      queue: [...req.tasks],
      triggered: false,
    };
    this.batches.push(batch);
    const trigger = () => {
      batch.triggered = true;
      this.pump();
    };
    if (scheduled > now) this.scheduleAt(scheduled, trigger);
    else trigger();
    return {
      batch_call_id: batch.batchCallId,
      name: req.name ?? '',
      from_number: req.fromNumber,
      scheduled_timestamp: scheduled,
      total_task_count: req.tasks.length,
      ...(req.callTimeWindow && { call_time_window: req.callTimeWindow }),
    };
  }

  concurrency(): ConcurrencyResponse {
    const limit = this.settings.concurrencyLimit;
    return {
      current_concurrency: this.liveCount,
      concurrency_limit: limit,
      base_concurrency: limit,
      purchased_concurrency: 0,
      concurrency_purchase_limit: CONCURRENCY_PURCHASE_LIMIT,
      remaining_purchase_limit: CONCURRENCY_PURCHASE_LIMIT,
      concurrency_burst_enabled: false,
      concurrency_burst_limit: 0,
      reserved_inbound_concurrency: 0,
    };
  }

  // ── per-run record for tests ─────────────────────────────────────────────────────────────

  stats(): SimStats {
    return {
      maxConcurrentObserved: this.counters.maxConcurrentObserved,
      live: this.liveCount,
      created: this.counters.created,
      ended: this.counters.ended,
      byDisconnectionReason: { ...this.counters.byDisconnectionReason },
      queued: this.batches.reduce((n, b) => n + b.queue.length, 0),
      rateLimited: this.counters.rateLimited,
      droppedWebhooks: this.counters.droppedWebhooks,
      ...this.live.snapshot(),
    };
  }

  /** Calls one of an agent's tools as Retell does (signed with this account's key), counted in the stats. */
  async callTool(tool: CustomTool, input: ToolCallInput, signingKey?: string): Promise<ToolCallOutcome> {
    const outcome = await callTool(tool, input, signingKey ?? this.config.apiKey, { backoffBaseMs: this.settings.toolRetryBaseMs });
    this.live.recordTool(outcome);
    if (!outcome.successful)
      this.logger.warn(`tool ${tool.name} → ${tool.url}: failed after ${outcome.attempts.length} attempt(s): ${outcome.content.slice(0, 200)}`);
    return outcome;
  }

  /** The tools side of playing a call: the agent's custom tools, called and counted here. */
  toolRunner(signingKey?: string): ToolRunner {
    return { toolsOf: (agentId) => this.agents.toolsOf(agentId), callTool: (tool, input) => this.callTool(tool, input, signingKey) };
  }

  /** Forgets every call and batch, cancels everything in flight (no more webhooks) and zeroes the counters. */
  reset(): void {
    this.epoch++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.calls.clear();
    this.batches = [];
    this.liveCount = 0;
    this.counters = { maxConcurrentObserved: 0, created: 0, ended: 0, byDisconnectionReason: {}, rateLimited: 0, droppedWebhooks: 0 };
    this.creates = [];
    this.faults = this.faultStreams();
    this.live.reset();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ── playing a call ───────────────────────────────────────────────────────────────────────

  private checkAgent(agentId: string | undefined): void {
    if (this.settings.strictAgents && agentId !== undefined && !this.agents.get(agentId)) throw assetNotFound();
  }

  private place(req: CallRequest, batchCallId?: string): { call: RetellCall; record: CreateRecord } {
    const now = Date.now();
    const agentId = req.overrideAgentId ?? this.config.defaultAgentId;
    const agent = this.agents.get(agentId);
    const version = req.overrideAgentVersion;
    const numericVersion = typeof version === 'number' ? version : typeof version === 'string' && /^\d+$/.test(version) ? Number(version) : undefined;
    const tag = typeof version === 'string' && numericVersion === undefined && version !== 'latest' ? version : undefined;
    const scenario = chooseScenario(req.toNumber, req.metadata);
    const callId = newCallId();
    const liveTranscript =
      this.settings.transcriptUpdates || liveTranscriptFromMetadata(req.metadata) || this.agents.webhookEvents(agentId).includes('transcript_updated');
    const sim = simulateCall(scenario, {
      callId,
      agentId,
      agentVersion: numericVersion ?? agent?.version ?? 1,
      fromNumber: req.fromNumber,
      toNumber: req.toNumber,
      direction: 'outbound',
      metadata: req.metadata,
      dynamicVariables: req.dynamicVariables,
      customAnalysis: customAnalysisFromMetadata(req.metadata),
      startTimestamp: now,
      liveTranscript,
      transferTo: transferToFromMetadata(req.metadata),
    });
    const extra: Record<string, unknown> = {
      ...(agent && { agent_name: agent.agent_name }),
      ...(tag && { agent_tag: tag }),
      ...(req.customSipHeaders && { custom_sip_headers: req.customSipHeaders }),
      ...(batchCallId && { batch_call_id: batchCallId }),
    };
    const registered = {
      ...(Object.fromEntries(Object.entries(sim.ended).filter(([k]) => !NOT_YET_REGISTERED.has(k))) as RetellCall),
      call_status: 'registered',
      ...extra,
    };
    const overrides = timingFromMetadata(req.metadata);
    const { ringMs, talkMs, analysisMs } = this.settings;
    const timing = { ringMs, talkMs, analysisMs, ...('error' in overrides ? {} : overrides) };
    const rec: CallRecord = {
      seq: ++this.seq,
      callId,
      createdAt: now,
      scenario,
      timing,
      sim,
      extra,
      call: registered,
      live: false,
      deliveries: Promise.resolve(),
      signingKey: req.signingKey,
      webhookUrl: this.agents.webhookUrl(agentId),
      liveTranscript,
      dynamicVariables: req.dynamicVariables,
      liveTimers: [],
    };
    this.store(rec);
    this.counters.created++;

    const platformCallId = platformCallIdOf(req.metadata);
    if (this.liveCount >= this.settings.concurrencyLimit || this.draw('concurrency', this.settings.concurrencyFaultShare)) {
      const record = this.recordCreate({ at: now, toNumber: req.toNumber, callId, result: 'concurrency_limited', status: 201, platformCallId });
      // no slot: Retell ends the call at once, and still sends call_ended and call_analyzed
      this.endNotConnected(rec, 'concurrency_limit_reached', `The call was not placed: the concurrency limit (${this.settings.concurrencyLimit}) was reached.`);
      return { call: registered, record };
    }
    const record = this.recordCreate({ at: now, toNumber: req.toNumber, callId, result: 'dialled', status: 201, platformCallId });
    rec.live = true;
    this.liveCount++;
    this.counters.maxConcurrentObserved = Math.max(this.counters.maxConcurrentObserved, this.liveCount);
    rec.timer = this.schedule(rec.timing.ringMs, () => this.ringOut(rec));
    return { call: registered, record };
  }

  private ringOut(rec: CallRecord): void {
    const ending = SCENARIO_ENDINGS[rec.scenario];
    if (!ending.connected) return this.endNotConnected(rec, rec.sim.ended.disconnection_reason!);
    rec.connectedAt = Date.now();
    rec.call = { ...rec.sim.started!, start_timestamp: rec.connectedAt, ...rec.extra };
    this.emit(rec, 'call_started', rec.call);
    if (TOOL_SCENARIOS.includes(rec.scenario)) {
      void this.talkWithTools(rec);
      return;
    }
    this.scheduleMidCall(rec);
    rec.timer = this.schedule(rec.timing.talkMs, () => this.hangUp(rec));
  }

  /** transcript_updated and transfer events said before the end, spread over the talk time as the script spaces them. */
  private scheduleMidCall(rec: CallRecord): void {
    const start = rec.sim.started!.start_timestamp!;
    const end = rec.sim.ended.end_timestamp!;
    const scale = rec.timing.talkMs / Math.max(1, end - start);
    for (const d of rec.sim.liveDeliveries) {
      if (d.event === 'transcript_updated' && !rec.liveTranscript) continue;
      const at = d.body.event_timestamp! - start;
      if (at >= end - start) continue; // after the end: sent by hangUp
      const timer = this.schedule(Math.round(at * scale), () => {
        if (rec.call.call_status !== 'ongoing') return;
        this.emit(rec, d.event, { ...d.body.call, start_timestamp: rec.connectedAt, ...rec.extra }, transferFields(d.body));
      });
      rec.liveTimers.push(timer);
    }
  }

  /** A booking call: the agent calls its tools now, then the call ends when the talk time is up (or at once if the tools took longer). */
  private async talkWithTools(rec: CallRecord): Promise<void> {
    const epoch = this.epoch;
    const started = rec.call;
    try {
      const result = await runBooking({
        callId: rec.callId,
        tools: this.agents.toolsOf(started.agent_id),
        dynamicVariables: rec.dynamicVariables,
        metadata: started.metadata,
        customerNumber: String(started.direction === 'inbound' ? started.from_number : started.to_number),
        now: rec.connectedAt!,
        callTool: (tool, input) => this.callTool(tool, { ...input, dynamicVariables: rec.dynamicVariables }, rec.signingKey),
        callObject: () => started,
        ...(rec.liveTranscript && {
          onTurn: (fields) => {
            if (epoch === this.epoch && rec.call.call_status === 'ongoing') this.emit(rec, 'transcript_updated', { ...started, ...fields });
          },
        }),
      });
      if (epoch !== this.epoch || rec.call.call_status !== 'ongoing') return; // reset or stopped meanwhile
      const base = rec.sim.ended;
      rec.sim = simulateCall(rec.scenario, {
        callId: rec.callId,
        agentId: base.agent_id,
        agentVersion: base.agent_version,
        fromNumber: String(base.from_number),
        toNumber: String(base.to_number),
        direction: base.direction,
        metadata: base.metadata,
        dynamicVariables: base.retell_llm_dynamic_variables,
        startTimestamp: rec.connectedAt,
        liveTranscript: rec.liveTranscript,
        conversation: { fields: result.fields, analysis: { ...result.analysis, ...customAnalysisOverride(base.metadata, result.analysis) } },
      });
      rec.timer = this.schedule(Math.max(0, rec.timing.talkMs - (Date.now() - rec.connectedAt!)), () => this.hangUp(rec));
    } catch (err) {
      this.logger.error(`booking ${rec.callId}: ${err instanceof Error ? err.message : String(err)}`);
      rec.timer = this.schedule(0, () => this.hangUp(rec));
    }
  }

  /** A connected call ends: naturally, or cut short by stop-call. */
  private hangUp(rec: CallRecord, reason?: 'manual_stopped'): void {
    const start = rec.connectedAt!;
    const end = Date.now();
    const duration = end - start;
    let ended: RetellCall = {
      ...rec.sim.ended,
      start_timestamp: start,
      end_timestamp: end,
      duration_ms: duration,
      call_cost: callCost(duration),
      ...rec.extra,
    };
    let analysis = rec.sim.analyzed.call_analysis!;
    const simEnd = rec.sim.ended.end_timestamp!;
    // what Retell sends as the call ends: transfer_ended of a bridged transfer, the final transcript_updated
    const closing = reason
      ? []
      : rec.sim.liveDeliveries.filter((d) => d.body.event_timestamp! >= simEnd && (d.event !== 'transcript_updated' || rec.liveTranscript));
    if (reason) {
      // keep what was said before the stop
      const utterances = rec.sim.ended.transcript_object ?? [];
      const talkMs = Math.max(1, rec.timing.talkMs);
      const said = utterances.slice(0, Math.max(1, Math.ceil((Math.min(duration, talkMs) / talkMs) * utterances.length)));
      ended = { ...ended, disconnection_reason: reason, transcript: transcriptText(said), transcript_object: said };
      analysis = { ...analysis, call_successful: false, call_summary: `The call was stopped before it finished. ${analysis.call_summary ?? ''}`.trim() };
      delete ended.transfer_destination;
      delete ended.transfer_end_timestamp;
      if (rec.liveTranscript) closing.push({ event: 'transcript_updated', body: { event: 'transcript_updated', call: ended } });
    }
    if (ended.transfer_end_timestamp !== undefined) ended.transfer_end_timestamp = end;
    for (const d of closing)
      this.emit(rec, d.event, d.body.call.call_status === 'ended' ? ended : { ...d.body.call, start_timestamp: start, ...rec.extra }, transferFields(d.body));
    this.finish(rec, ended, analysis);
  }

  private endNotConnected(rec: CallRecord, reason: string, summary?: string): void {
    const now = Date.now();
    const base = rec.sim.ended;
    const ended: RetellCall = {
      ...base,
      call_status: 'not_connected',
      start_timestamp: now,
      end_timestamp: now,
      duration_ms: 0,
      disconnection_reason: reason,
      transcript: '',
      transcript_object: [],
      latency: {},
      call_cost: callCost(0),
      ...rec.extra,
    };
    delete ended.recording_url;
    delete ended.llm_token_usage;
    const analysis: RetellCallAnalysis = SCENARIO_ENDINGS[rec.scenario].connected
      ? { call_summary: summary ?? 'The call did not connect.', in_voicemail: false, user_sentiment: 'Unknown', call_successful: false }
      : { ...rec.sim.analyzed.call_analysis!, ...(summary && { call_summary: summary }) };
    this.finish(rec, ended, analysis);
  }

  private finish(rec: CallRecord, ended: RetellCall, analysis: RetellCallAnalysis): void {
    rec.call = ended;
    if (rec.live) {
      rec.live = false;
      this.liveCount--;
    }
    this.counters.ended++;
    const reason = ended.disconnection_reason ?? 'unknown';
    this.counters.byDisconnectionReason[reason] = (this.counters.byDisconnectionReason[reason] ?? 0) + 1;
    this.emit(rec, 'call_ended', ended);
    rec.timer = this.schedule(rec.timing.analysisMs, () => {
      rec.timer = undefined;
      rec.call = { ...ended, call_analysis: analysis };
      this.emit(rec, 'call_analyzed', rec.call);
    });
    this.pump();
  }

  // ── batches ──────────────────────────────────────────────────────────────────────────────

  /** Starts queued batch tasks while slots are free, keeping each batch's reserved_concurrency for other calls. */
  private pump(): void {
    for (const batch of this.batches) {
      if (!batch.triggered) continue;
      const cap = this.settings.concurrencyLimit - batch.reserved;
      while (batch.queue.length && this.liveCount < cap) {
        this.place({ fromNumber: batch.fromNumber, ...batch.queue.shift()! }, batch.batchCallId);
      }
    }
    this.batches = this.batches.filter((b) => !b.triggered || b.queue.length);
  }

  // ── plumbing ─────────────────────────────────────────────────────────────────────────────

  private faultStreams(): Record<FaultKind, () => number> {
    const seed = this.settings.faultSeed;
    return {
      rateLimit: seededRandom(seed),
      concurrency: seededRandom(seed + 1),
      drop: seededRandom(seed + 2),
      serverError: seededRandom(seed + 3),
      serverErrorAfter: seededRandom(seed + 4),
      slow: seededRandom(seed + 5),
    };
  }

  /** Whether this fault strikes now: never for a share of 0 (and no draw, so other streams are unchanged). */
  private draw(kind: FaultKind, share: number): boolean {
    return share > 0 && this.faults[kind]() < share;
  }

  private recordCreate(record: CreateRecord): CreateRecord {
    this.creates.push(record);
    if (this.creates.length > this.settings.callStoreLimit) this.creates.splice(0, this.creates.length - this.settings.callStoreLimit);
    return record;
  }

  private store(rec: CallRecord): void {
    this.calls.set(rec.callId, rec);
    if (this.calls.size <= this.settings.callStoreLimit) return;
    for (const [id, old] of this.calls) {
      if (this.calls.size <= this.settings.callStoreLimit) break;
      if (!old.live && old !== rec) this.calls.delete(id);
    }
  }

  private emit(rec: CallRecord, event: WebhookEvent, call: RetellCall, extra: Partial<SimEnvelope> = {}): void {
    const dropNamed = dropEventsFromMetadata(call.metadata).includes(event);
    if (dropNamed || ((this.settings.dropEvents as string[]).includes(event) && this.draw('drop', this.settings.dropFinalWebhookShare))) {
      this.counters.droppedWebhooks++;
      this.logger.log(`${event} ${rec.callId}: not delivered (fault)`);
      return;
    }
    const epoch = this.epoch;
    const delivery: PlannedDelivery = { event, copy: 1, body: { event, call, ...extra } };
    rec.deliveries = rec.deliveries
      .then(async () => {
        if (this.closed || epoch !== this.epoch) return;
        delivery.body = { event, event_timestamp: Date.now(), call, ...extra };
        const [result] = await deliver([delivery], {
          gatewayUrl: this.config.gatewayUrl,
          url: rec.webhookUrl,
          apiKey: rec.signingKey ?? this.config.apiKey,
          timeoutMs: this.settings.webhookTimeoutMs,
          retries: this.settings.webhookRetries,
          retryDelayMs: this.settings.webhookRetryDelayMs,
        });
        if (!isSuccess(result)) {
          this.logger.warn(
            `${event} ${rec.callId} → ${rec.webhookUrl ?? webhookUrl(this.config.gatewayUrl)}: ${result.status || result.error} ${result.body.slice(0, 200)}`.trim(),
          );
        }
      })
      .catch((err: unknown) => this.logger.error(`${event} ${rec.callId} not delivered: ${err instanceof Error ? err.message : String(err)}`));
  }

  private clearTimer(rec: CallRecord): void {
    for (const t of rec.liveTimers.splice(0)) {
      clearTimeout(t);
      this.timers.delete(t);
    }
    if (rec.timer) {
      clearTimeout(rec.timer);
      this.timers.delete(rec.timer);
      rec.timer = undefined;
    }
  }

  private schedule(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      try {
        fn();
      } catch (err) {
        this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      }
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private scheduleAt(when: number, fn: () => void): void {
    const delay = when - Date.now();
    if (delay > MAX_TIMER_MS) this.schedule(MAX_TIMER_MS, () => this.scheduleAt(when, fn));
    else this.schedule(Math.max(0, delay), fn);
  }
}

/** The top-level transfer fields of a transfer event's body (none for other events). */
function transferFields(body: SimEnvelope): Partial<SimEnvelope> {
  return {
    ...(body.transfer_destination && { transfer_destination: body.transfer_destination }),
    ...(body.transfer_option && { transfer_option: body.transfer_option }),
  };
}

/** metadata.sim_custom_analysis over the booking's own analysis fields (tests pin a field that way). */
function customAnalysisOverride(metadata: unknown, analysis: RetellCallAnalysis): RetellCallAnalysis {
  const custom = customAnalysisFromMetadata(metadata);
  return custom ? { custom_analysis_data: { ...(analysis.custom_analysis_data as object), ...(custom as object) } } : {};
}

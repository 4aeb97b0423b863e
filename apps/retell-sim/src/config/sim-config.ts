import type { AppEnv } from '@retell-ops/config';
import type { PlayTarget } from '../play';

export const SIM_CONFIG = Symbol('SIM_CONFIG');

/** An agent the simulated Retell account owns (get-agent answers for it). */
export interface SimAgent {
  agent_id: string;
  agent_name?: string;
  /** default 1 */
  version?: number;
}

/** The simulated Retell REST API (RetellApiModule). Every field has a default. */
export interface RetellApiConfig {
  /** calls live at once; a call created at the limit ends with concurrency_limit_reached (default 20, Retell's pay-as-you-go default) */
  concurrencyLimit: number;
  /** registered → connected / not connected (default 300 ms) */
  ringMs: number;
  /** connected → ended (default 1500 ms) */
  talkMs: number;
  /** ended → analysed (default 300 ms) */
  analysisMs: number;
  /** calls kept in memory; the oldest finished ones are dropped past it (default 10000) */
  callStoreLimit: number;
  /** agents besides the default one that get-agent knows */
  agents: SimAgent[];
  /** phone numbers the account owns besides defaultFromNumber (list/get/update-phone-number answer for them) */
  phoneNumbers: string[];
  /** true: create calls only for known agents (unknown override_agent_id → 422); default false, any agent id is dialled */
  strictAgents: boolean;
  /** Faults for tests, each drawn from its own stream seeded by this (same seed, same faults; default 1) */
  faultSeed: number;
  /** share (0–1) of create-phone-call answered 429 with a Retry-After header; no call is created (default 0) */
  rateLimitShare: number;
  /** the Retry-After of those 429s, in seconds (default 1) */
  rateLimitRetryAfterSec: number;
  /** share (0–1) of created calls that end at once with concurrency_limit_reached whatever the load (default 0) */
  concurrencyFaultShare: number;
  /** share (0–1) of final webhooks (call_ended, call_analyzed) never delivered (default 0) */
  dropFinalWebhookShare: number;
  /** the events dropFinalWebhookShare applies to (default call_ended and call_analyzed) */
  dropEvents: Array<'call_started' | 'call_ended' | 'call_analyzed'>;
  /** Retell-style retries of a webhook that got no 2xx or no answer within webhookTimeoutMs (default 3, as Retell) */
  webhookRetries: number;
  /** per-try webhook timeout (default 10000 ms, Retell's) */
  webhookTimeoutMs: number;
  /** pause before each webhook retry (default 1000 ms) */
  webhookRetryDelayMs: number;
  /** share (0–1) of create-phone-call answered 500 before any call is made (default 0) */
  serverErrorShare: number;
  /** share (0–1) of create-phone-call answered 500 although the call was made and plays on (default 0) */
  serverErrorAfterCreateShare: number;
  /** share (0–1) of create-phone-call whose call is made at once but whose answer comes slowCreateMs later (default 0) */
  slowCreateShare: number;
  /** how late a slow create answers, in ms (default 35000: past the platform's 30 s client timeout) */
  slowCreateMs: number;
  /** API-created calls send transcript_updated at each turn change and a final one (default false; per call: metadata.sim_live_transcript) */
  transcriptUpdates: boolean;
  /** the first backoff before a tool request is retried, doubled each retry, plus jitter (default 500 ms; Retell does not publish its schedule) */
  toolRetryBaseMs: number;
  /** inbound webhook: per-attempt timeout (default 10000 ms), retries after the first (default 3), pause before each retry (default 1000 ms) */
  inboundTimeoutMs: number;
  inboundRetries: number;
  inboundRetryDelayMs: number;
}

export const RETELL_API_DEFAULTS: RetellApiConfig = {
  concurrencyLimit: 20,
  ringMs: 300,
  talkMs: 1500,
  analysisMs: 300,
  callStoreLimit: 10_000,
  agents: [],
  phoneNumbers: [],
  strictAgents: false,
  faultSeed: 1,
  rateLimitShare: 0,
  rateLimitRetryAfterSec: 1,
  concurrencyFaultShare: 0,
  dropFinalWebhookShare: 0,
  dropEvents: ['call_ended', 'call_analyzed'],
  webhookRetries: 3,
  webhookTimeoutMs: 10_000,
  webhookRetryDelayMs: 1000,
  serverErrorShare: 0,
  serverErrorAfterCreateShare: 0,
  transcriptUpdates: false,
  toolRetryBaseMs: 500,
  inboundTimeoutMs: 10_000,
  inboundRetries: 3,
  inboundRetryDelayMs: 1000,
  slowCreateShare: 0,
  slowCreateMs: 35_000,
};

export interface SimConfig extends PlayTarget {
  /** how many played calls GET /sim/calls keeps */
  historyLimit: number;
  /**
   * Further keys of the simulated workspace its REST API accepts beside `apiKey` (a second
   * tenant's key, a key rotated in); webhooks are still signed with `apiKey`.
   */
  otherApiKeys?: string[];
  /**
   * Keys of other Retell workspaces (accounts), accepted by the REST API like `otherApiKeys`; a call
   * created with one of them is signed with it, as that account's webhooks are (two tenants with
   * their own Retell accounts). Agents and numbers stay one shared list.
   */
  workspaceKeys?: string[];
  /** the simulated Retell REST API; omitted fields take RETELL_API_DEFAULTS */
  retellApi?: Partial<RetellApiConfig>;
}

export const DEFAULT_TO_NUMBER = '+14155550123';

export function retellApiConfig(config: SimConfig): RetellApiConfig {
  return { ...RETELL_API_DEFAULTS, ...stripUndefined(config.retellApi ?? {}) };
}

const stripUndefined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

function intVar(source: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = source[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return Number(raw);
}

function shareVar(source: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = source[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(raw)) throw new Error(`${name} must be a share from 0 to 1, got "${raw}"`);
  return Number(raw);
}

const EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;

function eventsVar(source: NodeJS.ProcessEnv, name: string): RetellApiConfig['dropEvents'] | undefined {
  const raw = source[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const list = raw.split(',').map((s) => s.trim());
  const bad = list.find((e) => !(EVENTS as readonly string[]).includes(e));
  if (bad !== undefined) throw new Error(`${name} must list events of ${EVENTS.join(', ')}, got "${bad}"`);
  return list as RetellApiConfig['dropEvents'];
}

/**
 * The fault settings (tests): RETELL_SIM_FAULT_SEED, _RATE_LIMIT_SHARE, _RATE_LIMIT_RETRY_AFTER_S,
 * _CONCURRENCY_FAULT_SHARE, _DROP_FINAL_WEBHOOK_SHARE, _DROP_EVENTS, _WEBHOOK_RETRIES, _WEBHOOK_TIMEOUT_MS,
 * _WEBHOOK_RETRY_DELAY_MS, _SERVER_ERROR_SHARE,
 * _SERVER_ERROR_AFTER_CREATE_SHARE, _SLOW_CREATE_SHARE, _SLOW_CREATE_MS.
 */
function faultsFromEnv(source: NodeJS.ProcessEnv): Partial<RetellApiConfig> {
  return {
    faultSeed: intVar(source, 'RETELL_SIM_FAULT_SEED', 0),
    rateLimitShare: shareVar(source, 'RETELL_SIM_RATE_LIMIT_SHARE'),
    rateLimitRetryAfterSec: intVar(source, 'RETELL_SIM_RATE_LIMIT_RETRY_AFTER_S', 0),
    concurrencyFaultShare: shareVar(source, 'RETELL_SIM_CONCURRENCY_FAULT_SHARE'),
    dropFinalWebhookShare: shareVar(source, 'RETELL_SIM_DROP_FINAL_WEBHOOK_SHARE'),
    dropEvents: eventsVar(source, 'RETELL_SIM_DROP_EVENTS'),
    webhookRetries: intVar(source, 'RETELL_SIM_WEBHOOK_RETRIES', 0),
    webhookTimeoutMs: intVar(source, 'RETELL_SIM_WEBHOOK_TIMEOUT_MS', 100),
    webhookRetryDelayMs: intVar(source, 'RETELL_SIM_WEBHOOK_RETRY_DELAY_MS', 0),
    serverErrorShare: shareVar(source, 'RETELL_SIM_SERVER_ERROR_SHARE'),
    serverErrorAfterCreateShare: shareVar(source, 'RETELL_SIM_SERVER_ERROR_AFTER_CREATE_SHARE'),
    slowCreateShare: shareVar(source, 'RETELL_SIM_SLOW_CREATE_SHARE'),
    slowCreateMs: intVar(source, 'RETELL_SIM_SLOW_CREATE_MS', 0),
  };
}

/**
 * The simulator's settings. Besides the shared environment it reads its own variables:
 * RETELL_SIM_CONCURRENCY, RETELL_SIM_RING_MS, RETELL_SIM_TALK_MS, RETELL_SIM_ANALYSIS_MS,
 * RETELL_SIM_CALL_STORE_LIMIT, RETELL_SIM_AGENTS (comma-separated agent ids) and
 * RETELL_SIM_STRICT_AGENTS (1/true), RETELL_SIM_OTHER_API_KEYS (comma-separated keys the REST API
 * accepts besides RETELL_API_KEY), RETELL_SIM_WORKSPACE_KEYS (keys of other Retell accounts: their
 * calls are signed with them), RETELL_SIM_PHONE_NUMBERS (comma-separated E.164 numbers the
 * account owns besides DEFAULT_FROM_NUMBER).
 */
export function simConfigFromEnv(env: AppEnv, source: NodeJS.ProcessEnv = process.env): SimConfig {
  const agents = (source.RETELL_SIM_AGENTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((agent_id) => ({ agent_id }));
  const otherApiKeys = (source.RETELL_SIM_OTHER_API_KEYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const workspaceKeys = (source.RETELL_SIM_WORKSPACE_KEYS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    gatewayUrl: env.GATEWAY_URL,
    apiKey: env.RETELL_API_KEY,
    otherApiKeys,
    workspaceKeys,
    defaultAgentId: env.DEFAULT_AGENT_ID,
    defaultFromNumber: env.DEFAULT_FROM_NUMBER,
    defaultToNumber: DEFAULT_TO_NUMBER,
    historyLimit: 500,
    retellApi: {
      concurrencyLimit: intVar(source, 'RETELL_SIM_CONCURRENCY', 1),
      ringMs: intVar(source, 'RETELL_SIM_RING_MS', 0),
      talkMs: intVar(source, 'RETELL_SIM_TALK_MS', 0),
      analysisMs: intVar(source, 'RETELL_SIM_ANALYSIS_MS', 0),
      callStoreLimit: intVar(source, 'RETELL_SIM_CALL_STORE_LIMIT', 1),
      agents,
      phoneNumbers: (source.RETELL_SIM_PHONE_NUMBERS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      strictAgents: /^(1|true|yes)$/i.test(source.RETELL_SIM_STRICT_AGENTS ?? ''),
      transcriptUpdates: /^(1|true|yes)$/i.test(source.RETELL_SIM_TRANSCRIPT_UPDATES ?? ''),
      toolRetryBaseMs: intVar(source, 'RETELL_SIM_TOOL_RETRY_BASE_MS', 0),
      inboundTimeoutMs: intVar(source, 'RETELL_SIM_INBOUND_TIMEOUT_MS', 100),
      inboundRetries: intVar(source, 'RETELL_SIM_INBOUND_RETRIES', 0),
      inboundRetryDelayMs: intVar(source, 'RETELL_SIM_INBOUND_RETRY_DELAY_MS', 0),
      ...faultsFromEnv(source),
    },
  };
}

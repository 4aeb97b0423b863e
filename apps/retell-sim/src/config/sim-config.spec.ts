import { loadEnv } from '@retell-ops/config';
import { RETELL_API_DEFAULTS, retellApiConfig, simConfigFromEnv } from './sim-config';

describe('simConfigFromEnv: the Retell API settings', () => {
  const env = loadEnv({});

  it('defaults: concurrency 20, ring/talk/analysis 300/1500/300 ms, the default agent only', () => {
    expect(retellApiConfig(simConfigFromEnv(env, {}))).toEqual(RETELL_API_DEFAULTS);
    expect(RETELL_API_DEFAULTS).toMatchObject({ concurrencyLimit: 20, ringMs: 300, talkMs: 1500, analysisMs: 300, agents: [], strictAgents: false });
  });

  it('reads RETELL_SIM_* variables', () => {
    const config = simConfigFromEnv(env, {
      RETELL_SIM_CONCURRENCY: '3',
      RETELL_SIM_RING_MS: '0',
      RETELL_SIM_TALK_MS: '50',
      RETELL_SIM_ANALYSIS_MS: '10',
      RETELL_SIM_CALL_STORE_LIMIT: '100',
      RETELL_SIM_AGENTS: 'agent_a, agent_b,,',
      RETELL_SIM_STRICT_AGENTS: 'true',
      RETELL_SIM_PHONE_NUMBERS: '+14155550101, +14155550102',
    });
    expect(retellApiConfig(config)).toEqual({
      concurrencyLimit: 3,
      ringMs: 0,
      talkMs: 50,
      analysisMs: 10,
      callStoreLimit: 100,
      agents: [{ agent_id: 'agent_a' }, { agent_id: 'agent_b' }],
      phoneNumbers: ['+14155550101', '+14155550102'],
      strictAgents: true,
      faultSeed: 1,
      rateLimitShare: 0,
      rateLimitRetryAfterSec: 1,
      concurrencyFaultShare: 0,
      dropFinalWebhookShare: 0,
      dropEvents: ['call_ended', 'call_analyzed'],
      webhookRetries: 3,
      webhookTimeoutMs: 10000,
      webhookRetryDelayMs: 1000,
      serverErrorShare: 0,
      serverErrorAfterCreateShare: 0,
      slowCreateShare: 0,
      slowCreateMs: 35000,
      transcriptUpdates: false,
      toolRetryBaseMs: 500,
      inboundTimeoutMs: 10000,
      inboundRetries: 3,
      inboundRetryDelayMs: 1000,
    });
  });

  it('reads the live-call settings', () => {
    const config = simConfigFromEnv(env, {
      RETELL_SIM_TRANSCRIPT_UPDATES: '1',
      RETELL_SIM_TOOL_RETRY_BASE_MS: '20',
      RETELL_SIM_INBOUND_TIMEOUT_MS: '500',
      RETELL_SIM_INBOUND_RETRIES: '1',
      RETELL_SIM_INBOUND_RETRY_DELAY_MS: '0',
    });
    expect(retellApiConfig(config)).toMatchObject({
      transcriptUpdates: true,
      toolRetryBaseMs: 20,
      inboundTimeoutMs: 500,
      inboundRetries: 1,
      inboundRetryDelayMs: 0,
    });
    expect(() => simConfigFromEnv(env, { RETELL_SIM_INBOUND_TIMEOUT_MS: '5' })).toThrow(/RETELL_SIM_INBOUND_TIMEOUT_MS must be an integer ≥ 100/);
  });

  it('reads the webhook drop and retry settings', () => {
    const config = simConfigFromEnv(env, {
      RETELL_SIM_DROP_EVENTS: 'call_analyzed',
      RETELL_SIM_WEBHOOK_RETRIES: '3',
      RETELL_SIM_WEBHOOK_TIMEOUT_MS: '2000',
      RETELL_SIM_WEBHOOK_RETRY_DELAY_MS: '0',
    });
    expect(retellApiConfig(config)).toMatchObject({ dropEvents: ['call_analyzed'], webhookRetries: 3, webhookTimeoutMs: 2000, webhookRetryDelayMs: 0 });
    expect(() => simConfigFromEnv(env, { RETELL_SIM_DROP_EVENTS: 'call_ended,hangup' })).toThrow('RETELL_SIM_DROP_EVENTS must list events of');
  });

  it('reads the fault settings', () => {
    const config = simConfigFromEnv(env, {
      RETELL_SIM_FAULT_SEED: '42',
      RETELL_SIM_RATE_LIMIT_SHARE: '0.2',
      RETELL_SIM_RATE_LIMIT_RETRY_AFTER_S: '2',
      RETELL_SIM_CONCURRENCY_FAULT_SHARE: '.15',
      RETELL_SIM_DROP_FINAL_WEBHOOK_SHARE: '1',
      RETELL_SIM_SERVER_ERROR_SHARE: '0.1',
      RETELL_SIM_SERVER_ERROR_AFTER_CREATE_SHARE: '0.05',
      RETELL_SIM_SLOW_CREATE_SHARE: '0.3',
      RETELL_SIM_SLOW_CREATE_MS: '4000',
    });
    expect(retellApiConfig(config)).toMatchObject({
      faultSeed: 42,
      rateLimitShare: 0.2,
      rateLimitRetryAfterSec: 2,
      concurrencyFaultShare: 0.15,
      dropFinalWebhookShare: 1,
      serverErrorShare: 0.1,
      serverErrorAfterCreateShare: 0.05,
      slowCreateShare: 0.3,
      slowCreateMs: 4000,
    });
  });

  it.each([
    ['RETELL_SIM_CONCURRENCY', '0'],
    ['RETELL_SIM_CONCURRENCY', 'many'],
    ['RETELL_SIM_TALK_MS', '-5'],
    ['RETELL_SIM_RATE_LIMIT_SHARE', '1.5'],
    ['RETELL_SIM_DROP_FINAL_WEBHOOK_SHARE', 'half'],
    ['RETELL_SIM_CONCURRENCY_FAULT_SHARE', '-0.1'],
    ['RETELL_SIM_SERVER_ERROR_SHARE', '2'],
    ['RETELL_SIM_SERVER_ERROR_AFTER_CREATE_SHARE', 'some'],
    ['RETELL_SIM_SLOW_CREATE_SHARE', '1.01'],
    ['RETELL_SIM_SLOW_CREATE_MS', 'long'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => simConfigFromEnv(env, { [name]: value })).toThrow(name);
  });
});

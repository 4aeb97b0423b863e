import { Logger } from '@nestjs/common';
import type { SimConfig } from '../config/sim-config';
import { CallEngine } from './call-engine.service';
import { chooseScenario, SCENARIO_BY_LAST_DIGIT } from './scenario';

const base: SimConfig = {
  // nothing listens on port 1: every delivery fails, which must only be logged
  gatewayUrl: 'http://127.0.0.1:1',
  apiKey: 'key_test_engine_0001',
  defaultAgentId: 'agent_sim_default',
  defaultFromNumber: '+14155550100',
  defaultToNumber: '+14155550123',
  historyLimit: 10,
};

const req = (to: string, extra: object = {}) => ({ fromNumber: '+14155550100', toNumber: to, ...extra });

describe('CallEngine', () => {
  let warnings: string[];
  beforeAll(() => {
    warnings = [];
    Logger.overrideLogger({ log() {}, error: (m: unknown) => warnings.push(String(m)), warn: (m: unknown) => warnings.push(String(m)), debug() {}, verbose() {} });
  });
  afterAll(() => Logger.overrideLogger(['error', 'warn']));

  it('keeps at most callStoreLimit calls, dropping the oldest finished ones and never a live one', () => {
    const engine = new CallEngine({ ...base, retellApi: { callStoreLimit: 3, concurrencyLimit: 1, ringMs: 60_000 } });
    const ids = ['+14155550100', '+14155550101', '+14155550102', '+14155550103', '+14155550104'].map((to) => engine.createPhoneCall(req(to)).call_id);
    engine.onApplicationShutdown();
    // the first holds the only slot; the others ended at once with concurrency_limit_reached
    expect(ids.map((id) => engine.getCall(id)?.call_status)).toEqual(['registered', undefined, undefined, 'not_connected', 'not_connected']);
    expect(engine.stats()).toMatchObject({ live: 1, created: 5, ended: 4, byDisconnectionReason: { concurrency_limit_reached: 4 } });
  });

  it('strictAgents: only known agents are dialled (422 otherwise)', () => {
    const engine = new CallEngine({ ...base, retellApi: { strictAgents: true, agents: [{ agent_id: 'agent_known' }], ringMs: 60_000 } });
    expect(() => engine.createPhoneCall(req('+14155550100', { overrideAgentId: 'agent_stranger' }))).toThrow('Cannot find requested asset under given api key.');
    expect(engine.createPhoneCall(req('+14155550100', { overrideAgentId: 'agent_known' })).agent_id).toBe('agent_known');
    expect(engine.createPhoneCall(req('+14155550100')).agent_id).toBe('agent_sim_default');
    expect(engine.stats().created).toBe(2);
    engine.onApplicationShutdown();
  });

  it('plays a call to the end even when the gateway cannot be reached (failures are logged)', async () => {
    const engine = new CallEngine({ ...base, retellApi: { ringMs: 0, talkMs: 0, analysisMs: 0 } });
    const { call_id } = engine.createPhoneCall(req('+14155550100'));
    for (let i = 0; i < 200 && !engine.getCall(call_id)?.call_analysis; i++) await new Promise((r) => setTimeout(r, 10));
    expect(engine.getCall(call_id)).toMatchObject({ call_status: 'ended', call_analysis: { call_successful: true } });
    for (let i = 0; i < 200 && warnings.filter((w) => w.includes(call_id)).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(warnings.filter((w) => w.includes(call_id)).map((w) => w.split(' ')[0])).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    engine.onApplicationShutdown();
  });
});

describe('CallEngine faults', () => {
  let warnings: string[];
  beforeAll(() => {
    warnings = [];
    Logger.overrideLogger({ log() {}, error: (m: unknown) => warnings.push(String(m)), warn: (m: unknown) => warnings.push(String(m)), debug() {}, verbose() {} });
  });
  afterAll(() => Logger.overrideLogger(['error', 'warn']));
  const faulty = (seed: number) => new CallEngine({ ...base, retellApi: { faultSeed: seed, rateLimitShare: 0.3, rateLimitRetryAfterSec: 2, concurrencyFaultShare: 0.3, ringMs: 60_000, concurrencyLimit: 1000 } });
  const run = (engine: CallEngine) =>
    Array.from({ length: 40 }, (_, i) => {
      try {
        engine.createPhoneCall(req(`+1415555${String(i).padStart(4, '0')}`));
        return 'created';
      } catch (e) {
        return `${(e as { getStatus(): number }).getStatus()} retry-after ${(e as { headers: Record<string, string> }).headers['retry-after']}`;
      }
    });

  it('a seeded share of creates is answered 429 with Retry-After and creates no call; another share ends at once', () => {
    const engine = faulty(7);
    const results = run(engine);
    engine.onApplicationShutdown();
    const limited = results.filter((r) => r !== 'created');
    expect(new Set(limited)).toEqual(new Set(['429 retry-after 2']));
    expect(limited.length).toBeGreaterThan(4);
    expect(limited.length).toBeLessThan(24);
    const creates = engine.createRecords();
    expect(creates.filter((c) => c.result === 'rate_limited').every((c) => c.callId === undefined)).toBe(true);
    expect(engine.stats()).toMatchObject({ rateLimited: limited.length, created: 40 - limited.length });
    const ended = creates.filter((c) => c.result === 'concurrency_limited');
    expect(ended.length).toBeGreaterThan(2);
    for (const c of ended) expect(engine.getCall(c.callId!)).toMatchObject({ call_status: 'not_connected', disconnection_reason: 'concurrency_limit_reached' });
  });

  it('the same seed gives the same faults; another seed others', () => {
    const [a, b, c] = [faulty(7), faulty(7), faulty(8)];
    const runs = [a, b, c].map((e) => {
      run(e);
      e.onApplicationShutdown();
      return e.createRecords().map((r) => r.result);
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual(runs[2]);
  });

  it('dropped final webhooks are counted and never sent; call_started still is', async () => {
    const engine = new CallEngine({ ...base, retellApi: { dropFinalWebhookShare: 1, ringMs: 0, talkMs: 0, analysisMs: 0 } });
    const { call_id } = engine.createPhoneCall(req('+14155550100'));
    for (let i = 0; i < 200 && !engine.getCall(call_id)?.call_analysis; i++) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 100 && !warnings.some((w) => w.includes(call_id)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(engine.stats().droppedWebhooks).toBe(2);
    expect(warnings.filter((w) => w.includes(call_id)).map((w) => w.split(' ')[0])).toEqual(['call_started']);
    engine.onApplicationShutdown();
  });
});

describe('scenario choice', () => {
  it.each(Object.entries(SCENARIO_BY_LAST_DIGIT))('a number ending in %s is %s', (digit, scenario) => {
    expect(chooseScenario(`+1415555012${digit}`, undefined)).toBe(scenario);
  });

  it('metadata.sim_scenario wins over the number; anything else in metadata does not', () => {
    expect(chooseScenario('+14155550120', { sim_scenario: 'busy' })).toBe('busy');
    expect(chooseScenario('+14155550121', { candidate_id: 'x' })).toBe('no_answer');
    expect(chooseScenario('+14155550121', 'text')).toBe('no_answer');
  });
});

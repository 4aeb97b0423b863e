import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    Logger.overrideLogger({
      log() {},
      error: (m: unknown) => warnings.push(String(m)),
      warn: (m: unknown) => warnings.push(String(m)),
      debug() {},
      verbose() {},
    });
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
    expect(() => engine.createPhoneCall(req('+14155550100', { overrideAgentId: 'agent_stranger' }))).toThrow(
      'Cannot find requested asset under given api key.',
    );
    expect(engine.createPhoneCall(req('+14155550100', { overrideAgentId: 'agent_known' })).agent_id).toBe('agent_known');
    expect(engine.createPhoneCall(req('+14155550100')).agent_id).toBe('agent_sim_default');
    expect(engine.stats().created).toBe(2);
    engine.onApplicationShutdown();
  });

  it('plays a call to the end even when the gateway cannot be reached (failures are logged)', async () => {
    const engine = new CallEngine({ ...base, retellApi: { ringMs: 0, talkMs: 0, analysisMs: 0, webhookRetries: 0 } });
    const { call_id } = engine.createPhoneCall(req('+14155550100'));
    for (let i = 0; i < 200 && !engine.getCall(call_id)?.call_analysis; i++) await new Promise((r) => setTimeout(r, 10));
    expect(engine.getCall(call_id)).toMatchObject({ call_status: 'ended', call_analysis: { call_successful: true } });
    for (let i = 0; i < 200 && warnings.filter((w) => w.includes(call_id)).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(warnings.filter((w) => w.includes(call_id)).map((w) => w.split(' ')[0])).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    engine.onApplicationShutdown();
  });
});

describe('CallEngine webhook retries', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn']));

  it('by default retries a refused webhook as Retell does (3 more tries), so one 503 loses nothing', async () => {
    const tries: string[] = [];
    const server = createServer((request, res) => {
      let body = '';
      request.on('data', (c) => (body += c));
      request.on('end', () => {
        const event = (JSON.parse(body) as { event: string }).event;
        tries.push(event);
        // the receiver refuses each event's first try (a gateway that could not keep it yet)
        res.statusCode = tries.filter((e) => e === event).length === 1 ? 503 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const engine = new CallEngine({
      ...base,
      gatewayUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      retellApi: { ringMs: 0, talkMs: 0, analysisMs: 0, webhookRetryDelayMs: 0 },
    });
    try {
      engine.createPhoneCall(req('+14155550100'));
      for (let i = 0; i < 300 && tries.length < 6; i++) await new Promise((r) => setTimeout(r, 10));
      expect(tries).toEqual(['call_started', 'call_started', 'call_ended', 'call_ended', 'call_analyzed', 'call_analyzed']);
    } finally {
      engine.onApplicationShutdown();
      server.close();
    }
  });
});

describe('CallEngine webhook destination', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn']));

  it("sends a call's webhooks to its agent's own webhook_url when it has one, else to the account's (the gateway)", async () => {
    const seen: Array<[string, string]> = [];
    const server = createServer((request, res) => {
      let body = '';
      request.on('data', (c) => (body += c));
      request.on('end', () => {
        seen.push([request.url!, (JSON.parse(body) as { call: { agent_id: string } }).call.agent_id]);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const engine = new CallEngine({ ...base, gatewayUrl: origin, retellApi: { ringMs: 0, talkMs: 0, analysisMs: 0, webhookRetries: 0 } });
    try {
      const { llm_id } = engine.agents.createLlm({}) as { llm_id: string };
      const own = engine.agents.createAgent({
        response_engine: { type: 'retell-llm', llm_id },
        voice_id: 'v',
        webhook_url: `${origin}/agent-hook`,
      }) as { agent_id: string };
      const plain = engine.agents.createAgent({ response_engine: { type: 'retell-llm', llm_id }, voice_id: 'v' }) as { agent_id: string };
      engine.createPhoneCall(req('+14155550100', { overrideAgentId: own.agent_id }));
      engine.createPhoneCall(req('+14155550100', { overrideAgentId: plain.agent_id }));
      for (let i = 0; i < 300 && seen.length < 6; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen.filter(([, agent]) => agent === own.agent_id).map(([url]) => url)).toEqual(Array(3).fill('/agent-hook'));
      expect(seen.filter(([, agent]) => agent === plain.agent_id).map(([url]) => url)).toEqual(Array(3).fill('/webhooks/retell'));
    } finally {
      engine.onApplicationShutdown();
      server.close();
    }
  });
});

describe('CallEngine faults', () => {
  let warnings: string[];
  beforeAll(() => {
    warnings = [];
    Logger.overrideLogger({
      log() {},
      error: (m: unknown) => warnings.push(String(m)),
      warn: (m: unknown) => warnings.push(String(m)),
      debug() {},
      verbose() {},
    });
  });
  afterAll(() => Logger.overrideLogger(['error', 'warn']));
  const faulty = (seed: number) =>
    new CallEngine({
      ...base,
      retellApi: { faultSeed: seed, rateLimitShare: 0.3, rateLimitRetryAfterSec: 2, concurrencyFaultShare: 0.3, ringMs: 60_000, concurrencyLimit: 1000 },
    });
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
    const engine = new CallEngine({ ...base, retellApi: { dropFinalWebhookShare: 1, ringMs: 0, talkMs: 0, analysisMs: 0, webhookRetries: 0 } });
    const { call_id } = engine.createPhoneCall(req('+14155550100'));
    for (let i = 0; i < 200 && !engine.getCall(call_id)?.call_analysis; i++) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 100 && !warnings.some((w) => w.includes(call_id)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(engine.stats().droppedWebhooks).toBe(2);
    expect(warnings.filter((w) => w.includes(call_id)).map((w) => w.split(' ')[0])).toEqual(['call_started']);
    engine.onApplicationShutdown();
  });
});

describe('CallEngine create faults: 500s and slow answers', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['error', 'warn']));
  const engineWith = (faults: object) =>
    new CallEngine({ ...base, retellApi: { faultSeed: 3, ringMs: 60_000, concurrencyLimit: 1000, slowCreateMs: 4000, ...faults } });
  /** each create as [its status, whether a call was made, the answer's delay] */
  const run = (engine: CallEngine, n = 40) =>
    Array.from({ length: n }, (_, i) => {
      const to = `+1415555${String(i).padStart(4, '0')}`;
      try {
        const { call, delayMs } = engine.createPhoneCallAnswer(req(to, { metadata: { rops_call_id: `c${i}` } }));
        return [201, engine.getCall(call.call_id) !== undefined, delayMs] as const;
      } catch (e) {
        const made = engine.createRecords().at(-1)!.callId;
        return [(e as { getStatus(): number }).getStatus(), made !== undefined && engine.getCall(made) !== undefined, 0] as const;
      }
    });

  it("500 before the call: no call made, Retell's error body, recorded as server_error", () => {
    const engine = engineWith({ serverErrorShare: 0.3 });
    const results = run(engine);
    engine.onApplicationShutdown();
    const errors = results.filter(([status]) => status === 500);
    expect(errors.length).toBeGreaterThan(4);
    expect(errors.length).toBeLessThan(24);
    expect(errors.every(([, made]) => !made)).toBe(true);
    const records = engine.createRecords();
    expect(records.filter((r) => r.result === 'server_error')).toHaveLength(errors.length);
    for (const r of records.filter((r) => r.result === 'server_error')) {
      expect(r).toMatchObject({ status: 500, platformCallId: expect.stringMatching(/^c\d+$/) });
      expect(r.callId).toBeUndefined();
    }
    expect(engine.stats()).toMatchObject({ created: 40 - errors.length });
    let thrown: unknown;
    try {
      engineWith({ serverErrorShare: 1 }).createPhoneCall(req('+14155550100'));
    } catch (e) {
      thrown = e;
    }
    expect((thrown as { getResponse(): unknown }).getResponse()).toEqual({ status: 'error', message: 'Internal server error, please try again later.' });
  });

  it('500 after the call: the call exists and rings although the answer is an error', () => {
    const engine = engineWith({ serverErrorAfterCreateShare: 0.3 });
    const results = run(engine);
    engine.onApplicationShutdown();
    const errors = results.filter(([status]) => status === 500);
    expect(errors.length).toBeGreaterThan(4);
    expect(errors.every(([, made]) => made)).toBe(true);
    const failedAnswers = engine.createRecords().filter((r) => r.status === 500);
    expect(failedAnswers).toHaveLength(errors.length);
    for (const r of failedAnswers) {
      expect(r.result).toBe('dialled');
      expect(engine.getCall(r.callId!)).toMatchObject({ call_status: 'registered', metadata: { rops_call_id: r.platformCallId } });
    }
    expect(engine.stats()).toMatchObject({ created: 40, live: 40 });
  });

  it('a slow create: the call is made at once, its answer is held back slowCreateMs', () => {
    const engine = engineWith({ slowCreateShare: 0.3 });
    const results = run(engine);
    engine.onApplicationShutdown();
    const slow = results.filter(([, , delay]) => delay > 0);
    expect(slow.length).toBeGreaterThan(4);
    expect(slow.length).toBeLessThan(24);
    expect(slow.every(([status, made, delay]) => status === 201 && made && delay === 4000)).toBe(true);
    expect(engine.createRecords().filter((r) => r.answerDelayMs === 4000)).toHaveLength(slow.length);
  });

  it("one call's metadata names its fault; sim_create_delay_ms sets its delay", () => {
    const engine = engineWith({});
    expect(() => engine.createPhoneCallAnswer(req('+14155550100', { metadata: { sim_create_fault: 'server_error' } }))).toThrow('Internal server error');
    expect(() => engine.createPhoneCallAnswer(req('+14155550101', { metadata: { sim_create_fault: 'server_error_after_create' } }))).toThrow(
      'Internal server error',
    );
    expect(engine.createPhoneCallAnswer(req('+14155550102', { metadata: { sim_create_delay_ms: 1200 } })).delayMs).toBe(1200);
    engine.onApplicationShutdown();
    expect(engine.createRecords().map((r) => [r.result, r.status, r.callId !== undefined])).toEqual([
      ['server_error', 500, false],
      ['dialled', 500, true],
      ['dialled', 201, true],
    ]);
  });

  it('the same seed gives the same faults; shares of 0 leave the older fault streams as they were', () => {
    const mixed = { rateLimitShare: 0.2, serverErrorShare: 0.2, serverErrorAfterCreateShare: 0.2, slowCreateShare: 0.2 };
    const [a, b] = [engineWith(mixed), engineWith(mixed)].map((e) => {
      const r = run(e);
      e.onApplicationShutdown();
      return r.map(([status, made, delay]) => `${status}/${made}/${delay}`);
    });
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set(['201/true/0', '201/true/4000', '500/true/0', '500/false/0', '429/false/0']));
    const older = (e: CallEngine) => {
      run(e);
      e.onApplicationShutdown();
      return e.createRecords().map((r) => r.result);
    };
    expect(older(engineWith({ rateLimitShare: 0.3 }))).toEqual(older(engineWith({ rateLimitShare: 0.3, serverErrorAfterCreateShare: 0, slowCreateShare: 0 })));
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

import {
  BENCH_PAYLOAD_BYTES,
  benchPayload,
  bodyBytes,
  buildLifecycle,
  payloadOfSize,
  SIM_EVENTS,
  SIM_SCENARIOS,
  type LifecycleOptions,
  type SimScenario,
} from './payloads';

const opts: LifecycleOptions = {
  callId: 'call_0123456789abcdef0123456789abcdef',
  agentId: 'agent_sim_default',
  fromNumber: '+14155550100',
  toNumber: '+14155550123',
  startTimestamp: 1_760_000_000_000,
};

const events = (scenario: SimScenario, o: Partial<LifecycleOptions> = {}) =>
  Object.fromEntries(buildLifecycle(scenario, { ...opts, ...o }).map((d) => [d.event, d.body]));

describe('buildLifecycle', () => {
  it.each(SIM_SCENARIOS)('%s: every body is an envelope of the same call, event key matching, with event_timestamp', (scenario) => {
    for (const d of buildLifecycle(scenario, opts)) {
      expect(d.body.event).toBe(d.event);
      expect(d.body.call.call_id).toBe(opts.callId);
      expect(d.body.call).toMatchObject({
        agent_id: 'agent_sim_default',
        call_type: 'phone_call',
        direction: 'outbound',
        from_number: '+14155550100',
        to_number: '+14155550123',
      });
      expect(typeof d.body.call.agent_version).toBe('number');
      expect(Number.isInteger(d.body.event_timestamp)).toBe(true);
      expect(JSON.parse(JSON.stringify(d.body))).toEqual(d.body);
    }
  });

  it('connected calls send call_started, call_ended, call_analyzed in that order', () => {
    for (const scenario of ['answered', 'voicemail'] as const) {
      const lifecycle = buildLifecycle(scenario, opts);
      expect(lifecycle.map((d) => d.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
      const stamps = lifecycle.map((d) => d.body.event_timestamp!);
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    }
  });

  it.each(['no_answer', 'busy'] as const)('%s: no call_started; not_connected with zero duration and empty transcript', (scenario) => {
    const lifecycle = buildLifecycle(scenario, opts);
    expect(lifecycle.map((d) => d.event)).toEqual(['call_ended', 'call_analyzed']);
    const { call } = lifecycle[0].body;
    expect(call).toMatchObject({
      call_status: 'not_connected',
      disconnection_reason: scenario === 'busy' ? 'dial_busy' : 'dial_no_answer',
      duration_ms: 0,
      transcript: '',
      transcript_object: [],
    });
    expect(call.recording_url).toBeUndefined();
    expect(call.call_cost?.combined_cost).toBe(0);
  });

  it('call_started carries basic info only', () => {
    const { call } = events('answered').call_started;
    expect(call.call_status).toBe('ongoing');
    expect(call.start_timestamp).toBe(opts.startTimestamp);
    for (const key of [
      'transcript',
      'transcript_object',
      'call_cost',
      'call_analysis',
      'end_timestamp',
      'duration_ms',
      'disconnection_reason',
      'recording_url',
      'latency',
    ]) {
      expect(call).not.toHaveProperty(key);
    }
  });

  it('answered call_ended has everything but call_analysis', () => {
    const { call } = events('answered').call_ended;
    expect(call).not.toHaveProperty('call_analysis');
    expect(call.call_status).toBe('ended');
    expect(['user_hangup', 'agent_hangup']).toContain(call.disconnection_reason);
    expect(call.end_timestamp! - call.start_timestamp!).toBe(call.duration_ms);
    expect(call.duration_ms).toBeGreaterThan(10_000);
    expect(call.transcript).toMatch(/^Agent: .+\nUser: .+\n/);
    expect(call.transcript_object!.length).toBe(9);
    const words = call.transcript_object![0].words!;
    expect(words[0]).toEqual({ word: 'Hi,', start: expect.any(Number), end: expect.any(Number) });
    expect(words[words.length - 1].end).toBeLessThan(call.duration_ms! / 1000); // seconds, not ms
    expect(call.recording_url).toMatch(/^https:\/\/.+\.wav$/);
    expect(call.public_log_url).toMatch(/^https:\/\//);
    expect(call.latency).toHaveProperty('e2e.p50');
  });

  it('the hang-up side is whoever spoke last', () => {
    expect(events('answered', { transcriptTurns: 9 }).call_ended.call.disconnection_reason).toBe('agent_hangup');
    expect(events('answered', { transcriptTurns: 8 }).call_ended.call.disconnection_reason).toBe('user_hangup');
  });

  it('money is in cents: combined_cost is the sum of product costs ≈ seconds × unit price', () => {
    const cost = events('answered', { transcriptTurns: 40 }).call_ended.call.call_cost!;
    const sum = cost.product_costs!.reduce((s, p) => s + p.cost, 0);
    expect(cost.combined_cost).toBeCloseTo(sum, 2);
    expect(cost.combined_cost).toBeCloseTo(cost.total_duration_seconds! * cost.total_duration_unit_price!, 0);
    // a call of a few minutes costs tens of cents, i.e. a number well above 1
    expect(cost.total_duration_seconds).toBeGreaterThan(120);
    expect(cost.combined_cost).toBeGreaterThan(20);
    expect(cost.combined_cost).toBeLessThan(200);
  });

  it('call_analyzed is call_ended plus call_analysis', () => {
    const e = events('answered');
    const { call_analysis, ...rest } = e.call_analyzed.call;
    expect(rest).toEqual(e.call_ended.call);
    expect(call_analysis).toMatchObject({ call_successful: true, user_sentiment: 'Positive', in_voicemail: false, call_summary: expect.any(String) });
    expect(call_analysis).toHaveProperty('custom_analysis_data');
  });

  it('custom analysis is passed through for answered calls', () => {
    const data = { appointment_confirmed: false, reason: 'travelling' };
    expect(events('answered', { customAnalysis: data }).call_analyzed.call.call_analysis!.custom_analysis_data).toEqual(data);
  });

  it('voicemail: ended with voicemail_reached, analysis says in_voicemail and unsuccessful', () => {
    const e = events('voicemail');
    expect(e.call_ended.call).toMatchObject({ call_status: 'ended', disconnection_reason: 'voicemail_reached' });
    expect(e.call_analyzed.call.call_analysis).toMatchObject({ in_voicemail: true, call_successful: false });
  });

  it.each(['no_answer', 'busy'] as const)('%s: analysis is unsuccessful, Unknown sentiment, no custom_analysis_data', (scenario) => {
    const analysis = events(scenario, { customAnalysis: { x: 1 } }).call_analyzed.call.call_analysis!;
    expect(analysis).toMatchObject({ in_voicemail: false, call_successful: false, user_sentiment: 'Unknown' });
    expect(analysis).not.toHaveProperty('custom_analysis_data');
  });

  it('omits metadata and dynamic variables when not given', () => {
    for (const scenario of SIM_SCENARIOS) {
      for (const d of buildLifecycle(scenario, opts)) {
        expect(d.body.call).not.toHaveProperty('metadata');
        expect(d.body.call).not.toHaveProperty('retell_llm_dynamic_variables');
      }
    }
  });

  it('carries metadata and dynamic variables on every event when given', () => {
    const metadata = { crm_id: 'c-42', nested: { a: [1, 2] } };
    const dynamicVariables = { customer_name: 'José', appointment: 'Thursday 3 PM' };
    for (const d of buildLifecycle('answered', { ...opts, metadata, dynamicVariables })) {
      expect(d.body.call.metadata).toEqual(metadata);
      expect(d.body.call.retell_llm_dynamic_variables).toEqual(dynamicVariables);
    }
  });

  it('makes a fresh call_id when none is given', () => {
    const { callId: _omit, ...rest } = opts;
    const a = buildLifecycle('answered', rest)[0].body.call.call_id;
    const b = buildLifecycle('answered', rest)[0].body.call.call_id;
    expect(a).toMatch(/^call_[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });

  it('is deterministic given a call id and start time', () => {
    expect(buildLifecycle('answered', opts)).toEqual(buildLifecycle('answered', opts));
  });

  it('rejects an unknown scenario', () => {
    expect(() => buildLifecycle('hung_up' as SimScenario, opts)).toThrow(/unknown scenario/);
  });
});

describe('bench payloads', () => {
  it.each(SIM_EVENTS)('%s is within ±25%% of its target size', (event) => {
    const target = BENCH_PAYLOAD_BYTES[event];
    const body = benchPayload(event);
    expect(body.event).toBe(event);
    expect(Math.abs(bodyBytes(body) - target) / target).toBeLessThan(0.25);
  });

  it('call_analyzed bench body has a long transcript and its analysis', () => {
    const body = benchPayload('call_analyzed');
    expect(body.call.transcript_object!.length).toBeGreaterThan(15);
    expect(body.call).toHaveProperty('call_analysis');
  });

  it('payloadOfSize honours other sizes and options', () => {
    const body = payloadOfSize('call_ended', 50_000, { callId: 'call_x', agentId: 'agent_big' });
    expect(Math.abs(bodyBytes(body) - 50_000) / 50_000).toBeLessThan(0.05);
    expect(body.call).toMatchObject({ call_id: 'call_x', agent_id: 'agent_big' });
    expect(bodyBytes(payloadOfSize('call_started', 3000))).toBe(3000);
  });
});

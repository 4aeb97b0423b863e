import { agentIdOf, checkEnvelope } from './envelope';

const CALL_ID = 'call_5f1c2a9b8e7d4c3b2a1f0e9d8c7b6a50';
const AGENT_ID = 'agent_3c2b1a0f9e8d7c6b5a4f3e2d';

/** A call_ended delivery as Retell sends it (docs/retell.md#envelope, #call-object). */
const envelope = (call: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> => ({
  event: 'call_ended',
  event_timestamp: 1_760_000_083_450,
  call: {
    call_id: CALL_ID,
    agent_id: AGENT_ID,
    agent_version: 4,
    call_type: 'phone_call',
    call_status: 'ended',
    direction: 'outbound',
    from_number: '+14155550100',
    to_number: '+14155550123',
    start_timestamp: 1_760_000_000_000,
    end_timestamp: 1_760_000_083_450,
    duration_ms: 83_450,
    disconnection_reason: 'user_hangup',
    transcript: 'Agent: Hello\nUser: Hi\n',
    transcript_object: [{ role: 'agent', content: 'Hello', words: [] }],
    call_cost: { combined_cost: 34.45, product_costs: [] },
    ...call,
  },
  ...top,
});

const without = (key: string) => {
  const e = envelope();
  const call = { ...(e.call as Record<string, unknown>) };
  delete call[key];
  return { ...e, call };
};

describe('checkEnvelope: accepted', () => {
  it('a full call_ended envelope', () => {
    expect(checkEnvelope(envelope())).toEqual({ ok: true, event: 'call_ended', callId: CALL_ID, agentId: AGENT_ID });
  });

  it.each([
    [
      'call_started with only the basic fields',
      { event: 'call_started', call: { call_id: CALL_ID, agent_id: AGENT_ID, call_status: 'ongoing', start_timestamp: 1 } },
    ],
    ['only call_id and agent_id', { event: 'call_analyzed', call: { call_id: CALL_ID, agent_id: AGENT_ID } }],
    ['no event_timestamp', { event: 'call_ended', call: { call_id: CALL_ID, agent_id: AGENT_ID } }],
    ['a fractional event_timestamp', envelope({}, { event_timestamp: 1.5 })],
    ['an unknown future event name', envelope({}, { event: 'call_something_new' })],
    ['an unknown future disconnection_reason', envelope({ disconnection_reason: 'a_reason_added_in_2027' })],
    ['unknown extra call fields of any type', envelope({ latency: { e2e: { p50: 800 } }, metadata: null, telephony_identifier: { twilio_call_sid: 'CA1' } })],
    ['a top-level transfer_destination object', envelope({}, { event: 'transfer_started', transfer_destination: { number: '+14155550199' } })],
    ['zero timestamps and duration', envelope({ start_timestamp: 0, end_timestamp: 0, duration_ms: 0 })],
    ['a web call without numbers', envelope({ call_type: 'web_call', from_number: undefined, to_number: undefined, direction: undefined })],
    ['an empty transcript', envelope({ transcript: '' })],
    ['a call_analysis object', envelope({ call_analysis: { call_summary: 's', call_successful: true } })],
    ['an empty call_analysis', envelope({ call_analysis: {} })],
  ])('%s', (_name, body) => {
    expect(checkEnvelope(body)).toMatchObject({ ok: true, callId: CALL_ID, agentId: AGENT_ID });
  });

  // Retell's five, and values it may add (kept raw downstream; the platform status stays put).
  it.each(['registered', 'not_connected', 'ongoing', 'ended', 'error', 'completed', 'ENDED', 'ringing', 'a_status_added_in_2027', '', 's'.repeat(64)])(
    'call_status %p',
    (callStatus) => {
      expect(checkEnvelope(envelope({ call_status: callStatus }))).toMatchObject({ ok: true });
    },
  );

  it.each(['inbound', 'outbound'])('direction %s', (direction) => {
    expect(checkEnvelope(envelope({ direction }))).toMatchObject({ ok: true });
  });
});

describe('checkEnvelope: rejected', () => {
  it.each([
    ['an array', [envelope()]],
    ['an empty array', []],
    ['a string', JSON.stringify(envelope())],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a boolean', true],
  ])('a body that is %s is not an object', (_name, body) => {
    expect(checkEnvelope(body)).toEqual({ ok: false, reason: 'body must be a JSON object' });
  });

  // [name, body, a word the reason must contain, the callId reported back]
  it.each([
    ['missing event', { call: envelope().call }, 'event', CALL_ID],
    ['empty event', envelope({}, { event: '' }), 'event', CALL_ID],
    ['event a number', envelope({}, { event: 1 }), 'event', CALL_ID],
    ['event an object', envelope({}, { event: { type: 'call_ended' } }), 'event', CALL_ID],
    ['event longer than 64', envelope({}, { event: 'e'.repeat(65) }), 'event', CALL_ID],
    ['the key "event_type" instead of "event"', { event_type: 'call_analyzed', call: envelope().call }, 'event', CALL_ID],
    ['event_timestamp a string', envelope({}, { event_timestamp: '1760000083450' }), 'event_timestamp', CALL_ID],
    ['missing call', { event: 'call_ended' }, 'call', undefined],
    ['call null', { event: 'call_ended', call: null }, 'call', undefined],
    ['call a string', { event: 'call_ended', call: CALL_ID }, 'call', undefined],
    ['call a number', { event: 'call_ended', call: 7 }, 'call', undefined],
    ['call an array', { event: 'call_ended', call: [envelope().call] }, 'call', undefined],
    ['a chat envelope', { event: 'chat_ended', chat: { chat_id: 'chat_1', agent_id: AGENT_ID } }, 'call', undefined],
    ['missing call_id', without('call_id'), 'call.call_id', undefined],
    ['empty call_id', envelope({ call_id: '' }), 'call.call_id', ''],
    ['call_id a number', envelope({ call_id: 12345 }), 'call.call_id', undefined],
    ['call_id null', envelope({ call_id: null }), 'call.call_id', undefined],
    ['call_id an array', envelope({ call_id: [CALL_ID] }), 'call.call_id', undefined],
    ['call_id longer than 256', envelope({ call_id: 'c'.repeat(257) }), 'call.call_id', 'c'.repeat(257)],
    ['missing agent_id', without('agent_id'), 'call.agent_id', CALL_ID],
    ['empty agent_id', envelope({ agent_id: '' }), 'call.agent_id', CALL_ID],
    ['agent_id a number', envelope({ agent_id: 3 }), 'call.agent_id', CALL_ID],
    ['call_status a number', envelope({ call_status: 3 }), 'call.call_status', CALL_ID],
    ['call_status an object', envelope({ call_status: { value: 'ended' } }), 'call.call_status', CALL_ID],
    ['call_status longer than 64', envelope({ call_status: 's'.repeat(65) }), 'call.call_status', CALL_ID],
    ['disconnection_reason longer than 256', envelope({ disconnection_reason: 'r'.repeat(257) }), 'call.disconnection_reason', CALL_ID],
    ['start_timestamp a string', envelope({ start_timestamp: '1760000000000' }), 'call.start_timestamp', CALL_ID],
    ['start_timestamp negative', envelope({ start_timestamp: -1 }), 'call.start_timestamp', CALL_ID],
    ['start_timestamp fractional', envelope({ start_timestamp: 1760000000000.5 }), 'call.start_timestamp', CALL_ID],
    ['end_timestamp negative', envelope({ end_timestamp: -5 }), 'call.end_timestamp', CALL_ID],
    ['duration_ms a string', envelope({ duration_ms: '83450' }), 'call.duration_ms', CALL_ID],
    ['disconnection_reason a number', envelope({ disconnection_reason: 1 }), 'call.disconnection_reason', CALL_ID],
    ['direction "sideways"', envelope({ direction: 'sideways' }), 'call.direction', CALL_ID],
    ['transcript an array', envelope({ transcript: ['Agent: Hello'] }), 'call.transcript', CALL_ID],
    ['call_analysis a string', envelope({ call_analysis: 'good call' }), 'call.call_analysis', CALL_ID],
  ])('%s', (_name, body, named, callId) => {
    const result = checkEnvelope(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain(named);
    expect(result.callId).toBe(callId);
  });

  it('lists every problem, not just the first', () => {
    const result = checkEnvelope(envelope({ agent_id: '', call_status: 7, start_timestamp: -1 }, { event: 5 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const name of ['event', 'call.agent_id', 'call.call_status', 'call.start_timestamp']) expect(result.reason).toContain(name);
  });
});

describe('checkEnvelope: large bodies stay cheap', () => {
  it('a 5 MB transcript is validated without walking the rest of the call', () => {
    const words = Array.from({ length: 200_000 }, (_, i) => ({ word: `w${i}`, start: i, end: i + 0.5 }));
    const body = envelope({ transcript: 'User: la '.repeat(600_000), transcript_object: [{ role: 'user', content: 'la', words }] });
    const t0 = performance.now();
    expect(() => checkEnvelope(body)).not.toThrow();
    expect(checkEnvelope(body)).toMatchObject({ ok: true, callId: CALL_ID });
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('fields outside the checked list are never read', () => {
    const body = envelope();
    for (const key of ['transcript_object', 'transcript_with_tool_calls', 'latency', 'call_cost']) {
      Object.defineProperty(body.call, key, {
        enumerable: true,
        get: () => {
          throw new Error(`${key} was read`);
        },
      });
    }
    expect(() => checkEnvelope(body)).not.toThrow();
    expect(checkEnvelope(body)).toMatchObject({ ok: true });
  });

  it('a huge transcript of the wrong type is rejected, not thrown on', () => {
    const body = envelope({ transcript: Array.from({ length: 100_000 }, () => 'x') });
    expect(() => checkEnvelope(body)).not.toThrow();
    expect(checkEnvelope(body)).toMatchObject({ ok: false, callId: CALL_ID });
  });
});

describe('agentIdOf', () => {
  it.each([
    ['a call event', envelope(), AGENT_ID],
    ['a chat event', { event: 'chat_ended', chat: { chat_id: 'chat_1', agent_id: 'agent_chat', chat_status: 'ended' } }, 'agent_chat'],
    [
      'a call_inbound webhook',
      { event: 'call_inbound', event_timestamp: 1, call_inbound: { agent_id: 'agent_in', from_number: '+1', to_number: '+2' } },
      'agent_in',
    ],
    ['a chat_inbound webhook', { event: 'chat_inbound', chat_inbound: { agent_id: 'agent_sms', from_number: '+1', to_number: '+2' } }, 'agent_sms'],
    ['a call_inbound webhook without agent_id (allowed by Retell)', { event: 'call_inbound', call_inbound: { from_number: '+1', to_number: '+2' } }, undefined],
    ['an empty agent_id', envelope({ agent_id: '' }), undefined],
    ['a numeric agent_id', envelope({ agent_id: 42 }), undefined],
    ['call an array', { event: 'call_ended', call: [{ agent_id: AGENT_ID }] }, undefined],
    ['call null', { event: 'call_ended', call: null }, undefined],
    ['agent_id at the top level only', { event: 'call_ended', agent_id: AGENT_ID }, undefined],
    ['an unknown container key', { event: 'x', conversation: { agent_id: AGENT_ID } }, undefined],
    ['null', null, undefined],
    ['an array', [envelope()], undefined],
    ['a string', AGENT_ID, undefined],
    ['a number', 1, undefined],
  ])('%s -> %p', (_name, body, expected) => {
    expect(agentIdOf(body)).toBe(expected);
  });

  it('falls through an unusable call to the next container', () => {
    expect(agentIdOf({ call: { agent_id: '' }, chat: { agent_id: 'agent_chat' } })).toBe('agent_chat');
  });
});

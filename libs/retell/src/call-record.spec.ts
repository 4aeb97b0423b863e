import type { CallStatus } from '@retell-ops/domain';
import { changedCallFields, foldCallEvents, sameValue, type CallRecordFields, type ReceivedCallEvent } from './call-record';
import type { RetellCall } from './call-types';

// One answered outbound call, as Retell's three lifecycle webhooks describe it (docs/retell.md#events, #call-object).
const START = 1_760_000_000_000;
const END = START + 83_450;

const base = {
  call_id: 'call_5f1c2a9b8e7d4c3b2a1f0e9d8c7b6a50',
  agent_id: 'agent_3c2b1a0f9e8d7c6b5a4f3e2d',
  agent_version: 4,
  agent_name: 'Screening agent',
  call_type: 'phone_call',
  direction: 'outbound',
  from_number: '+14155550100',
  to_number: '+14155550123',
  start_timestamp: START,
  latency: {},
} satisfies Partial<RetellCall>;

const transcript = 'Agent: Hi, this is Ava from Acme hiring. Is now a good time?\nUser: Sure, go ahead.\nAgent: Great, thanks. Goodbye!\nUser: Bye.\n';
const transcriptObject = [
  { role: 'agent', content: 'Hi, this is Ava from Acme hiring. Is now a good time?', words: [{ word: 'Hi,', start: 0.42, end: 0.61 }] },
  { role: 'user', content: 'Sure, go ahead.', words: [{ word: 'Sure,', start: 4.1, end: 4.35 }] },
  { role: 'agent', content: 'Great, thanks. Goodbye!', words: [{ word: 'Great,', start: 80.2, end: 80.5 }] },
  { role: 'user', content: 'Bye.', words: [{ word: 'Bye.', start: 82.9, end: 83.1 }] },
] as RetellCall['transcript_object'];

const endedCall: RetellCall = {
  ...base,
  call_status: 'ended',
  end_timestamp: END,
  duration_ms: 83_450,
  disconnection_reason: 'user_hangup',
  transcript,
  transcript_object: transcriptObject,
  recording_url: 'https://dxc03zgurdly9.cloudfront.net/call_5f1c/recording.wav',
  public_log_url: 'https://dxc03zgurdly9.cloudfront.net/call_5f1c/public.log',
  collected_dynamic_variables: {},
  call_cost: {
    combined_cost: 34.45,
    product_costs: [
      { product: 'elevenlabs_tts', cost: 9.74, unit_price: 0.1167 },
      { product: 'gpt_4o_mini', cost: 0.83, unit_price: 0.01 },
    ],
    total_duration_seconds: 84,
    total_duration_unit_price: 0.41,
  },
};

const analysis = {
  call_summary: 'The candidate confirmed interest and agreed to a follow-up interview.',
  user_sentiment: 'Positive',
  call_successful: true,
  in_voicemail: false,
  custom_analysis_data: { interview_slot: '2025-10-10T15:00:00Z', years_experience: 6 },
};

const started: ReceivedCallEvent = { type: 'call_started', call: { ...base, call_status: 'ongoing' } };
const ended: ReceivedCallEvent = { type: 'call_ended', call: endedCall };
const analyzed: ReceivedCallEvent = { type: 'call_analyzed', call: { ...endedCall, call_analysis: analysis } };

const EXPECTED: CallRecordFields = {
  agentId: base.agent_id,
  agentVersion: 4,
  callType: 'phone_call',
  direction: 'outbound',
  fromNumber: '+14155550100',
  toNumber: '+14155550123',
  retellStatus: 'ended',
  disconnectionReason: 'user_hangup',
  startedAt: new Date(START),
  endedAt: new Date(END),
  durationMs: 83_450,
  transcript,
  transcriptObject: transcriptObject as unknown[],
  recordingUrl: endedCall.recording_url!,
  publicLogUrl: endedCall.public_log_url!,
  metadata: null,
  dynamicVariables: null,
  summary: analysis.call_summary,
  sentiment: 'Positive',
  successful: true,
  inVoicemail: false,
  customAnalysis: analysis.custom_analysis_data,
  costCents: 34.45,
  status: 'completed',
  outcome: 'successful',
};

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** A small deterministic PRNG so shuffled orders are reproducible. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed; // Park-Miller; seed > 0
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 16807) % 2147483647;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A delivery as the worker sees it: parsed from JSON, so no shared references between events. */
const copy = (e: ReceivedCallEvent): ReceivedCallEvent => JSON.parse(JSON.stringify(e));

describe('foldCallEvents: one answered call', () => {
  it('folds call_started + call_ended + call_analyzed into the full row', () => {
    expect(foldCallEvents([started, ended, analyzed], 'queued')).toEqual(EXPECTED);
  });

  it.each(permutations([started, ended, analyzed]).map((p) => [p.map((e) => e.type).join(' > '), p]))('order %s gives the same row', (_order, events) => {
    expect(foldCallEvents(events.map(copy), 'queued')).toEqual(EXPECTED);
  });

  const COUNTS = [1, 2, 3].flatMap((s) => [1, 2, 3].flatMap((e) => [1, 2, 3].map((a) => [s, e, a])));
  it.each(COUNTS)('call_started ×%d, call_ended ×%d, call_analyzed ×%d, in several orders, gives the same row', (s, e, a) => {
    const events = [...Array(s).fill(started), ...Array(e).fill(ended), ...Array(a).fill(analyzed)].map(copy);
    for (const order of [events, [...events].reverse(), shuffled(events, s * 100 + e * 10 + a), shuffled(events, 7 + s + e + a)]) {
      expect(foldCallEvents(order, 'queued')).toEqual(EXPECTED);
    }
  });

  it('keeps the cost in cents, fractions included', () => {
    expect(foldCallEvents([ended], 'queued').costCents).toBe(34.45);
    expect(foldCallEvents([started], 'queued').costCents).toBeNull();
  });

  it.each([
    [
      'call_started',
      [started],
      { status: 'in_progress', retellStatus: 'ongoing', outcome: null, transcript: null, endedAt: null, costCents: null, summary: null },
    ],
    [
      'call_started + call_ended',
      [started, ended],
      { status: 'completed', retellStatus: 'ended', outcome: 'connected', transcript, costCents: 34.45, summary: null, successful: null },
    ],
    ['call_ended alone', [ended], { status: 'completed', startedAt: new Date(START), endedAt: new Date(END), outcome: 'connected' }],
    ['call_analyzed alone', [analyzed], { ...EXPECTED }],
  ] as Array<[string, ReceivedCallEvent[], Partial<CallRecordFields>]>)('partial lifecycle: %s', (_name, events, expected) => {
    expect(foldCallEvents(events.map(copy), 'queued')).toMatchObject(expected);
  });
});

describe('foldCallEvents: later events never erase earlier facts', () => {
  // Retell's call_analyzed normally repeats everything; these variants omit or null fields it should not erase.
  const strip = (call: RetellCall, keys: string[], value: undefined | null): RetellCall => {
    const out: RetellCall = { ...call };
    for (const k of keys) {
      if (value === undefined) delete out[k];
      else out[k] = null;
    }
    return out;
  };
  const ENDED_FIELDS = [
    'transcript',
    'transcript_object',
    'recording_url',
    'public_log_url',
    'call_cost',
    'end_timestamp',
    'duration_ms',
    'disconnection_reason',
  ];

  it.each([
    ['omits', undefined],
    ['nulls', null],
  ] as const)('call_analyzed that %s call_ended fields keeps them', (_how, value) => {
    const bareAnalyzed = { type: 'call_analyzed', call: strip(analyzed.call, ENDED_FIELDS, value) };
    for (const order of permutations([started, ended, bareAnalyzed])) {
      expect(foldCallEvents(order.map(copy), 'queued')).toEqual(EXPECTED);
    }
  });

  it.each(ENDED_FIELDS)("call_analyzed without %s keeps call_ended's value", (field) => {
    const bareAnalyzed = { type: 'call_analyzed', call: strip(analyzed.call, [field], undefined) };
    expect(foldCallEvents([bareAnalyzed, ended].map(copy), 'queued')).toEqual(EXPECTED);
    expect(foldCallEvents([ended, bareAnalyzed].map(copy), 'queued')).toEqual(EXPECTED);
  });

  it.each([
    ['no call_analysis', {}],
    ['an empty call_analysis', { call_analysis: {} }],
    [
      'a contradicting call_analysis',
      { call_analysis: { call_summary: 'other', call_successful: false, in_voicemail: true, user_sentiment: 'Negative', custom_analysis_data: { x: 1 } } },
    ],
    ['a null call_analysis', { call_analysis: null }],
  ])('call_ended with %s cannot erase or change the analysis', (_name, extra) => {
    const endedVariant = { type: 'call_ended', call: { ...endedCall, ...extra } as RetellCall };
    for (const order of permutations([started, endedVariant, analyzed])) {
      expect(foldCallEvents(order.map(copy), 'queued')).toEqual(EXPECTED);
    }
  });

  it('call_started cannot take a finished call back', () => {
    const retriedStart = copy(started);
    expect(foldCallEvents([analyzed, ended, retriedStart], 'completed')).toEqual(EXPECTED);
  });
});

describe('foldCallEvents: status starts from what the dialer recorded', () => {
  it.each([
    ['scheduled', [started], 'in_progress'],
    ['queued', [started], 'in_progress'],
    ['initiated', [started], 'in_progress'],
    ['ringing', [started], 'in_progress'],
    ['in_progress', [started], 'in_progress'],
    ['scheduled', [ended], 'completed'],
    ['queued', [started, ended, analyzed], 'completed'],
    ['scheduled', [analyzed, started], 'completed'],
    ['completed', [started], 'completed'],
    // a terminal state Retell reports replaces the dialer's own terminal guess
    ['cancelled', [ended, analyzed], 'completed'],
    ['failed', [ended], 'completed'],
    ['scheduled', [], 'scheduled'],
    ['queued', [], 'queued'],
  ] as Array<[CallStatus, ReceivedCallEvent[], CallStatus]>)('from %s with %#', (current, events, expected) => {
    expect(foldCallEvents(events.map(copy), current).status).toBe(expected);
  });
});

describe('foldCallEvents: calls that never connected and voicemail', () => {
  // An unanswered dial: no call_started, status not_connected, duration 0, empty transcript (docs/retell.md#events).
  const noAnswer = (reason: string): RetellCall => ({
    ...base,
    call_status: 'not_connected',
    disconnection_reason: reason,
    end_timestamp: START,
    duration_ms: 0,
    transcript: '',
    transcript_object: [],
    call_cost: { combined_cost: 0, product_costs: [], total_duration_seconds: 0, total_duration_unit_price: 0 },
  });

  it.each([
    ['dial_no_answer', 'no_answer'],
    ['dial_busy', 'busy'],
    ['dial_failed', 'dial_failed'],
    ['invalid_destination', 'wrong_number'],
    ['user_declined', 'declined'],
  ])('%s with only call_ended + call_analyzed -> failed, %s', (reason, outcome) => {
    const endedEvent = { type: 'call_ended', call: noAnswer(reason) };
    const analyzedEvent = {
      type: 'call_analyzed',
      call: {
        ...noAnswer(reason),
        call_analysis: { call_summary: 'The call was not answered.', user_sentiment: 'Unknown', call_successful: false, in_voicemail: false },
      },
    };
    for (const order of [
      [endedEvent, analyzedEvent],
      [analyzedEvent, endedEvent],
      [analyzedEvent, endedEvent, endedEvent],
    ]) {
      for (const current of ['scheduled', 'queued', 'initiated'] as CallStatus[]) {
        expect(foldCallEvents(order.map(copy), current)).toMatchObject({
          status: 'failed',
          outcome,
          retellStatus: 'not_connected',
          disconnectionReason: reason,
          durationMs: 0,
          transcript: null, // an empty transcript is no transcript: it never hides a real one
          transcriptObject: [],
          costCents: 0,
          startedAt: new Date(START),
          successful: false,
          metadata: null,
        });
      }
    }
  });

  it('an ended call whose reason says it never connected is failed too', () => {
    const call = { ...noAnswer('dial_no_answer'), call_status: 'ended' };
    expect(foldCallEvents([{ type: 'call_ended', call }], 'queued')).toMatchObject({ status: 'failed', outcome: 'no_answer' });
  });

  it.each([
    ['voicemail_reached', false],
    ['voicemail_reached', true],
    ['agent_hangup', true],
    ['user_hangup', true],
  ])('voicemail (reason %s, analysis in_voicemail %s) -> completed, voicemail', (reason, inVoicemail) => {
    const vmEnded = { ...endedCall, disconnection_reason: reason, transcript: 'Agent: Hi...\nUser: You have reached the voicemail of...\n' };
    const events: ReceivedCallEvent[] = [
      started,
      { type: 'call_ended', call: vmEnded },
      {
        type: 'call_analyzed',
        call: {
          ...vmEnded,
          call_analysis: { call_summary: 'Reached voicemail.', user_sentiment: 'Neutral', call_successful: false, in_voicemail: inVoicemail },
        },
      },
    ];
    for (const order of permutations(events)) {
      expect(foldCallEvents(order.map(copy), 'queued')).toMatchObject({ status: 'completed', outcome: 'voicemail', inVoicemail, disconnectionReason: reason });
    }
  });

  it('a not-yet-analysed voicemail_reached call is already a voicemail', () => {
    const call = { ...endedCall, disconnection_reason: 'voicemail_reached' };
    expect(foldCallEvents([started, { type: 'call_ended', call }], 'queued')).toMatchObject({ status: 'completed', outcome: 'voicemail', inVoicemail: null });
  });
});

describe('foldCallEvents: call_status and disconnection_reason values Retell adds later', () => {
  const FUTURE = 'a_status_added_in_2027';
  const withStatus = (e: ReceivedCallEvent, call_status: string, extra: Partial<RetellCall> = {}): ReceivedCallEvent => ({
    type: e.type,
    call: { ...e.call, call_status, ...extra },
  });

  // [name, events, starting status, what the row must hold]: the raw value is kept, the status
  // and outcome stay where the known values put them (and the status still only moves forward).
  it.each([
    ['an unknown status alone leaves a queued call queued', [withStatus(started, FUTURE)], 'queued', { status: 'queued', retellStatus: FUTURE, outcome: null }],
    [
      'an unknown status alone leaves a ringing call ringing',
      [withStatus(started, FUTURE)],
      'ringing',
      { status: 'ringing', retellStatus: FUTURE, outcome: null },
    ],
    ['an unknown status never takes a finished call back', [withStatus(started, FUTURE)], 'completed', { status: 'completed', retellStatus: FUTURE }],
    [
      'call_started known, then call_ended unknown: still in progress, raw kept',
      [started, withStatus(ended, FUTURE)],
      'queued',
      { status: 'in_progress', retellStatus: FUTURE, outcome: null, disconnectionReason: 'user_hangup' },
    ],
    [
      'call_ended known, call_analyzed unknown: completed, outcome from the analysis, raw kept',
      [started, ended, withStatus(analyzed, FUTURE)],
      'queued',
      { status: 'completed', retellStatus: FUTURE, outcome: 'successful' },
    ],
    ['call_ended unknown, call_analyzed known: as if all were known', [started, withStatus(ended, FUTURE), analyzed], 'queued', { ...EXPECTED }],
    [
      'an unknown disconnection_reason on an ended call: completed, connected, reason kept',
      [started, { type: 'call_ended', call: { ...endedCall, disconnection_reason: 'a_reason_added_in_2027' } }],
      'queued',
      { status: 'completed', outcome: 'connected', retellStatus: 'ended', disconnectionReason: 'a_reason_added_in_2027' },
    ],
    [
      'an unknown disconnection_reason on a not_connected call: failed, dial_failed, reason kept',
      [{ type: 'call_ended', call: { ...base, call_status: 'not_connected', disconnection_reason: 'a_reason_added_in_2027', duration_ms: 0 } }],
      'initiated',
      { status: 'failed', outcome: 'dial_failed', retellStatus: 'not_connected', disconnectionReason: 'a_reason_added_in_2027' },
    ],
    [
      'both unknown: status unchanged, both kept raw',
      [withStatus(ended, FUTURE, { disconnection_reason: 'a_reason_added_in_2027' })],
      'initiated',
      { status: 'initiated', outcome: null, retellStatus: FUTURE, disconnectionReason: 'a_reason_added_in_2027' },
    ],
  ] as Array<[string, ReceivedCallEvent[], CallStatus, Partial<CallRecordFields>]>)('%s', (_name, events, current, expected) => {
    for (const order of permutations(events)) expect(foldCallEvents(order.map(copy), current)).toMatchObject(expected);
  });
});

describe('foldCallEvents: metadata and dynamic variables', () => {
  it('metadata omitted in every event -> null (Retell omits it rather than sending null)', () => {
    for (const e of [started, ended, analyzed]) expect('metadata' in e.call).toBe(false);
    const row = foldCallEvents([started, ended, analyzed].map(copy), 'queued');
    expect(row.metadata).toBeNull();
    expect(row.dynamicVariables).toBeNull();
  });

  it.each([
    ['an object', { candidate_id: 'c_1', nested: { a: [1, 2] } }],
    ['a string', 'plain string metadata'],
    ['a number', 0],
    ['false', false],
    ['an empty object', {}],
  ])('metadata that is %s is kept as sent, in any order', (_name, metadata) => {
    const events = [started, ended, analyzed].map((e) => ({
      type: e.type,
      call: { ...e.call, metadata, retell_llm_dynamic_variables: { first_name: 'Ana' } },
    }));
    for (const order of permutations(events)) {
      const row = foldCallEvents(order.map(copy), 'queued');
      expect(row.metadata).toEqual(metadata);
      expect(row.dynamicVariables).toEqual({ first_name: 'Ana' });
    }
  });

  it('metadata sent only on call_started survives the later events', () => {
    const withMeta = { type: 'call_started', call: { ...started.call, metadata: { candidate_id: 'c_1' } } };
    expect(foldCallEvents([analyzed, withMeta, ended].map(copy), 'queued').metadata).toEqual({ candidate_id: 'c_1' });
  });
});

describe('changedCallFields', () => {
  const base = foldCallEvents([], 'queued');
  const cases: Array<[string, Partial<CallRecordFields>, Partial<CallRecordFields>, string[]]> = [
    ['nothing differs', {}, {}, []],
    ['a string appears', {}, { transcript: 'Agent: hi' }, ['transcript']],
    ['a string changes', { summary: 'a' }, { summary: 'b' }, ['summary']],
    ['a string is erased', { summary: 'a' }, { summary: null }, ['summary']],
    ['equal dates are different objects', { startedAt: new Date(1000) }, { startedAt: new Date(1000) }, []],
    ['dates differ', { endedAt: new Date(1000) }, { endedAt: new Date(2000) }, ['endedAt']],
    [
      'equal arrays from different events',
      { transcriptObject: [{ role: 'agent', content: 'hi' }] },
      { transcriptObject: [{ role: 'agent', content: 'hi' }] },
      [],
    ],
    [
      'arrays differ',
      { transcriptObject: [{ role: 'agent', content: 'hi' }] },
      { transcriptObject: [{ role: 'agent', content: 'hey' }] },
      ['transcriptObject'],
    ],
    ['object vs null', { metadata: null }, { metadata: { a: 1 } }, ['metadata']],
    ['false vs null', { successful: null }, { successful: false }, ['successful']],
    ['0 vs null', { costCents: null }, { costCents: 0 }, ['costCents']],
    ['status and outcome are never reported', { status: 'queued', outcome: null }, { status: 'completed', outcome: 'successful' }, []],
    [
      'several at once, in column order',
      { agentId: 'a' },
      { agentId: 'b', durationMs: 5, customAnalysis: { x: '1' } },
      ['agentId', 'durationMs', 'customAnalysis'],
    ],
  ];
  it.each(cases)('%s', (_name, before, after, expected) => {
    expect(changedCallFields({ ...base, ...before }, { ...base, ...after })).toEqual(expected);
  });
});

describe('foldCallEvents: transfer events only join the timeline', () => {
  // Retell's transfer events carry the full call object; a transfer_ended may say the call ended
  // (the agent's leg did) before call_ended arrives.
  const transferEnded: ReceivedCallEvent = {
    type: 'transfer_ended',
    call: { ...endedCall, call_status: 'ended', disconnection_reason: 'call_transfer', transfer_destination: '+14155550199' } as RetellCall,
  };
  const transferStarted: ReceivedCallEvent = { type: 'transfer_started', call: { ...base, call_status: 'ongoing' } };

  it.each([
    ['in_progress', [started, transferStarted, transferEnded], 'in_progress'],
    ['queued', [transferEnded], 'queued'],
    ['in_progress', [transferEnded, started], 'in_progress'],
  ] as Array<[CallStatus, ReceivedCallEvent[], CallStatus]>)('from %s with %#: status unchanged', (current, events, expected) => {
    const folded = foldCallEvents(events.map(copy), current);
    expect(folded.status).toBe(expected);
    expect(folded.outcome).toBeNull();
    expect(folded.endedAt).toBeNull();
  });

  it('a full call with transfers folds as the call without them', () => {
    for (const order of permutations([started, transferStarted, ended, analyzed, transferEnded])) {
      expect(foldCallEvents(order.map(copy), 'queued')).toEqual(EXPECTED);
    }
  });
});

describe('sameValue: stored alike (jsonb: no key order, an undefined member is absent)', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['same primitive', 'a', 'a', true],
    ['different primitives', 1, 2, false],
    ['null and undefined', null, undefined, false],
    ['0 and false', 0, false, false],
    ['equal objects, other key order', { a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    ['a nested value differs', { a: { b: [1, 2] } }, { a: { b: [1, 3] } }, false],
    ['a key only on the right', { a: 1 }, { a: 1, b: 2 }, false],
    ['a key only on the left', { a: 1, b: 2 }, { a: 1 }, false],
    ['an undefined member is absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['undefined member on the right', { a: 1 }, { a: 1, b: undefined }, true],
    ['a null member is not absent', { a: 1, b: null }, { a: 1 }, false],
    ['array vs object', [], {}, false],
    ['arrays of other lengths', [1], [1, 1], false],
    ['equal dates', new Date(5), new Date(5), true],
    ['date vs its string', new Date(5), new Date(5).toISOString(), false],
  ])('%s', (_name, a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
    expect(sameValue(b, a)).toBe(expected);
  });
});

import Retell from 'retell-sdk';
import { buildLifecycle } from '../payloads';
import { bookingAnalysis, slotsOf, spokenIso, spokenSlot } from './booking';
import { Conversation, saidThrough, turnPrefixes } from './conversation';
import { customToolsOf, generalToolsProblem } from './custom-tools';
import { readInboundAnswer } from './inbound';
import { fillArgs, flatten, lookUp } from './tool-args';
import { toolRequest } from './tool-request';

const tool = (extra: Record<string, unknown> = {}) =>
  customToolsOf({ general_tools: [{ type: 'custom', name: 't', url: 'https://tools.example/t?x=1', ...extra }] })[0];

describe('custom tools', () => {
  it("applies Retell's defaults: POST, 120 s, no retry, args under `args`", () => {
    expect(tool()).toEqual({
      name: 't',
      url: 'https://tools.example/t?x=1',
      method: 'POST',
      argsAtRoot: false,
      timeoutMs: 120000,
      maxRetry: 0,
      headers: {},
      queryParams: {},
    });
    expect(tool({ parameters: { type: 'object', properties: { a: {}, b: {} } } }).parameterNames).toEqual(['a', 'b']);
  });

  it.each([
    [undefined, undefined],
    [[{ type: 'end_call', name: 'end' }], undefined],
    ['x', /must be an array/],
    [[{ type: 'custom', name: 'a', url: 'https://x.example', headers: { a: 1 } }], /headers must be an object with string values/],
    [[{ type: 'custom', name: 'a', url: 'https://x.example', args_at_root: 'yes' }], /args_at_root must be a boolean/],
    [[{ type: 'custom', name: 'x'.repeat(65), url: 'https://x.example' }], /name must be 1-64/],
  ])('general_tools %j → %s', (tools, problem) => {
    const found = generalToolsProblem(tools);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it('builds the request: {name, call, args} or args at root for bodied methods; no body for GET/DELETE; {{vars}} in query params and headers', () => {
    const input = { call: { call_id: 'call_1' }, args: { a: 1 }, dynamicVariables: { tenant: 'acme' } };
    expect(toolRequest(tool(), input)).toEqual({
      url: 'https://tools.example/t?x=1',
      method: 'POST',
      body: '{"name":"t","call":{"call_id":"call_1"},"args":{"a":1}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(toolRequest(tool({ args_at_root: true, method: 'PATCH' }), input).body).toBe('{"a":1}');
    expect(toolRequest(tool({ method: 'GET', query_params: { t: '{{tenant}}', u: '{{unknown}}' }, headers: { 'X-T': '{{tenant}}' } }), input)).toEqual({
      url: 'https://tools.example/t?x=1&t=acme&u=%7B%7Bunknown%7D%7D',
      method: 'GET',
      headers: { 'x-t': 'acme' },
    });
  });

  it("a signature over the empty string (GET) verifies with the SDK's verify", async () => {
    const signature = await Retell.sign('', 'key_test_x');
    await expect(Retell.verify('', 'key_test_x', signature)).resolves.toBe(true);
  });
});

describe('tool arguments', () => {
  const pool = [flatten({ candidate: { id: 'c-1', name: 'Ana' }, slot_id: 's-1' }), flatten({ candidate_id: 'c-2', start: '2021-03-02T14:00:00-05:00' })];

  it('an exact name anywhere beats a bare id in a nearer source', () => {
    expect(lookUp('candidate_id', [flatten({ id: 'slot-9' }), flatten({ candidate_id: 'c-2' })])).toBe('c-2');
    expect(lookUp('candidate_id', [flatten({ id: 'c-3' })])).toBe('c-3');
  });

  it.each([
    ['candidate_id', 'c-1'], // candidate.id reads as candidate_id; the nearer source wins
    ['candidateId', 'c-1'],
    ['start_time', '2021-03-02T14:00:00-05:00'],
    ['candidate_name', 'Ana'],
    ['slot id', 's-1'],
    ['nothing', undefined],
  ])('%s → %s', (name, value) => {
    expect(lookUp(name, pool)).toBe(value);
  });

  it('fills exactly the schema properties it can, or the fallback without a schema', () => {
    expect(fillArgs(['candidate_id', 'nothing'], pool, {})).toEqual({ candidate_id: 'c-1' });
    expect(fillArgs(undefined, pool, { a: 1, b: undefined })).toEqual({ a: 1 });
  });
});

describe('booking pieces', () => {
  it.each([
    ['2021-03-02T14:00:00-05:00', 'Tuesday, March 2 at 2:00 PM'],
    ['2021-03-06T00:30:00Z', 'Saturday, March 6 at 12:30 AM'],
    ['next week', 'next week'],
  ])('spokenIso(%s) = %s', (iso, words) => {
    expect(spokenIso(iso)).toBe(words);
  });

  it.each([
    [{ slots: [{ start: '2021-03-02T14:00:00Z', interviewer_id: 'i' }] }, ['2021-03-02T14:00:00Z']],
    [{ available_slots: ['2021-03-02T14:00:00Z', 'not a time'] }, ['2021-03-02T14:00:00Z']],
    [[{ start_iso: '2021-03-02T15:00:00Z' }], ['2021-03-02T15:00:00Z']],
    [{ slots: [] }, []],
    ['text', []],
  ])('slotsOf(%j)', (answer, starts) => {
    expect(slotsOf(answer).map((s) => s.startIso)).toEqual(starts);
  });

  it.each([
    [{ start: '2021-03-02T14:00:00-05:00', spoken: 'Tuesday at 2 PM Eastern' }, 'Tuesday at 2 PM Eastern'],
    [{ start: '2021-03-02T14:00:00-05:00', start_words: 'Tuesday, March 2 at 2:00 PM Eastern Time' }, 'Tuesday, March 2 at 2:00 PM Eastern Time'],
    [{ start: '2021-03-02T14:00:00-05:00', label: 'Tue 2 PM' }, 'Tue 2 PM'],
    [{ start: '2021-03-02T14:00:00-05:00' }, 'Tuesday, March 2 at 2:00 PM'],
  ])('spokenSlot(%j) = %s', (slot, words) => {
    expect(spokenSlot(slot, slot.start)).toBe(words);
  });

  it("the booked slot's ISO start goes unchanged into scheduled_datetime_iso", () => {
    expect(bookingAnalysis({ startIso: '2021-03-02T14:00:00-05:00', spoken: 'Tuesday at 2 PM', timeZone: 'America/New_York' }).custom_analysis_data).toEqual({
      interview_scheduled: true,
      scheduled_date: '2021-03-02',
      scheduled_time: '2:00 PM',
      scheduled_timezone: 'America/New_York',
      scheduled_datetime_iso: '2021-03-02T14:00:00-05:00',
      is_qualified_candidate: true,
      candidate_interest_level: 'High',
      outcome: 'Interview Scheduled',
    });
    expect(bookingAnalysis(undefined)).toMatchObject({ call_successful: false, custom_analysis_data: { interview_scheduled: false } });
  });
});

describe('conversation transcript', () => {
  it('keeps tool items between lines in transcript_with_tool_calls only; prefixes grow turn by turn', () => {
    const talk = new Conversation('call_1');
    talk.say('agent', 'Hello there.');
    const id = talk.invoke('get_candidate', { a: 1 });
    talk.result(id, '{"ok":true}', true);
    talk.say('user', 'Hi.');
    talk.say('agent', 'Bye.');
    const f = talk.fields();
    expect(f.transcript).toBe('Agent: Hello there.\nUser: Hi.\nAgent: Bye.\n');
    expect(f.transcript_with_tool_calls.map((i) => i.role)).toEqual(['agent', 'tool_call_invocation', 'tool_call_result', 'user', 'agent']);
    expect(turnPrefixes(f.transcript_with_tool_calls).map((p) => p.transcript_with_tool_calls.length)).toEqual([3, 4]);
    expect(saidThrough(f.transcript_with_tool_calls, 1).transcript_with_tool_calls).toHaveLength(3);
    expect(id).toMatch(/^tool_call_[0-9a-f]{24}$/);
  });
});

describe('live lifecycles', () => {
  const base = { callId: 'call_x', agentId: 'agent_x', fromNumber: '+14155550100', toNumber: '+14155550123' };

  it('without liveTranscript an answered call has just the three lifecycle events (delivery counts hold)', () => {
    expect(buildLifecycle('answered', base).map((d) => d.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
  });

  it('transfer_cancelled with liveTranscript: the events in time order', () => {
    const events = buildLifecycle('transfer_cancelled', { ...base, liveTranscript: true }).map((d) => d.event);
    expect(events).toEqual([
      'call_started',
      'transcript_updated',
      'transcript_updated',
      'transfer_started',
      'transfer_cancelled',
      'transfer_ended',
      'transcript_updated',
      'transcript_updated',
      'transcript_updated',
      'transcript_updated',
      'call_ended',
      'call_analyzed',
    ]);
  });
});

describe('inbound answers', () => {
  const known = (id: string) => id === 'agent_b';

  it.each([
    ['{"call_inbound":{"reject":true}}', { kind: 'reject' }],
    ['{"call_inbound":{"reject":"true"}}', { kind: 'answer' }],
    ['{}', { kind: 'answer' }],
    [
      '{"call_inbound":{"override_agent_id":"agent_b","override_agent_version":2,"dynamic_variables":{"a":"1"},"metadata":{"m":1}}}',
      { kind: 'answer', overrideAgentId: 'agent_b', overrideAgentVersion: 2, dynamicVariables: { a: '1' }, metadata: { m: 1 } },
    ],
    ['{"call_inbound":{"reject":true,"dynamic_variables":{"a":1}}}', { kind: 'failed', reason: expect.stringMatching(/string values/) }],
    ['{"call_inbound":{"override_agent_id":"agent_z"}}', { kind: 'failed', reason: expect.stringMatching(/not an agent/) }],
    ['{"call_inbound":{"override_agent_version":"2"}}', { kind: 'failed', reason: expect.any(String) }],
    ['{"call_inbound":{"metadata":[1]}}', { kind: 'failed', reason: expect.any(String) }],
    ['{"call_inbound":[]}', { kind: 'failed', reason: expect.any(String) }],
    ['[]', { kind: 'failed', reason: expect.any(String) }],
    ['ok', { kind: 'failed', reason: 'the answer is not JSON' }],
  ])('%s', (text, decision) => {
    expect(readInboundAnswer(text, known)).toEqual(decision);
  });
});

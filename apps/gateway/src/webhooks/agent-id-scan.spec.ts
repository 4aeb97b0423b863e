import { agentIdOf } from '@retell-ops/retell';
import { agentIdIn } from './agent-id-scan';

const scan = (text: string) => agentIdIn(Buffer.from(text, 'utf8'));

describe('agentIdIn', () => {
  // Valid JSON: the scan agrees with agentIdOf on the parsed body.
  it.each<[string, unknown, string | undefined]>([
    ['a Retell call event', { event: 'call_ended', call: { call_id: 'c1', agent_id: 'agent_3c2b1a0f', call_status: 'ended' } }, 'agent_3c2b1a0f'],
    [
      'agent_id after a large transcript',
      { event: 'call_ended', call: { call_id: 'c1', transcript: 'x'.repeat(100_000), agent_id: 'agent_late' } },
      'agent_late',
    ],
    ['a chat event', { event: 'chat_ended', chat: { chat_id: 'h1', agent_id: 'agent_chat' } }, 'agent_chat'],
    ['an inbound call', { event: 'call_inbound', call_inbound: { agent_id: 'agent_in', from_number: '+1' } }, 'agent_in'],
    ['an inbound chat', { event: 'chat_inbound', chat_inbound: { agent_id: 'agent_chat_in' } }, 'agent_chat_in'],
    ['no agent_id', { event: 'call_ended', call: { call_id: 'c1' } }, undefined],
    ['agent_id a number', { event: 'call_ended', call: { call_id: 'c1', agent_id: 5 } }, undefined],
    ['agent_id null', { event: 'call_ended', call: { agent_id: null } }, undefined],
    ['agent_id empty, none elsewhere', { call: { agent_id: '' } }, undefined],
    ['agent_id empty in call, set in chat', { call: { agent_id: '' }, chat: { agent_id: 'agent_chat' } }, 'agent_chat'],
    ['agent_id only nested deeper (metadata)', { event: 'call_ended', call: { call_id: 'c1', metadata: { agent_id: 'agent_meta' } } }, undefined],
    ['agent_id only at the top level', { agent_id: 'agent_top', call: { call_id: 'c1' } }, undefined],
    [
      'agent_id in an object that is not a container',
      { event: 'call_ended', other: { agent_id: 'agent_other' }, call: { agent_id: 'agent_real' } },
      'agent_real',
    ],
    ['call is an array', { call: [{ agent_id: 'agent_arr' }] }, undefined],
    ['call is a string', { call: 'agent_id' }, undefined],
    [
      'a transcript that quotes JSON',
      { event: 'call_ended', call: { transcript: 'say "agent_id":"agent_fake" \\ now', agent_id: 'agent_true' } },
      'agent_true',
    ],
    [
      'values of every kind before it',
      { event: 'call_ended', n: -1.5e3, t: true, f: false, z: null, a: [1, [2, { b: '}' }]], call: { x: { y: [']'] }, agent_id: 'agent_k' } },
      'agent_k',
    ],
    ['an empty call object', { call: {} }, undefined],
    ['an empty body object', {}, undefined],
    ['a JSON array', [{ call: { agent_id: 'agent_x' } }], undefined],
    ['a JSON string', 'agent_x', undefined],
  ])('%s', (_name, value, expected) => {
    for (const text of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      expect(scan(text)).toBe(expected);
      expect(agentIdOf(JSON.parse(text))).toBe(expected);
    }
  });

  // Present but unusable as an id: reported as null, never copied.
  it.each<[string, string]>([
    ['129 bytes', JSON.stringify({ call: { agent_id: `agent_${'a'.repeat(123)}` } })],
    ['2 MB', JSON.stringify({ call: { agent_id: 'a'.repeat(2 * 1024 * 1024) } })],
    ['written with an escape', '{"call":{"agent_id":"agent\\u005fx"}}'],
    ['holding an escaped quote', '{"call":{"agent_id":"agent_\\"x"}}'],
  ])('an agent_id of %s is unusable (null)', (_name, text) => {
    expect(scan(text)).toBeNull();
  });

  it('non-ASCII bytes come back as latin1, which the shape check refuses', () => {
    expect(scan('{"call":{"agent_id":"agent_ü"}}')).toBe(Buffer.from('agent_ü', 'utf8').toString('latin1'));
  });

  it('128 bytes is still an id', () => {
    const id = `agent_${'b'.repeat(122)}`;
    expect(scan(JSON.stringify({ call: { agent_id: id } }))).toBe(id);
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['not JSON', 'hello'],
    ['truncated in a key', '{"call":{"agen'],
    ['truncated in a value', '{"event":"call_ended","call":{"agent_id":"agent_x'],
    ['truncated before the call', '{"event":"call_en'],
    ['a key without a colon', '{"call" {"agent_id":"x"}}'],
    ['junk between members', '{"event":"e" x "call":{"agent_id":"x"}}'],
    ['10,000 nested arrays, unterminated', `{"a":${'['.repeat(10_000)}`],
    ['a lone number', '42'],
  ])('no id in bytes that are not a JSON object holding one: %s', (_name, text) => {
    expect(scan(text)).toBeUndefined();
  });

  it('finds the id of a Retell-shaped 4 MB body', () => {
    const text = JSON.stringify({ event: 'call_ended', call: { call_id: 'c1', agent_id: 'agent_big', transcript: 'y'.repeat(4 * 1024 * 1024) } });
    expect(scan(text)).toBe('agent_big');
  });
});

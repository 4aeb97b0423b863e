import { isNewerTranscript, LIVE_TRANSCRIPT_LIMITS, liveTranscriptOf, transcriptTail, type LiveUtterance } from './live-transcript';

const turn = (role: string, content: string) => ({ role, content, words: [{ word: content, start: 0, end: 1 }] });

describe('liveTranscriptOf', () => {
  it.each<[string, unknown, LiveUtterance[], number, number]>([
    ['no call', undefined, [], 0, 0],
    ['no transcript yet', { call_id: 'c' }, [], 0, 0],
    [
      'transcript_object, words dropped',
      { transcript_object: [turn('agent', 'Hi'), turn('user', 'Hello')] },
      [
        { role: 'agent', content: 'Hi' },
        { role: 'user', content: 'Hello' },
      ],
      2,
      7,
    ],
    [
      'tool calls skipped in transcript_with_tool_calls',
      {
        transcript_with_tool_calls: [
          turn('agent', 'One moment'),
          { role: 'tool_call_invocation', name: 'x', arguments: '{}' },
          turn('transfer_target', 'Desk'),
        ],
      },
      [
        { role: 'agent', content: 'One moment' },
        { role: 'transfer_target', content: 'Desk' },
      ],
      2,
      14,
    ],
    [
      'malformed turns skipped',
      { transcript_object: [null, 3, { role: 'agent' }, { role: 'user', content: 5 }, turn('user', 'ok')] },
      [{ role: 'user', content: 'ok' }],
      1,
      2,
    ],
    [
      'transcript_object wins',
      { transcript_object: [turn('agent', 'a')], transcript_with_tool_calls: [turn('agent', 'b'), turn('user', 'c')] },
      [{ role: 'agent', content: 'a' }],
      1,
      1,
    ],
  ])('%s', (_, call, utterances, count, chars) => {
    expect(liveTranscriptOf(call)).toEqual({ utterances, count, chars });
  });

  it('keeps the last turns, each cut, and counts them all', () => {
    const many = Array.from({ length: 250 }, (_, i) => turn(i % 2 ? 'user' : 'agent', i === 249 ? 'x'.repeat(5000) : `t${i}`));
    const t = liveTranscriptOf({ transcript_object: many });
    expect(t.count).toBe(250);
    expect(t.utterances).toHaveLength(LIVE_TRANSCRIPT_LIMITS.keptUtterances);
    expect(t.utterances[0].content).toBe('t50');
    expect(t.utterances.at(-1)!.content).toHaveLength(LIVE_TRANSCRIPT_LIMITS.utteranceChars);
  });
});

describe('transcriptTail', () => {
  const short = (n: number): LiveUtterance[] => Array.from({ length: n }, (_, i) => ({ role: 'agent', content: `u${i}` }));
  it.each<[string, LiveUtterance[], number, number, number]>([
    ['all of a short one', short(3), 3, 0, 3],
    ['the last 50 of many', short(120), 120, 70, 50],
    ['counts past the kept ones', short(200), 260, 210, 50],
    ['fewer when the turns are long', Array.from({ length: 10 }, () => ({ role: 'user' as const, content: 'y'.repeat(2000) })), 10, 7, 3],
  ])('%s', (_, utterances, count, from, length) => {
    const tail = transcriptTail({ utterances, count });
    expect(tail.from).toBe(from);
    expect(tail.utterances).toHaveLength(length);
    expect(tail.utterances.at(-1)).toEqual(utterances.at(-1));
  });
});

describe('isNewerTranscript', () => {
  it.each<[string, { count: number; chars: number }, { count: number; chars: number } | null, boolean]>([
    ['nothing kept', { count: 1, chars: 2 }, null, true],
    ['more turns', { count: 3, chars: 10 }, { count: 2, chars: 50 }, true],
    ['fewer turns (late delivery)', { count: 2, chars: 90 }, { count: 3, chars: 10 }, false],
    ['same turns, longer', { count: 3, chars: 11 }, { count: 3, chars: 10 }, true],
    ['the same again (retry)', { count: 3, chars: 10 }, { count: 3, chars: 10 }, false],
  ])('%s', (_, next, kept, expected) => {
    expect(isNewerTranscript(next, kept)).toBe(expected);
  });
});

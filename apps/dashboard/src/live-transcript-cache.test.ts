import { QueryClient } from '@tanstack/react-query';
import { appendLiveTranscript, liveTranscriptKey } from './components/live-transcript-cache';
import type { LiveTranscript, LiveUtterance } from './types';

const said = (from: number, to: number): LiveUtterance[] =>
  Array.from({ length: to - from }, (_, i) => ({ role: (from + i) % 2 ? 'user' : 'agent', content: `t${from + i}` }));
const cached = (count: number, held = count, source: LiveTranscript['source'] = 'live'): LiveTranscript => ({
  id: 'row',
  callId: 'call_a',
  status: 'in_progress',
  source,
  count,
  utterances: said(count - held, count),
  updatedAt: null,
});
const event = (count: number, from: number) => ({ callId: 'call_a', count, from, utterances: said(from, count), at: 'now' });

describe('appendLiveTranscript', () => {
  it.each<[string, LiveTranscript | undefined, Record<string, unknown>, string[] | 'unchanged' | 'refetch']>([
    ['appends the new turns', cached(2), event(3, 0), ['t0', 't1', 't2']],
    ['appends only what is new when the event overlaps', cached(4), event(5, 2), ['t0', 't1', 't2', 't3', 't4']],
    ['the cache holds only the last turns', cached(300, 200), event(301, 251), [...said(100, 301).map((u) => u.content)]],
    ['an event starting before the held turns replaces them', cached(300, 200), event(320, 90), [...said(90, 320).map((u) => u.content)]],
    ['older or equal: unchanged', cached(5), event(5, 0), 'unchanged'],
    ['a final transcript is not touched', cached(2, 2, 'stored'), event(3, 0), 'unchanged'],
    ['missed turns: refetched', cached(2), event(10, 5), 'refetch'],
    ['not shown anywhere: nothing cached', undefined, event(3, 0), 'unchanged'],
    ['malformed: ignored', cached(2), { callId: 'call_a', count: '3' }, 'unchanged'],
  ])('%s', (_, before, data, expected) => {
    const qc = new QueryClient();
    if (before) qc.setQueryData(liveTranscriptKey('call_a'), before);
    const invalidated: unknown[] = [];
    qc.invalidateQueries = ((f: { queryKey: unknown }) => (invalidated.push(f.queryKey), Promise.resolve())) as QueryClient['invalidateQueries'];
    appendLiveTranscript(qc, data);
    const after = qc.getQueryData<LiveTranscript>(liveTranscriptKey('call_a'));
    if (expected === 'unchanged') expect(after).toEqual(before);
    else if (expected === 'refetch') expect(invalidated).toEqual([liveTranscriptKey('call_a')]);
    else {
      expect(after!.utterances.map((u) => u.content)).toEqual(expected);
      expect(after!.count).toBe(data.count);
    }
    if (expected !== 'refetch') expect(invalidated).toEqual([]);
  });
});

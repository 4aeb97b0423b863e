import type { QueryClient } from '@tanstack/react-query';
import type { LiveTranscript, LiveUtterance } from '../types';

/** The query key of a call's live transcript, by Retell's call id. */
export const liveTranscriptKey = (callId: string) => ['live-transcript', callId] as const;

/**
 * A `call.transcript` event (the last turns of a live call's transcript, from index `from` of
 * `count`) into the cached transcript of that call: appended when the cache holds every turn up
 * to `from`, refetched when it holds fewer (missed events), ignored when it is not older.
 */
export function appendLiveTranscript(qc: QueryClient, d: Record<string, unknown>): void {
  if (typeof d.callId !== 'string' || typeof d.count !== 'number' || typeof d.from !== 'number' || !Array.isArray(d.utterances)) return;
  const key = liveTranscriptKey(d.callId);
  const cached = qc.getQueryData<LiveTranscript>(key);
  if (!cached) return; // no page shows this call
  if (cached.source === 'stored' || d.count <= cached.count) return;
  if (cached.count < d.from) {
    void qc.invalidateQueries({ queryKey: key });
    return;
  }
  const kept = cached.utterances.slice(0, Math.max(0, d.from - (cached.count - cached.utterances.length)));
  const utterances = [...kept, ...(d.utterances as LiveUtterance[])];
  qc.setQueryData<LiveTranscript>(key, {
    ...cached,
    source: 'live',
    count: d.count,
    utterances,
    updatedAt: typeof d.at === 'string' ? d.at : cached.updatedAt,
  });
}

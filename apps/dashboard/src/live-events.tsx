import { useEffect } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { appendLiveTranscript } from './components/live-transcript-cache';

/**
 * The one EventSource of the app: GET /api/v1/events (SSE, the session cookie authenticates it).
 * Each event invalidates the queries it touches, so pages refetch in place; `reset` refetches all.
 * The browser reconnects by itself and sends Last-Event-ID.
 */
const TOUCHES: Record<string, (data: Record<string, unknown>) => unknown[][]> = {
  'call.updated': (d) => [
    ['calls'],
    ['call', d.callId],
    ['call', d.id],
    ['deliveries'],
    ['analytics'],
    ['agents'],
    ...(d.batchId ? [['batches']] : []),
    ...(d.candidateId ? [['candidate', d.candidateId]] : []),
  ],
  'batch.progress': () => [['batches']],
  'candidate.updated': (d) => [['candidates'], ['candidate', d.candidateId]],
  'interview.updated': (d) => [['interviews'], ['candidate', d.candidateId]],
  'dial.updated': (d) => [['calls'], ...(d.batchId ? [['batches']] : [])],
  // Appended in place (appendLiveTranscript); refetched only when the page missed turns.
  'call.transcript': () => [],
};

export function invalidateFor(qc: QueryClient, type: string, raw: string): void {
  if (type === 'reset') {
    void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
    return;
  }
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(raw);
  } catch {
    /* a malformed event still refreshes its lists */
  }
  if (type === 'call.transcript') appendLiveTranscript(qc, data);
  for (const key of TOUCHES[type]?.(data) ?? []) void qc.invalidateQueries({ queryKey: key.filter((k) => k !== undefined) });
}

export function useLiveEvents(): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/v1/events', { withCredentials: true });
    const handlers = [...Object.keys(TOUCHES), 'reset'].map((type) => {
      const h = (e: MessageEvent) => invalidateFor(qc, type, e.data);
      es.addEventListener(type, h);
      return [type, h] as const;
    });
    return () => {
      for (const [type, h] of handlers) es.removeEventListener(type, h);
      es.close();
    };
  }, [qc]);
}

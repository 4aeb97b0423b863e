import { useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import type { Call, LiveTranscript, LiveUtterance } from '../types';
import { liveTranscriptKey } from './live-transcript-cache';

const SPEAKER: Record<LiveUtterance['role'], string> = { agent: 'Agent', user: 'Caller', transfer_target: 'Transfer' };
const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * The transcript of a call while it is live: fetched once, then grown by the `call.transcript`
 * live events (live-events.tsx). Gone once the call ended: the page's final transcript replaces it.
 */
export function LiveTranscriptCard({ call }: { call: Pick<Call, 'callId' | 'status'> }) {
  const live = !FINAL.has(call.status) && call.callId !== null;
  const q = useQuery({
    queryKey: liveTranscriptKey(call.callId ?? ''),
    queryFn: () => api<LiveTranscript>(`/api/v1/calls/${encodeURIComponent(call.callId!)}/live-transcript`),
    enabled: live,
  });
  const list = useRef<HTMLOListElement>(null);
  const turns = q.data?.utterances ?? [];
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [turns.length, turns.at(-1)?.content]);
  if (!live) return null;
  return (
    <section className="card live-transcript" aria-labelledby="live-transcript-title">
      <h2 id="live-transcript-title">
        Live transcript <span className="live-dot" aria-hidden="true" />
      </h2>
      {q.isError && <p className="field-error">Live transcript unavailable: {q.error.message}</p>}
      {!q.isError && !turns.length && <p className="state empty">{q.isPending ? 'Loading…' : 'Nothing said yet.'}</p>}
      {turns.length > 0 && (
        <ol className="transcript" aria-label="Live transcript" aria-live="polite" ref={list}>
          {turns.map((t, i) => (
            <li key={i} className={t.role === 'agent' ? 'agent' : 'user'}>
              <span className="who">{SPEAKER[t.role] ?? t.role}</span>
              <p>{t.content}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

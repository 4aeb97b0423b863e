import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import type { Page } from '../types';
import { Badge, QueryState } from '../components/ui';
import { formatInstant, viewerZone } from '../format';
import { useCan } from '../session';
import type { CandidateCard } from './CandidatesPage';

export interface Interview {
  id: string;
  candidateId: string;
  status: string;
  scheduledAt: string | null;
  timeZone: string | null;
  durationMinutes: number;
  interviewer: string | null;
  reviewReason: string | null;
  rawDate: string | null;
  rawTime: string | null;
  rawZone: string | null;
}

function Row({ i, admin, candidate }: { i: Interview; admin: boolean; candidate?: CandidateCard }) {
  const qc = useQueryClient();
  const [when, setWhen] = useState('');
  const done = () => void qc.invalidateQueries({ queryKey: ['interviews'] });
  const reschedule = useMutation({
    mutationFn: () => api(`/api/v1/interviews/${i.id}/reschedule`, { method: 'POST', body: { scheduledAt: new Date(when).toISOString() } }),
    onSuccess: done,
  });
  const cancel = useMutation({ mutationFn: () => api(`/api/v1/interviews/${i.id}/cancel`, { method: 'POST', body: {} }), onSuccess: done });
  const live = i.status === 'scheduled' || i.status === 'needs_review';
  return (
    <li className={`card${i.status === 'needs_review' ? ' review' : ''}`} data-interview-id={i.id}>
      <div className="row">
        <Badge value={i.status} />
        <Link to={`/candidates/${i.candidateId}`}>{candidate ? [candidate.firstName, candidate.lastName].filter(Boolean).join(' ') : 'Candidate'}</Link>
        {i.interviewer && <span className="muted">with {i.interviewer}</span>}
      </div>
      {i.scheduledAt ? (
        <dl className="facts">
          <dt>Your time ({viewerZone()})</dt>
          <dd>{formatInstant(i.scheduledAt)}</dd>
          <dt>Candidate's time ({i.timeZone ?? 'zone unknown'})</dt>
          <dd>{i.timeZone ? formatInstant(i.scheduledAt, i.timeZone) : '—'}</dd>
        </dl>
      ) : (
        <p>
          Needs review: {i.reviewReason ?? 'no time'}{' '}
          {[i.rawDate, i.rawTime, i.rawZone].filter(Boolean).length ? `(said: ${[i.rawDate, i.rawTime, i.rawZone].filter(Boolean).join(' ')})` : ''}
        </p>
      )}
      <div className="row">
        <a href={`/api/v1/interviews/${i.id}/ics`} download>
          Download .ics
        </a>
        {admin && live && (
          <>
            <label htmlFor={`re-${i.id}`}>New time</label>
            <input id={`re-${i.id}`} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
            <button type="button" className="secondary" disabled={!when || reschedule.isPending} onClick={() => reschedule.mutate()}>
              Reschedule
            </button>
            <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel interview
            </button>
          </>
        )}
      </div>
      {(reschedule.error ?? cancel.error) && (
        <p className="field-error" role="alert">
          {(reschedule.error ?? cancel.error)!.message}
        </p>
      )}
    </li>
  );
}

export function InterviewsPage() {
  const admin = useCan('interviews:write');
  const q = useQuery({ queryKey: ['interviews'], queryFn: () => api<Page<Interview>>('/api/v1/interviews?limit=200') });
  // Names for the cards: the board's query (same key), so live candidate updates refresh them too.
  const candidates = useQuery({ queryKey: ['candidates'], queryFn: () => api<Page<CandidateCard>>('/api/v1/candidates?limit=200') });
  const byId = new Map((candidates.data?.data ?? []).map((c) => [c.id, c]));
  const now = Date.now();
  return (
    <section aria-labelledby="iv-title">
      <h1 id="iv-title">Interviews</h1>
      <QueryState query={q} isEmpty={(p) => p.data.length === 0} empty="No interviews yet: screening calls book them.">
        {(page) => {
          const upcoming = page.data.filter((i) => !i.scheduledAt || Date.parse(i.scheduledAt) >= now);
          const past = page.data.filter((i) => i.scheduledAt && Date.parse(i.scheduledAt) < now);
          return (
            <>
              <h2>Upcoming</h2>
              {upcoming.length ? (
                <ul className="cards">
                  {upcoming.map((i) => (
                    <Row key={i.id} i={i} admin={admin} candidate={byId.get(i.candidateId)} />
                  ))}
                </ul>
              ) : (
                <p className="state empty">None upcoming.</p>
              )}
              <h2>Past</h2>
              {past.length ? (
                <ul className="cards">
                  {past.map((i) => (
                    <Row key={i.id} i={i} admin={admin} candidate={byId.get(i.candidateId)} />
                  ))}
                </ul>
              ) : (
                <p className="state empty">None past.</p>
              )}
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

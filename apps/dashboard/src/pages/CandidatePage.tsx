import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import type { Call } from '../types';
import { Badge, QueryState } from '../components/ui';
import { formatDuration, formatInstant, humanize } from '../format';
import { useCan } from '../session';
import type { Interview } from './InterviewsPage';

interface CandidateDetail {
  id: string;
  firstName: string;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  timeZone: string | null;
  positionApplied: string | null;
  status: string;
  qualified: boolean | null;
  interestLevel: string | null;
  yearsExperience: number | null;
  salaryExpectation: number | null;
  skills: string[];
  screeningOutcome: string | null;
  availabilityPreference: string | null;
  callSummary: string | null;
  callAttempts: number;
  calls: Call[];
  interviews: Interview[];
}

export function CandidatePage() {
  const { id = '' } = useParams();
  const admin = useCan('calls:candidate');
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['candidate', id], queryFn: () => api<CandidateDetail>(`/api/v1/candidates/${encodeURIComponent(id)}`) });
  const call = useMutation({
    // POST /api/v1/calls needs the number even with a candidate linked
    mutationFn: (toNumber: string) => api<{ id: string }>('/api/v1/calls', { method: 'POST', body: { candidateId: id, toNumber } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['candidate', id] }),
  });
  return (
    <section aria-labelledby="c-title">
      <p>
        <Link to="/candidates">← Candidates</Link>
      </p>
      <QueryState query={q}>
        {(c) => (
          <>
            <h1 id="c-title">{[c.firstName, c.lastName].filter(Boolean).join(' ')}</h1>
            <div className="row">
              <Badge value={c.status} />
              {admin && c.phone && (
                <button type="button" onClick={() => call.mutate(c.phone!)} disabled={call.isPending}>
                  Call this candidate
                </button>
              )}
              {call.isSuccess && (
                <span role="status">
                  Call queued: <Link to={`/calls/${call.data.id}`}>follow it</Link>
                </span>
              )}
              {call.isError && (
                <span className="field-error" role="alert">
                  {call.error.message}
                </span>
              )}
            </div>
            <dl className="facts">
              <dt>Phone</dt>
              <dd>{c.phone ?? '—'}</dd>
              <dt>Email</dt>
              <dd>{c.email ?? '—'}</dd>
              <dt>Time zone</dt>
              <dd>{c.timeZone ?? '—'}</dd>
              <dt>Position</dt>
              <dd>{c.positionApplied ?? '—'}</dd>
              <dt>Qualified</dt>
              <dd>{c.qualified === null ? '—' : c.qualified ? 'yes' : 'no'}</dd>
              <dt>Interest</dt>
              <dd>{c.interestLevel ?? '—'}</dd>
              <dt>Experience</dt>
              <dd>{c.yearsExperience ?? '—'} years</dd>
              <dt>Salary expectation</dt>
              <dd>{c.salaryExpectation ?? '—'}</dd>
              <dt>Skills</dt>
              <dd>{c.skills.length ? c.skills.join(', ') : '—'}</dd>
              <dt>Screening outcome</dt>
              <dd>{c.screeningOutcome ?? '—'}</dd>
              <dt>Availability</dt>
              <dd>{c.availabilityPreference ?? '—'}</dd>
              <dt>Unreached attempts</dt>
              <dd>{c.callAttempts}</dd>
            </dl>
            {c.callSummary && (
              <>
                <h2>Last screening</h2>
                <p>{c.callSummary}</p>
              </>
            )}
            <h2>Calls</h2>
            {c.calls.length === 0 ? (
              <p className="state empty">No calls yet.</p>
            ) : (
              <ul className="plain">
                {c.calls.map((k) => (
                  <li key={k.id}>
                    <Link to={`/calls/${k.callId ?? k.id}`}>{formatInstant(k.startedAt ?? k.createdAt)}</Link> <Badge value={k.status} /> {humanize(k.outcome)}{' '}
                    · {formatDuration(k.durationMs)}
                  </li>
                ))}
              </ul>
            )}
            <h2>Interviews</h2>
            {c.interviews.length === 0 ? (
              <p className="state empty">No interviews yet.</p>
            ) : (
              <ul className="plain">
                {c.interviews.map((i) => (
                  <li key={i.id}>
                    <Badge value={i.status} /> {formatInstant(i.scheduledAt)} {i.timeZone ? `(${formatInstant(i.scheduledAt, i.timeZone)})` : ''}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </QueryState>
    </section>
  );
}

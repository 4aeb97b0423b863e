import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import type { Page } from '../types';
import { QueryState } from '../components/ui';

export const PIPELINE = ['new', 'screening', 'interviewing', 'offered', 'hired', 'rejected', 'withdrawn'] as const;

export interface CandidateCard {
  id: string;
  firstName: string;
  lastName: string | null;
  phone: string | null;
  positionApplied: string | null;
  status: string;
  qualified: boolean | null;
  interestLevel: string | null;
}

/** GET /api/v1/candidates/counts: every candidate counted, where the board shows the newest 200. */
interface CandidateCounts {
  total: number;
  byStatus: Record<string, number>;
}

export function CandidatesPage() {
  const q = useQuery({ queryKey: ['candidates'], queryFn: () => api<Page<CandidateCard>>('/api/v1/candidates?limit=200') });
  const counts = useQuery({ queryKey: ['candidates', 'counts'], queryFn: () => api<CandidateCounts>('/api/v1/candidates/counts') });
  return (
    <section aria-labelledby="cand-title">
      <h1 id="cand-title">Candidates</h1>
      <p>
        <a className="button secondary" href="/api/v1/candidates/export.csv" download>
          Export CSV
        </a>
      </p>
      <QueryState query={q} isEmpty={(p) => p.data.length === 0} empty="No candidates yet. Add them through POST /api/v1/candidates.">
        {(page) => (
          <div className="board">
            {PIPELINE.map((status) => {
              const mine = page.data.filter((c) => c.status === status);
              const count = counts.data?.byStatus[status] ?? mine.length;
              return (
                <section key={status} className="column" aria-label={`${status} (${count})`} data-status={status}>
                  <h2>
                    {status} <span className="muted">{count}</span>
                  </h2>
                  <ul>
                    {mine.map((c) => (
                      <li key={c.id} className="card" data-candidate-id={c.id}>
                        <Link to={`/candidates/${c.id}`}>{[c.firstName, c.lastName].filter(Boolean).join(' ')}</Link>
                        <small className="muted">
                          {c.positionApplied ?? 'no position'}
                          {c.interestLevel ? ` · ${c.interestLevel}` : ''}
                        </small>
                      </li>
                    ))}
                  </ul>
                </section>
              );
            })}
          </div>
        )}
      </QueryState>
    </section>
  );
}

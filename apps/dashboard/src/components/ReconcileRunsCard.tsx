import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { formatInstant, viewerZone } from '../format';
import { useCan } from '../session';
import { Badge, QueryState } from './ui';

/** One reconciliation run as GET /api/v1/reconcile/runs lists it. */
export interface ReconcileRun {
  id: string;
  trigger: string;
  status: string;
  from: string;
  to: string;
  pages: number;
  callsSeen: number;
  callsFetched: number;
  eventsAdded: Record<string, number>;
  requestsFreed: number;
  errors: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const DAY_MS = 86_400_000;

/** "call_ended 3, call_analyzed 5", or "none". */
export function addedSummary(added: Record<string, number>): string {
  const parts = Object.entries(added)
    .filter(([, n]) => n > 0)
    .map(([event, n]) => `${event} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * Reconciliation with Retell for the Operations page: the tenant's runs (scheduled and asked
 * for), each with its range and what it found, and a "Reconcile last 24 h" button for those who
 * may run it (operations:write). Refreshes every 5 s while a run is queued or running.
 */
export function ReconcileRunsCard() {
  const qc = useQueryClient();
  const canRun = useCan('operations:write');
  const zone = viewerZone();
  const runs = useQuery({
    queryKey: ['reconcile-runs'],
    queryFn: () => api<{ data: ReconcileRun[]; nextCursor: string | null }>('/api/v1/reconcile/runs?limit=20'),
    refetchInterval: (q) => (q.state.data?.data.some((r) => r.status === 'queued' || r.status === 'running') ? 5000 : false),
  });
  const reconcile = useMutation({
    mutationFn: () => api<ReconcileRun>('/api/v1/reconcile', { method: 'POST', body: { from: new Date(Date.now() - DAY_MS).toISOString() } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['reconcile-runs'] }),
  });
  return (
    <section className="card" aria-labelledby="reconcile-runs-title">
      <h2 id="reconcile-runs-title">Reconciliation with Retell</h2>
      {canRun && (
        <p>
          <button type="button" onClick={() => reconcile.mutate()} disabled={reconcile.isPending}>
            {reconcile.isPending ? 'Asking…' : 'Reconcile last 24 h'}
          </button>
          {reconcile.isError && (
            <span role="alert" className="error">
              {' '}
              Could not start: {reconcile.error.message}
            </span>
          )}
        </p>
      )}
      <QueryState query={runs} isEmpty={(d) => d.data.length === 0} empty="No reconciliation run yet.">
        {(d) => (
          <table>
            <caption className="visually-hidden">Reconciliation runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">By</th>
                <th scope="col">Status</th>
                <th scope="col">Range</th>
                <th scope="col">Calls seen</th>
                <th scope="col">Fetched</th>
                <th scope="col">Events added</th>
                <th scope="col">Slots freed</th>
                <th scope="col">Errors</th>
              </tr>
            </thead>
            <tbody>
              {d.data.map((r) => (
                <tr key={r.id}>
                  <td>{formatInstant(r.startedAt ?? r.createdAt, zone)}</td>
                  <td>{r.trigger}</td>
                  <td>
                    <Badge value={r.status} />
                  </td>
                  <td>
                    {formatInstant(r.from, zone)} – {formatInstant(r.to, zone)}
                  </td>
                  <td>{r.callsSeen}</td>
                  <td>{r.callsFetched}</td>
                  <td>{addedSummary(r.eventsAdded)}</td>
                  <td>{r.requestsFreed}</td>
                  <td>{r.errors.length ? r.errors.join('; ') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}

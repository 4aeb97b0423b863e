import { ReconcileRunsCard } from '../components/ReconcileRunsCard';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import type { Page } from '../types';
import { QueryState } from '../components/ui';
import { formatInstant } from '../format';
import { useCan } from '../session';
import type { BulkRetryAnswer, FailedJob, FailedJobsPage, JobAction, QueueDepth, RetryAnswer } from '../operations-types';

export function OperationsPage() {
  const canRead = useCan('operations:read');
  const canWrite = useCan('operations:write');
  const client = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const queues = useQuery({
    queryKey: ['operations', 'queues'],
    queryFn: () => api<{ queues: QueueDepth[]; board: string }>('/api/v1/operations/queues'),
    enabled: canRead,
  });
  const failed = useQuery({ queryKey: ['operations', 'failed'], queryFn: () => api<FailedJobsPage>('/api/v1/failed-jobs?limit=100'), enabled: canRead });
  const actions = useQuery({
    queryKey: ['operations', 'actions'],
    queryFn: () => api<Page<JobAction>>('/api/v1/operations/actions?limit=20'),
    enabled: canRead,
  });
  const refresh = (message: string) => {
    setNotice(message);
    void client.invalidateQueries({ queryKey: ['operations'] });
    void client.invalidateQueries({ queryKey: ['deliveries'] });
  };
  const bulk = useMutation({
    mutationFn: (queue: string) => api<BulkRetryAnswer>(`/api/v1/failed-jobs/${encodeURIComponent(queue)}/retry`, { method: 'POST', body: { limit: 100 } }),
    onSuccess: (a, queue) => refresh(`${queue}: ${a.retried} of ${a.matched} failed jobs retried${a.skipped ? `, ${a.skipped} were no longer failed` : ''}.`),
    onError: (e: Error) => setNotice(`Bulk retry failed: ${e.message}`),
  });
  const retry = useMutation({
    mutationFn: (j: FailedJob) =>
      api<RetryAnswer>(`/api/v1/failed-jobs/${encodeURIComponent(j.queue)}/${encodeURIComponent(j.jobId)}/retry`, { method: 'POST' }),
    onSuccess: (a) => refresh(`Retry: ${a.message}`),
    onError: (e: Error) => setNotice(`Retry failed: ${e.message}`),
  });

  if (!canRead) return <p className="state">Your role cannot see operations.</p>;
  return (
    <section aria-labelledby="operations-title">
      <h1 id="operations-title">Operations</h1>
      {notice && (
        <p className="linked-filter" role="status">
          {notice}
        </p>
      )}
      <section aria-labelledby="queues-title">
        <h2 id="queues-title">Queues</h2>
        {canWrite && (
          <p>
            <a href="/admin/queues">Open the queue board</a> (every queue of the platform, read-only)
          </p>
        )}
        <QueryState query={queues}>
          {(q) => (
            <div className="table-wrap">
              <table aria-label="Queues">
                <thead>
                  <tr>
                    <th scope="col">Queue</th>
                    <th scope="col">Waiting</th>
                    <th scope="col">Active</th>
                    <th scope="col">Delayed</th>
                    <th scope="col">Failed (platform)</th>
                    <th scope="col">Failed (yours)</th>
                    {canWrite && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {q.queues.map((d) => (
                    <tr key={d.queue} data-queue={d.queue}>
                      <td data-label="Queue">{d.queue}</td>
                      <td data-label="Waiting">{d.waiting}</td>
                      <td data-label="Active">{d.active}</td>
                      <td data-label="Delayed">{d.delayed}</td>
                      <td data-label="Failed (platform)">{d.failed}</td>
                      <td data-label="Failed (yours)">{d.tenantFailed}</td>
                      {canWrite && (
                        <td data-label="Actions">
                          {d.tenantFailed > 0 && (
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => bulk.mutate(d.queue)}
                              disabled={bulk.isPending}
                              aria-label={`Retry failed jobs of ${d.queue}`}
                            >
                              Retry failed
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </section>

      <section aria-labelledby="failed-title">
        <h2 id="failed-title">Failed jobs</h2>
        <QueryState query={failed} isEmpty={(p) => p.data.length === 0} empty="No failed jobs.">
          {(p) => (
            <div className="table-wrap">
              <table aria-label="Failed jobs">
                <thead>
                  <tr>
                    <th scope="col">Failed</th>
                    <th scope="col">Queue</th>
                    <th scope="col">Job</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Payload</th>
                    {canWrite && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {p.data.map((j) => (
                    <tr key={`${j.queue}|${j.jobId}`}>
                      <td data-label="Failed">{formatInstant(j.failedAt, undefined, true)}</td>
                      <td data-label="Queue">{j.queue}</td>
                      <td data-label="Job">
                        <span className="clip" title={j.jobId}>
                          {j.jobId}
                        </span>
                      </td>
                      <td data-label="Reason">
                        <span className="clip" title={j.reason ?? ''}>
                          {j.reason ?? '—'}
                        </span>
                      </td>
                      <td data-label="Attempts">{j.attemptsMade}</td>
                      <td data-label="Payload">
                        <code className="clip" title={JSON.stringify(j.payload)}>
                          {Object.entries(j.payload)
                            .filter(([k]) => k !== 'tenantId')
                            .map(([k, v]) => `${k}=${String(v)}`)
                            .join(' ')}
                        </code>
                      </td>
                      {canWrite && (
                        <td data-label="Actions">
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => retry.mutate(j)}
                            disabled={retry.isPending}
                            aria-label={`Retry job ${j.jobId}`}
                          >
                            Retry
                          </button>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </section>

      <ReconcileRunsCard />

      <section aria-labelledby="actions-title">
        <h2 id="actions-title">Recent retries and replays</h2>
        <QueryState query={actions} isEmpty={(p) => p.data.length === 0} empty="No retries or replays yet.">
          {(p) => (
            <div className="table-wrap">
              <table aria-label="Recent retries and replays">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">What</th>
                    <th scope="col">Job</th>
                    <th scope="col">Result</th>
                    <th scope="col">Who</th>
                  </tr>
                </thead>
                <tbody>
                  {p.data.map((a) => (
                    <tr key={a.id}>
                      <td data-label="When">{formatInstant(a.createdAt, undefined, true)}</td>
                      <td data-label="What">{a.kind}</td>
                      <td data-label="Job">
                        <span className="clip" title={`${a.queue} ${a.jobId}`}>
                          {a.jobId}
                        </span>
                      </td>
                      <td data-label="Result">{a.result.replace(/_/g, ' ')}</td>
                      <td data-label="Who">
                        {a.role}
                        {a.userId ? ` (user ${a.userId.slice(0, 8)})` : a.apiKeyId ? ` (key ${a.apiKeyId.slice(0, 8)})` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </section>
    </section>
  );
}

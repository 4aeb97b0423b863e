import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from '../api';
import type { Page } from '../types';
import { QueryState } from '../components/ui';
import { formatInstant, humanize } from '../format';
import { useCan } from '../session';
import { DELIVERY_EVENTS, DELIVERY_STATES, type Delivery, type RejectedPage, type RetryAnswer } from '../operations-types';

/** A date input (YYYY-MM-DD, the viewer's day) as an ISO instant: its local midnight, or the next day's for `to`. */
function dayToInstant(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

const STATE_TONE: Record<string, string> = { processed: 'good', failed: 'bad', waiting: 'info', active: 'live' };

export function DeliveriesPage() {
  const canRead = useCan('deliveries:read');
  if (!canRead) return <p className="state">Your role cannot see deliveries.</p>;
  return (
    <section aria-labelledby="deliveries-title">
      <h1 id="deliveries-title">Deliveries</h1>
      <AcceptedDeliveries />
      <RejectedDeliveries />
    </section>
  );
}

function AcceptedDeliveries() {
  const [params, setParams] = useSearchParams();
  const canWrite = useCan('operations:write');
  const client = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const filters = {
    event: params.get('event') ?? '',
    state: params.get('state') ?? '',
    callId: params.get('callId') ?? '',
    fromDay: params.get('fromDay') ?? '',
    toDay: params.get('toDay') ?? '',
  };
  const [callId, setCallId] = useState(filters.callId);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const query = useMemo(
    () => ({
      event: filters.event,
      state: filters.state,
      callId: filters.callId,
      from: dayToInstant(filters.fromDay, false),
      to: dayToInstant(filters.toDay, true),
    }),
    [filters.event, filters.state, filters.callId, filters.fromDay, filters.toDay],
  );
  const list = useInfiniteQuery({
    queryKey: ['deliveries', query],
    queryFn: ({ pageParam }) => api<Page<Delivery>>(`/api/v1/deliveries${qs({ ...query, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const done = (message: string) => {
    setNotice(message);
    void client.invalidateQueries({ queryKey: ['deliveries'] });
    void client.invalidateQueries({ queryKey: ['operations'] });
  };
  const replay = useMutation({
    mutationFn: (d: Delivery) => api<RetryAnswer>(`/api/v1/deliveries/${d.id}/replay`, { method: 'POST' }),
    onSuccess: (a) => done(`Replay: ${a.message}`),
    onError: (e: Error) => setNotice(`Replay failed: ${e.message}`),
  });
  const retry = useMutation({
    mutationFn: (d: Delivery) =>
      api<RetryAnswer>(`/api/v1/failed-jobs/${encodeURIComponent(d.queue)}/${encodeURIComponent(d.jobId)}/retry`, { method: 'POST' }),
    onSuccess: (a) => done(`Retry: ${a.message}`),
    onError: (e: Error) => setNotice(`Retry failed: ${e.message}`),
  });

  return (
    <section aria-labelledby="accepted-title">
      <h2 id="accepted-title">Accepted</h2>
      <form
        className="filters"
        role="search"
        aria-label="Delivery filters"
        onSubmit={(e) => {
          e.preventDefault();
          set('callId', callId.trim());
        }}
      >
        <div className="field">
          <label htmlFor="d-event">Event</label>
          <select id="d-event" value={filters.event} onChange={(e) => set('event', e.target.value)}>
            <option value="">Any</option>
            {DELIVERY_EVENTS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="d-state">State</label>
          <select id="d-state" value={filters.state} onChange={(e) => set('state', e.target.value)}>
            <option value="">Any</option>
            {DELIVERY_STATES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="d-from">From day</label>
          <input id="d-from" type="date" value={filters.fromDay} onChange={(e) => set('fromDay', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="d-to">To day</label>
          <input id="d-to" type="date" value={filters.toDay} onChange={(e) => set('toDay', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="d-call">Call id</label>
          <input id="d-call" type="search" placeholder="call_…" value={callId} onChange={(e) => setCallId(e.target.value)} />
        </div>
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      {notice && (
        <p className="linked-filter" role="status">
          {notice}
        </p>
      )}
      {list.isPending ? (
        <p className="state" role="status">
          Loading…
        </p>
      ) : list.isError ? (
        <div className="state error" role="alert">
          <p>Could not load deliveries: {list.error.message}</p>
        </div>
      ) : rows.length === 0 ? (
        <p className="state empty">No deliveries match. Each webhook Retell delivers appears here.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-label="Accepted deliveries">
              <thead>
                <tr>
                  <th scope="col">Received</th>
                  <th scope="col">Event</th>
                  <th scope="col">Call</th>
                  <th scope="col">State</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Processed</th>
                  <th scope="col">Last error</th>
                  {canWrite && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id} data-delivery-id={d.id}>
                    <td data-label="Received">{formatInstant(d.receivedAt, undefined, true)}</td>
                    <td data-label="Event">{d.event}</td>
                    <td data-label="Call">
                      {d.kept ? (
                        <Link className="clip" title={d.callId} to={`/calls/${encodeURIComponent(d.callId)}`}>
                          {d.callId}
                        </Link>
                      ) : (
                        <span className="clip" title={d.callId}>
                          {d.callId}
                        </span>
                      )}
                    </td>
                    <td data-label="State">
                      <span className={`badge ${STATE_TONE[d.state] ?? 'muted'}`}>{d.state}</span>
                    </td>
                    <td data-label="Attempts">{d.attempts ?? '—'}</td>
                    <td data-label="Processed">{d.processedAt ? formatInstant(d.processedAt, undefined, true) : '—'}</td>
                    <td data-label="Last error">
                      <span className="clip" title={d.lastError ?? ''}>
                        {d.lastError ?? '—'}
                      </span>
                    </td>
                    {canWrite && (
                      <td data-label="Actions">
                        {d.state === 'failed' && (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => retry.mutate(d)}
                            disabled={retry.isPending}
                            aria-label={`Retry ${d.event} of ${d.callId}`}
                          >
                            Retry
                          </button>
                        )}
                        {d.kept && (
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => replay.mutate(d)}
                            disabled={replay.isPending}
                            aria-label={`Replay ${d.event} of ${d.callId}`}
                          >
                            Replay
                          </button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {list.hasNextPage && (
            <button type="button" className="secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function RejectedDeliveries() {
  const rejected = useQuery({ queryKey: ['deliveries', 'rejected'], queryFn: () => api<RejectedPage>('/api/v1/deliveries/rejected?limit=50') });
  return (
    <section aria-labelledby="rejected-title">
      <h2 id="rejected-title">Rejected</h2>
      <p className="muted">Deliveries the gateway refused (the latest 1,000 are kept; bodies never are).</p>
      <QueryState query={rejected} isEmpty={(p) => p.data.length === 0} empty="No refused deliveries.">
        {(p) => (
          <div className="table-wrap">
            <table aria-label="Rejected deliveries">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Status</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Call</th>
                  <th scope="col">Source IP</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {p.data.map((r) => (
                  <tr key={r.id}>
                    <td data-label="Time">{formatInstant(new Date(r.at).toISOString(), undefined, true)}</td>
                    <td data-label="Status">
                      {r.status} {humanize(r.error)}
                    </td>
                    <td data-label="Reason">{r.reason}</td>
                    <td data-label="Call">{r.callId ?? '—'}</td>
                    <td data-label="Source IP">{r.ip}</td>
                    <td data-label="Size">{r.bytes} B</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}

import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { api, qs } from '../api';
import type { Agent, Call, Page } from '../types';
import { Badge } from '../components/ui';
import { formatCents, formatDuration, formatInstant, humanize } from '../format';

export const CALL_STATUSES = ['scheduled', 'queued', 'initiated', 'ringing', 'in_progress', 'completed', 'failed', 'cancelled'];
// The API's lists (libs/domain call-status.ts, call-outcome.ts); the SPA imports no server code.
export const CALL_OUTCOMES = [
  'successful',
  'unsuccessful',
  'connected',
  'voicemail',
  'no_answer',
  'busy',
  'declined',
  'wrong_number',
  'dial_failed',
  'ivr',
  'concurrency_limited',
  'billing_error',
  'blocked',
  'telephony_error',
  'stopped',
  'transferred',
  'error',
];

const col = createColumnHelper<Call>();
const COLUMNS = [
  col.accessor((c) => c.callId ?? c.id, {
    id: 'callId',
    header: 'Call',
    cell: (i) => (
      <Link className="clip" title={i.getValue()} to={`/calls/${encodeURIComponent(i.getValue())}`}>
        {i.row.original.callId ?? 'not placed yet'}
      </Link>
    ),
  }),
  col.accessor((c) => c.startedAt ?? c.createdAt, { id: 'time', header: 'Time', cell: (i) => formatInstant(i.getValue()) }),
  col.accessor('direction', { header: 'Direction', cell: (i) => i.getValue() ?? '—' }),
  col.accessor('fromNumber', { header: 'From', cell: (i) => i.getValue() ?? '—' }),
  col.accessor('toNumber', { header: 'To', cell: (i) => i.getValue() ?? '—' }),
  col.accessor('agentId', {
    header: 'Agent',
    cell: (i) => (
      <span className="clip" title={i.getValue() ?? ''}>
        {i.getValue() ?? '—'}
      </span>
    ),
  }),
  col.accessor('status', { header: 'Status', cell: (i) => <Badge value={i.getValue()} /> }),
  col.accessor('outcome', { header: 'Outcome', cell: (i) => humanize(i.getValue()) }),
  col.accessor('durationMs', { header: 'Duration', cell: (i) => formatDuration(i.getValue()) }),
  col.accessor('costCents', { header: 'Cost', cell: (i) => formatCents(i.getValue()) }),
];

/** A date input (YYYY-MM-DD, the viewer's day) as an ISO instant: its local midnight, or the next day's for `to`. */
function dayToInstant(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

export function CallsPage() {
  const [params, setParams] = useSearchParams();
  const filters = {
    status: params.get('status') ?? '',
    outcome: params.get('outcome') ?? '',
    agentId: params.get('agentId') ?? '',
    fromDay: params.get('fromDay') ?? '',
    toDay: params.get('toDay') ?? '',
    phone: params.get('phone') ?? '',
    q: params.get('q') ?? '',
    // set by links from analytics: exact instants (a UTC day, a chosen range) and a batch
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    batchId: params.get('batchId') ?? '',
  };
  const [phone, setPhone] = useState(filters.phone);
  const [words, setWords] = useState(filters.q);
  const set = (k: string, v: string, drop: string[] = []) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    for (const d of drop) next.delete(d);
    setParams(next, { replace: true });
  };
  const linked = filters.from || filters.to || filters.batchId;
  const query = useMemo(
    () => ({
      status: filters.status,
      outcome: filters.outcome,
      agentId: filters.agentId,
      batchId: filters.batchId,
      phone: filters.phone,
      q: filters.q,
      from: dayToInstant(filters.fromDay, false) ?? filters.from,
      to: dayToInstant(filters.toDay, true) ?? filters.to,
    }),
    [filters.status, filters.outcome, filters.agentId, filters.batchId, filters.phone, filters.q, filters.fromDay, filters.toDay, filters.from, filters.to],
  );
  const agents = useQuery({ queryKey: ['agents', 'list'], queryFn: () => api<Agent[]>('/api/v1/agents') });
  const calls = useInfiniteQuery({
    queryKey: ['calls', query],
    queryFn: ({ pageParam }) => api<Page<Call>>(`/api/v1/calls${qs({ ...query, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => calls.data?.pages.flatMap((p) => p.data) ?? [], [calls.data]);
  const table = useReactTable({ data: rows, columns: COLUMNS, getCoreRowModel: getCoreRowModel(), getRowId: (c) => c.id });

  return (
    <section aria-labelledby="calls-title">
      <h1 id="calls-title">Calls</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams(params);
          for (const [k, v] of [
            ['phone', phone.trim()],
            ['q', words.trim()],
          ]) {
            if (v) next.set(k, v);
            else next.delete(k);
          }
          setParams(next, { replace: true });
        }}
      >
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={filters.status} onChange={(e) => set('status', e.target.value)}>
            <option value="">Any</option>
            {CALL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-outcome">Outcome</label>
          <select id="f-outcome" value={filters.outcome} onChange={(e) => set('outcome', e.target.value)}>
            <option value="">Any</option>
            {CALL_OUTCOMES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-agent">Agent</label>
          <select id="f-agent" value={filters.agentId} onChange={(e) => set('agentId', e.target.value)}>
            <option value="">Any</option>
            {agents.data?.map((a) => (
              <option key={a.retellAgentId} value={a.retellAgentId}>
                {a.name ?? a.retellAgentId}
              </option>
            ))}
            {filters.agentId && !agents.data?.some((a) => a.retellAgentId === filters.agentId) && <option value={filters.agentId}>{filters.agentId}</option>}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">From day</label>
          <input id="f-from" type="date" value={filters.fromDay} onChange={(e) => set('fromDay', e.target.value, ['from'])} />
        </div>
        <div className="field">
          <label htmlFor="f-to">To day</label>
          <input id="f-to" type="date" value={filters.toDay} onChange={(e) => set('toDay', e.target.value, ['to'])} />
        </div>
        <div className="field">
          <label htmlFor="f-phone">Phone number</label>
          <input id="f-phone" type="search" inputMode="tel" placeholder="+1415…" value={phone} onChange={(e) => setPhone(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-q">Words in transcript</label>
          <input id="f-q" type="search" placeholder="forklift certification" maxLength={200} value={words} onChange={(e) => setWords(e.target.value)} />
        </div>
        <button type="submit" className="secondary">
          Search
        </button>
        <a className="button secondary" href={`/api/v1/calls/export.csv${qs(query)}`} download>
          Export CSV
        </a>
      </form>
      {linked && (
        <p className="linked-filter" role="status">
          Showing
          {filters.batchId && <> the calls of batch {filters.batchId.slice(0, 8)}</>}
          {filters.from && <> from {formatInstant(filters.from)}</>}
          {filters.to && <> until {formatInstant(filters.to)}</>}.{' '}
          <button
            type="button"
            className="secondary"
            onClick={() => {
              const next = new URLSearchParams(params);
              for (const k of ['from', 'to', 'batchId']) next.delete(k);
              setParams(next, { replace: true });
            }}
          >
            Show all calls
          </button>
        </p>
      )}
      {calls.isPending ? (
        <p className="state" role="status">
          Loading…
        </p>
      ) : calls.isError ? (
        <div className="state error" role="alert">
          <p>Could not load calls: {calls.error.message}</p>
          <button type="button" className="secondary" onClick={() => void calls.refetch()}>
            Try again
          </button>
        </div>
      ) : rows.length === 0 ? (
        <p className="state empty">No calls match. Calls appear here as Retell reports them.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                {table.getHeaderGroups().map((g) => (
                  <tr key={g.id}>
                    {g.headers.map((h) => (
                      <th key={h.id} scope="col">
                        {flexRender(h.column.columnDef.header, h.getContext())}
                      </th>
                    ))}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((r) => (
                  <tr key={r.id} data-call-id={r.original.callId ?? r.original.id}>
                    {r.getVisibleCells().map((c) => (
                      <td key={c.id} data-label={String(c.column.columnDef.header)}>
                        {flexRender(c.column.columnDef.cell, c.getContext())}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {calls.hasNextPage && (
            <button type="button" className="secondary" onClick={() => void calls.fetchNextPage()} disabled={calls.isFetchingNextPage}>
              {calls.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useInfiniteQuery } from '@tanstack/react-query';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { api, qs } from '../api';
import { ACTOR_TYPE_LABELS, type ActorType, type AuditEntry, type Page } from '../types';
import { formatInstant } from '../format';
import { useCan } from '../session';

const ACTOR_TYPES: ActorType[] = ['user', 'api_key', 'platform_operator'];
const STATUSES: [string, string][] = [
  ['', 'Any'],
  ['200', '200 OK'],
  ['201', '201 Created'],
  ['202', '202 Accepted'],
  ['204', '204 No content'],
  ['400', '400 Bad input'],
  ['403', '403 Refused'],
  ['404', '404 Not found'],
  ['409', '409 Conflict'],
  ['422', '422 Retell refused'],
];

/** A summary as one short line: field: value, …; nested values as compact JSON. */
function summaryText(summary: AuditEntry['summary']): string {
  if (!summary) return '—';
  return Object.entries(summary)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

const col = createColumnHelper<AuditEntry>();
const COLUMNS = [
  col.accessor('at', { header: 'Time', cell: (i) => formatInstant(i.getValue()) }),
  col.accessor('actor', {
    header: 'Actor',
    cell: (i) => (
      <span title={`${ACTOR_TYPE_LABELS[i.getValue().type]} ${i.getValue().id}`}>
        {i.getValue().label} <span className="muted">({ACTOR_TYPE_LABELS[i.getValue().type]})</span>
      </span>
    ),
  }),
  col.accessor('action', { header: 'Action', cell: (i) => <code>{i.getValue()}</code> }),
  col.accessor('target', {
    header: 'Target',
    cell: (i) => {
      const t = i.getValue();
      if (!t) return '—';
      return (
        <span className="clip" title={t.id ?? ''}>
          {t.type}
          {t.id ? ` ${t.id}` : ''}
        </span>
      );
    },
  }),
  col.accessor('status', {
    header: 'Result',
    cell: (i) => (
      <span className={`badge ${i.getValue() < 400 ? 'good' : 'bad'}`}>{i.getValue() < 400 ? `done (${i.getValue()})` : `refused (${i.getValue()})`}</span>
    ),
  }),
  col.accessor('summary', {
    header: 'Summary',
    cell: (i) => {
      const text = summaryText(i.getValue());
      return (
        <span className="clip summary" title={text}>
          {text}
        </span>
      );
    },
  }),
  col.accessor('ip', { header: 'IP', cell: (i) => i.getValue() ?? '—' }),
];

/** A date input (the viewer's day) as an instant: its local midnight, or the next day's for `end`. */
function day(d: string, end: boolean): string | undefined {
  if (!d) return undefined;
  const t = new Date(`${d}T00:00:00`);
  if (Number.isNaN(t.getTime())) return undefined;
  if (end) t.setDate(t.getDate() + 1);
  return t.toISOString();
}

/** The tenant's audit log (audit:read: owners and admins): who did what, to what, and how it ended. */
export function AuditPage() {
  const allowed = useCan('audit:read');
  const [params, setParams] = useSearchParams();
  const filters = {
    actorType: params.get('actorType') ?? '',
    actorId: params.get('actorId') ?? '',
    action: params.get('action') ?? '',
    targetType: params.get('targetType') ?? '',
    targetId: params.get('targetId') ?? '',
    status: params.get('status') ?? '',
    fromDay: params.get('fromDay') ?? '',
    toDay: params.get('toDay') ?? '',
  };
  const [action, setAction] = useState(filters.action);
  const [targetId, setTargetId] = useState(filters.targetId);
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const query = useMemo(
    () => ({
      actorType: filters.actorType,
      actorId: filters.actorId,
      action: filters.action,
      targetType: filters.targetType,
      targetId: filters.targetId,
      status: filters.status,
      from: day(filters.fromDay, false),
      to: day(filters.toDay, true),
    }),
    [filters.actorType, filters.actorId, filters.action, filters.targetType, filters.targetId, filters.status, filters.fromDay, filters.toDay],
  );
  const entries = useInfiniteQuery({
    queryKey: ['audit', query],
    queryFn: ({ pageParam }) => api<Page<AuditEntry>>(`/api/v1/audit${qs({ ...query, limit: 50, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: allowed,
  });
  const rows = useMemo(() => entries.data?.pages.flatMap((p) => p.data) ?? [], [entries.data]);
  const table = useReactTable({ data: rows, columns: COLUMNS, getCoreRowModel: getCoreRowModel(), getRowId: (e) => e.id });

  if (!allowed) {
    return (
      <section aria-labelledby="audit-title">
        <h1 id="audit-title">Audit log</h1>
        <p className="state">Your role cannot read the audit log (owners and admins can).</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">
        Every change made through the API or this dashboard, and every refused attempt, with who made it. Rows are never changed or deleted.
      </p>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set({ action: action.trim(), targetId: targetId.trim() });
        }}
      >
        <div className="field">
          <label htmlFor="a-actor-type">Actor</label>
          <select id="a-actor-type" value={filters.actorType} onChange={(e) => set({ actorType: e.target.value, actorId: '' })}>
            <option value="">Anyone</option>
            {ACTOR_TYPES.map((t) => (
              <option key={t} value={t}>
                {ACTOR_TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-action">Action</label>
          <input id="a-action" type="search" placeholder="calls.create or calls." value={action} onChange={(e) => setAction(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="a-target-type">Target type</label>
          <select id="a-target-type" value={filters.targetType} onChange={(e) => set({ targetType: e.target.value })}>
            <option value="">Any</option>
            {['calls', 'batches', 'candidates', 'interviews', 'positions', 'agents', 'api_keys', 'tenant', 'session', 'users'].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-target-id">Target id</label>
          <input id="a-target-id" type="search" value={targetId} onChange={(e) => setTargetId(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="a-status">Result</label>
          <select id="a-status" value={filters.status} onChange={(e) => set({ status: e.target.value })}>
            {STATUSES.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-from">From day</label>
          <input id="a-from" type="date" value={filters.fromDay} onChange={(e) => set({ fromDay: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="a-to">To day</label>
          <input id="a-to" type="date" value={filters.toDay} onChange={(e) => set({ toDay: e.target.value })} />
        </div>
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      {filters.actorId && (
        <p className="linked-filter" role="status">
          Showing what {filters.actorId} did.{' '}
          <button type="button" className="secondary" onClick={() => set({ actorId: '' })}>
            Everyone
          </button>
        </p>
      )}
      {entries.isPending ? (
        <p className="state" role="status">
          Loading…
        </p>
      ) : entries.isError ? (
        <div className="state error" role="alert">
          <p>Could not load the audit log: {entries.error.message}</p>
          <button type="button" className="secondary" onClick={() => void entries.refetch()}>
            Try again
          </button>
        </div>
      ) : rows.length === 0 ? (
        <p className="state empty">No audit entries match.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table aria-label="Audit log">
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
                  <tr key={r.id} data-audit-id={r.original.id}>
                    {r.getVisibleCells().map((c) => (
                      <td key={c.id} data-label={String(c.column.columnDef.header)}>
                        {c.column.id === 'actor' ? (
                          <button
                            type="button"
                            className="link"
                            onClick={() => set({ actorType: r.original.actor.type, actorId: r.original.actor.id })}
                            title="Only this actor"
                          >
                            {flexRender(c.column.columnDef.cell, c.getContext())}
                          </button>
                        ) : (
                          flexRender(c.column.columnDef.cell, c.getContext())
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {entries.hasNextPage && (
            <button type="button" className="secondary" onClick={() => void entries.fetchNextPage()} disabled={entries.isFetchingNextPage}>
              {entries.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

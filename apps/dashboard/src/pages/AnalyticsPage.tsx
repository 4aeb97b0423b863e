import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, qs } from '../api';
import { QueryState } from '../components/ui';
import { formatCents, formatDuration, humanize } from '../format';

interface Measures {
  calls: number;
  completed: number;
  failed: number;
  successful: number;
  successRate: number | null;
  avgDurationMs: number | null;
  costCents: number;
  avgCostCents: number | null;
}

interface Stats {
  from: string;
  to: string;
  totals: Measures;
  outcomes: Record<string, number>;
  byDay: (Measures & { day: string })[];
  byAgent: (Measures & { agentId: string | null })[];
  byBatch: (Measures & { batchId: string | null })[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const rate = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`);
/** A UTC day of the stats as the instants that bound it, so its calls list holds exactly the bar's calls. */
const utcDayRange = (day: string) => {
  const from = new Date(`${day}T00:00:00Z`);
  return { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() };
};

function Chart<T extends object>({ title, data, x, onBar }: { title: string; data: T[]; x: keyof T & string; onBar: (row: T) => void }) {
  return (
    <figure className="chart card">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="state empty">No calls in this range.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} margin={{ top: 18, right: 8, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey={x as string} tick={{ fontSize: 11 }} />
            <YAxis allowDecimals={false} width={32} />
            <Tooltip />
            <Bar
              dataKey="calls"
              fill="var(--accent)"
              cursor="pointer"
              isAnimationActive={false}
              onClick={(d) => onBar((d as unknown as { payload: T }).payload)}
            >
              <LabelList dataKey="calls" position="top" fontSize={11} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

function MeasuresTable({ label, rows }: { label: string; rows: (Measures & { key: string; name: ReactNode })[] }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{label}</th>
            <th scope="col">Calls</th>
            <th scope="col">Success rate</th>
            <th scope="col">Average duration</th>
            <th scope="col">Cost</th>
            <th scope="col">Average cost</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td data-label={label}>{r.name}</td>
              <td data-label="Calls">{r.calls}</td>
              <td data-label="Success rate">{rate(r.successRate)}</td>
              <td data-label="Average duration">{formatDuration(r.avgDurationMs)}</td>
              <td data-label="Cost">{formatCents(r.costCents)}</td>
              <td data-label="Average cost">{formatCents(r.avgCostCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AnalyticsPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [fromDay, setFromDay] = useState(isoDay(new Date(Date.now() - 29 * 86_400_000)));
  const [toDay, setToDay] = useState(isoDay(new Date()));
  const batchId = params.get('batchId') ?? undefined;
  const from = new Date(`${fromDay}T00:00:00Z`).toISOString();
  const to = new Date(new Date(`${toDay}T00:00:00Z`).getTime() + 86_400_000).toISOString();
  const q = useQuery({ queryKey: ['analytics', from, to, batchId], queryFn: () => api<Stats>(`/api/v1/stats${qs({ from, to, batchId })}`) });
  // A bar's calls: the page's range (and batch) narrowed by what the bar stands for.
  const callsOf = (p: Record<string, string>) => `/calls${qs({ from, to, batchId, ...p })}`;
  const calls = (p: Record<string, string>) => navigate(callsOf(p));
  return (
    <section aria-labelledby="an-title">
      <h1 id="an-title">Analytics{batchId ? ' for one batch' : ''}</h1>
      {batchId && (
        <p>
          <Link to="/analytics">All calls</Link>
        </p>
      )}
      <div className="filters">
        <div className="field">
          <label htmlFor="an-from">From day (UTC)</label>
          <input id="an-from" type="date" value={fromDay} onChange={(e) => setFromDay(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="an-to">To day (UTC)</label>
          <input id="an-to" type="date" value={toDay} onChange={(e) => setToDay(e.target.value)} />
        </div>
      </div>
      <QueryState query={q}>
        {(s) => (
          <>
            <dl className="kpis">
              <div>
                <dt>Calls</dt>
                <dd>{s.totals.calls}</dd>
              </div>
              <div>
                <dt>Success rate</dt>
                <dd>{rate(s.totals.successRate)}</dd>
              </div>
              <div>
                <dt>Average duration</dt>
                <dd>{formatDuration(s.totals.avgDurationMs)}</dd>
              </div>
              <div>
                <dt>Total cost</dt>
                <dd>{formatCents(s.totals.costCents)}</dd>
              </div>
              <div>
                <dt>Average cost per call</dt>
                <dd>{formatCents(s.totals.avgCostCents)}</dd>
              </div>
              <div>
                <dt>Failed</dt>
                <dd>{s.totals.failed}</dd>
              </div>
            </dl>
            <div className="charts">
              <Chart title="Calls by day" data={s.byDay} x="day" onBar={(r) => calls(utcDayRange(r.day))} />
              <Chart
                title="Outcomes"
                data={Object.entries(s.outcomes).map(([outcome, n]) => ({ outcome: humanize(outcome), key: outcome, calls: n }))}
                x="outcome"
                onBar={(r) => r.key !== 'none' && calls({ outcome: r.key })}
              />
              <Chart
                title="By agent"
                data={s.byAgent.map((r) => ({ ...r, agent: r.agentId ?? 'none' }))}
                x="agent"
                onBar={(r) => r.agentId && calls({ agentId: r.agentId })}
              />
              <Chart
                title="By batch"
                data={s.byBatch.map((r) => ({ ...r, batch: r.batchId ? r.batchId.slice(0, 8) : 'single calls' }))}
                x="batch"
                onBar={(r) => r.batchId && calls({ batchId: r.batchId })}
              />
            </div>
            <h2>By agent</h2>
            <MeasuresTable
              label="Agent"
              rows={s.byAgent.map((r) => ({
                ...r,
                key: r.agentId ?? 'none',
                name: r.agentId ? <Link to={callsOf({ agentId: r.agentId })}>{r.agentId}</Link> : '—',
              }))}
            />
            <h2>By batch</h2>
            <MeasuresTable
              label="Batch"
              rows={s.byBatch.map((r) => ({
                ...r,
                key: r.batchId ?? 'none',
                name: r.batchId ? (
                  <>
                    <Link to={callsOf({ batchId: r.batchId })}>{r.batchId.slice(0, 8)}</Link>{' '}
                    <Link className="muted" to={`/analytics?batchId=${r.batchId}`} aria-label={`Analytics for batch ${r.batchId.slice(0, 8)}`}>
                      (analytics)
                    </Link>
                  </>
                ) : (
                  'single calls'
                ),
              }))}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}

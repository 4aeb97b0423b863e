import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import type { Agent } from '../types';
import { Badge, QueryState } from '../components/ui';
import { formatInstant, humanize } from '../format';

export function AgentsPage() {
  const q = useQuery({ queryKey: ['agents', 'activity'], queryFn: () => api<Agent[]>('/api/v1/agents/activity') });
  return (
    <section aria-labelledby="ag-title">
      <h1 id="ag-title">Agents</h1>
      <QueryState query={q} isEmpty={(d) => d.length === 0} empty="No agents registered to this tenant.">
        {(agents) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Name</th>
                  <th scope="col">Last call</th>
                  <th scope="col">Status</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {agents.map((a) => (
                  <tr key={a.retellAgentId}>
                    <td>
                      <Link to={`/calls?agentId=${encodeURIComponent(a.retellAgentId)}`}>{a.retellAgentId}</Link>
                    </td>
                    <td>{a.name ?? '—'}</td>
                    <td>
                      {a.lastCall ? <Link to={`/calls/${a.lastCall.callId ?? a.lastCall.id}`}>{formatInstant(a.lastCall.occurredAt)}</Link> : 'never called'}
                    </td>
                    <td>{a.lastCall ? <Badge value={a.lastCall.status} /> : '—'}</td>
                    <td>{humanize(a.lastCall?.outcome)}</td>
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

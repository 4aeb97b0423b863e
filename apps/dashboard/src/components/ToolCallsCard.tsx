import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { formatInstant } from '../format';
import { QueryState } from './ui';

/** One tool call the agent made during a call (GET /api/v1/calls/:id/tool-calls). */
export interface ToolCall {
  id: string;
  tool: string;
  args: unknown;
  result: unknown;
  ok: boolean | null;
  durationMs: number | null;
  createdAt: string;
}

const MAX_SHOWN_CHARS = 2_000;
const show = (v: unknown) => {
  const text = JSON.stringify(v, null, 1) ?? '';
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
};

/** The "Tool calls" card of a call: what the agent asked the platform during the call, and what it heard back. */
export function ToolCallsCard({ callId }: { callId: string }) {
  const q = useQuery({
    queryKey: ['tool-calls', callId],
    queryFn: () => api<{ data: ToolCall[] }>(`/api/v1/calls/${encodeURIComponent(callId)}/tool-calls`).then((r) => r.data),
  });
  return (
    <section aria-labelledby="tool-calls-title">
      <h2 id="tool-calls-title">Tool calls</h2>
      <QueryState query={q} isEmpty={(d) => d.length === 0} empty="The agent made no tool calls on this call.">
        {(rows) => (
          <div className="table-wrap">
            <table aria-label="Tool calls">
              <thead>
                <tr>
                  <th scope="col">Tool</th>
                  <th scope="col">Arguments</th>
                  <th scope="col">Answer</th>
                  <th scope="col">OK</th>
                  <th scope="col">Duration</th>
                  <th scope="col">At</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id}>
                    <td>{t.tool}</td>
                    <td>
                      <pre className="json">{show(t.args)}</pre>
                    </td>
                    <td>
                      <pre className="json">{t.result === null ? 'still answering' : show(t.result)}</pre>
                    </td>
                    <td>{t.ok === null ? '—' : t.ok ? 'yes' : 'no'}</td>
                    <td>{t.durationMs === null ? '—' : `${t.durationMs} ms`}</td>
                    <td>{formatInstant(t.createdAt, undefined, true)}</td>
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

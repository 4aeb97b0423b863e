import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { FormErrors } from './ui';

/** One of the agent's tools as GET /api/v1/tenant lists it. */
export interface ToolState {
  name: string;
  aliases: string[];
  enabled: boolean;
}

/**
 * The Settings card that turns the agent's tools (Retell custom functions) on or off for the
 * tenant: a tool turned off answers the agent "not available" instead of running.
 */
export function AgentToolsCard({ slug, tools, canWrite }: { slug: string; tools: ToolState[]; canWrite: boolean }) {
  const qc = useQueryClient();
  const [problem, setProblem] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (disabledTools: string[]) => api('/api/v1/tenant', { method: 'PATCH', body: { disabledTools } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['tenant'] }),
    onError: (err) => setProblem([String((err as Error)?.message ?? err)]),
  });
  const toggle = (name: string, enabled: boolean) => {
    setProblem([]);
    save.mutate(tools.filter((t) => (t.name === name ? !enabled : !t.enabled)).map((t) => t.name));
  };
  return (
    <section className="card form" aria-labelledby="tools-title">
      <h2 id="tools-title">Agent tools</h2>
      <p>
        Custom functions a Retell agent calls during a call, at <code>/webhooks/retell/tools/{slug}/&lt;tool&gt;</code> on the webhook gateway (see
        docs/live-calls.md). A tool turned off answers that it is not available. Changes reach the gateway within 30 seconds.
      </p>
      <ul className="plain">
        {tools.map((t) => (
          <li key={t.name}>
            <label>
              <input type="checkbox" checked={t.enabled} disabled={!canWrite || save.isPending} onChange={(ev) => toggle(t.name, ev.target.checked)} />{' '}
              <code>{t.name}</code>
              {t.aliases.length > 0 && <span className="muted"> (also {t.aliases.join(', ')})</span>}
            </label>
          </li>
        ))}
      </ul>
      <FormErrors messages={problem} />
      {!canWrite && <p className="muted">Only a role with settings:write can change them.</p>}
    </section>
  );
}

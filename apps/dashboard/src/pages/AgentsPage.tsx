import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { InboundCallsSection } from '../components/InboundCallsSection';
import { Field, FormErrors, QueryState } from '../components/ui';
import { formatInstant } from '../format';
import { useCan } from '../session';

/** GET /api/v1/agents: one agent and its status (docs/agents.md). */
export interface AgentStatus {
  retellAgentId: string;
  connected: boolean;
  name: string | null;
  voiceId: string | null;
  language: string | null;
  version: number | null;
  llmId: string | null;
  webhookUrl: string | null;
  lastEventAt: string | null;
  online: boolean;
  warnings: Array<{ code: string; message: string; fields?: string[] }>;
  syncedAt: string | null;
  disconnectedAt: string | null;
  createdAt: string;
}

export interface PhoneNumber {
  phoneNumber: string;
  pretty: string | null;
  nickname: string | null;
  inboundAgentIds: string[];
  inboundWebhookUrl: string | null;
  inboundWebhookHere: boolean;
}

const messagesOf = (e: unknown): string[] => (e instanceof ApiError ? (e.messages.length ? e.messages : [e.message]) : [String((e as Error)?.message ?? e)]);

/** Downloads the agent's export document as <agentId>.agent.json. */
async function downloadExport(agentId: string): Promise<void> {
  const res = await fetch(`/api/v1/agents/${encodeURIComponent(agentId)}/export`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
    } catch {
      /* plain text */
    }
    throw new ApiError(res.status, [message]);
  }
  const href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = `${agentId.replace(/[^A-Za-z0-9_.-]/g, '_')}.agent.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(href);
}

export function AgentsPage() {
  const canWrite = useCan('agents:write');
  const qc = useQueryClient();
  const refresh = () => void qc.invalidateQueries({ queryKey: ['agents'] });
  const agents = useQuery({ queryKey: ['agents', 'status'], queryFn: () => api<AgentStatus[]>('/api/v1/agents') });
  const [notice, setNotice] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const done = (message: string) => {
    setErrors([]);
    setNotice(message);
    refresh();
  };
  const failed = (e: unknown) => {
    setNotice(null);
    setErrors(messagesOf(e));
  };

  const sync = useMutation({
    mutationFn: (id: string) => api<AgentStatus>(`/api/v1/agents/${encodeURIComponent(id)}/sync`, { method: 'POST' }),
    onSuccess: (a) => done(`Synced ${a.name ?? a.retellAgentId} from Retell.`),
    onError: failed,
  });
  const syncAll = useMutation({
    mutationFn: () => api<{ synced: AgentStatus[]; failed: Array<{ retellAgentId: string; message: string }> }>('/api/v1/agents/sync', { method: 'POST' }),
    onSuccess: (r) => {
      done(`Synced ${r.synced.length} agent(s).`);
      if (r.failed.length) setErrors(r.failed.map((f) => `${f.retellAgentId}: ${f.message}`));
    },
    onError: failed,
  });
  const disconnect = useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/agents/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (_, id) => done(`Disconnected ${id}: its webhooks are no longer taken in (its calls are kept).`),
    onError: failed,
  });
  const reconnect = useMutation({
    mutationFn: (id: string) => api<AgentStatus>('/api/v1/agents', { method: 'POST', body: { retellAgentId: id } }),
    onSuccess: (a) => done(`Connected ${a.name ?? a.retellAgentId} again.`),
    onError: failed,
  });
  const exportAgent = useMutation({ mutationFn: downloadExport, onSuccess: () => setErrors([]), onError: failed });
  const importAgent = useMutation({
    mutationFn: (doc: unknown) => api<{ created: boolean; agent: AgentStatus }>('/api/v1/agents/import', { method: 'POST', body: doc }),
    onSuccess: (r) => done(`${r.created ? 'Created' : 'Updated'} ${r.agent.name ?? r.agent.retellAgentId} at Retell and connected it.`),
    onError: failed,
  });

  const onImportFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    let doc: unknown;
    try {
      doc = JSON.parse(await file.text());
    } catch {
      return failed(new Error(`${file.name} is not a JSON document`));
    }
    importAgent.mutate(doc);
  };

  return (
    <section aria-labelledby="ag-title">
      <h1 id="ag-title">Agents</h1>
      {canWrite && <ConnectForm onConnected={(a) => done(`Connected ${a.name ?? a.retellAgentId}.`)} />}
      {notice && (
        <p className="state ok" role="status">
          {notice}
        </p>
      )}
      <FormErrors messages={errors} />
      {canWrite && (
        <div className="row">
          <button type="button" className="secondary" onClick={() => syncAll.mutate()} disabled={syncAll.isPending}>
            Sync all from Retell
          </button>
          <label>
            Import agent (JSON)…{' '}
            <input
              type="file"
              accept="application/json,.json"
              aria-label="Import agent file"
              onChange={(e) => void onImportFile(e)}
              disabled={importAgent.isPending}
            />
          </label>
        </div>
      )}
      <QueryState query={agents} isEmpty={(d) => d.length === 0} empty="No agents connected to this tenant.">
        {(list) => (
          <div className="table-wrap">
            <table aria-label="Agents">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Voice · language · version</th>
                  <th scope="col">Last event</th>
                  <th scope="col">Warnings</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.retellAgentId} data-agent={a.retellAgentId}>
                    <td>
                      <Link to={`/calls?agentId=${encodeURIComponent(a.retellAgentId)}`}>{a.retellAgentId}</Link>
                    </td>
                    <td>{a.name ?? '—'}</td>
                    <td>
                      {a.connected ? <span className="badge good">connected</span> : <span className="badge muted">disconnected</span>}{' '}
                      {a.online && <span className="badge live">online</span>}
                    </td>
                    <td>{[a.voiceId, a.language, a.version === null ? null : `v${a.version}`].filter(Boolean).join(' · ') || '—'}</td>
                    <td>{a.lastEventAt ? formatInstant(a.lastEventAt) : 'none seen'}</td>
                    <td style={{ whiteSpace: 'normal', minWidth: '16rem' }}>
                      {a.warnings.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul style={{ margin: 0, paddingLeft: '1rem' }}>
                          {a.warnings.map((w) => (
                            <li key={w.code}>
                              <span className="badge warn">{w.code.replace(/_/g, ' ')}</span> {w.message}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>
                      <div className="row">
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => exportAgent.mutate(a.retellAgentId)}
                          aria-label={`Export ${a.retellAgentId}`}
                        >
                          Export
                        </button>
                        {canWrite && (
                          <button type="button" className="secondary" onClick={() => sync.mutate(a.retellAgentId)} aria-label={`Sync ${a.retellAgentId}`}>
                            Sync
                          </button>
                        )}
                        {canWrite && !a.connected && (
                          <button type="button" onClick={() => reconnect.mutate(a.retellAgentId)} aria-label={`Connect ${a.retellAgentId} again`}>
                            Connect again
                          </button>
                        )}
                        {canWrite && a.connected && (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => disconnect.mutate(a.retellAgentId)}
                            aria-label={`Disconnect ${a.retellAgentId}`}
                          >
                            Disconnect
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <PhoneNumbers canWrite={canWrite} />
      <InboundCallsSection canWrite={canWrite} />
    </section>
  );
}

function ConnectForm({ onConnected }: { onConnected: (a: AgentStatus) => void }) {
  const [agentId, setAgentId] = useState('');
  const connect = useMutation({
    mutationFn: (id: string) => api<AgentStatus>('/api/v1/agents', { method: 'POST', body: { retellAgentId: id } }),
    onSuccess: (a) => {
      setAgentId('');
      onConnected(a);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (agentId.trim()) connect.mutate(agentId.trim());
  };
  return (
    <form onSubmit={submit} aria-label="Connect an agent" className="row">
      <Field id="connect-agent-id" label="Retell agent id" hint="Retell is asked under this tenant's key before the agent is connected">
        <input id="connect-agent-id" value={agentId} onChange={(e) => setAgentId(e.target.value)} placeholder="agent_…" maxLength={256} />
      </Field>
      <button type="submit" disabled={connect.isPending || !agentId.trim()}>
        {connect.isPending ? 'Connecting…' : 'Connect'}
      </button>
      {connect.isError && <FormErrors messages={messagesOf(connect.error)} />}
    </form>
  );
}

function PhoneNumbers({ canWrite }: { canWrite: boolean }) {
  const qc = useQueryClient();
  const numbers = useQuery({ queryKey: ['agents', 'phone-numbers'], queryFn: () => api<PhoneNumber[]>('/api/v1/phone-numbers') });
  const point = useMutation({
    mutationFn: (n: string) => api<PhoneNumber>(`/api/v1/phone-numbers/${encodeURIComponent(n)}/inbound-webhook`, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['agents', 'phone-numbers'] }),
  });
  return (
    <section aria-labelledby="pn-title">
      <h2 id="pn-title">Phone numbers</h2>
      {point.isError && <FormErrors messages={messagesOf(point.error)} />}
      <QueryState query={numbers} isEmpty={(d) => d.length === 0} empty="Retell lists no phone numbers under this tenant's key.">
        {(list) => (
          <div className="table-wrap">
            <table aria-label="Phone numbers">
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Nickname</th>
                  <th scope="col">Inbound agents</th>
                  <th scope="col">Inbound webhook</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.map((n) => (
                  <tr key={n.phoneNumber} data-number={n.phoneNumber}>
                    <td>{n.pretty ?? n.phoneNumber}</td>
                    <td>{n.nickname ?? '—'}</td>
                    <td>{n.inboundAgentIds.join(', ') || '—'}</td>
                    <td>
                      {n.inboundWebhookHere ? <span className="badge good">this platform</span> : (n.inboundWebhookUrl ?? <span className="muted">none</span>)}
                    </td>
                    <td>
                      {canWrite && !n.inboundWebhookHere && (
                        <button type="button" className="secondary" onClick={() => point.mutate(n.phoneNumber)} disabled={point.isPending}>
                          Point inbound here
                        </button>
                      )}
                    </td>
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

import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { Field, FormErrors, QueryState } from './ui';
import { formatInstant } from '../format';

/** GET/PUT /api/v1/inbound-rules (docs/live-calls.md#inbound-calls). */
interface AgentRule {
  caller: 'any' | 'known' | 'unknown';
  statuses?: string[];
  interviewBooked?: boolean;
  agentId: string;
  agentVersion?: number;
}
interface InboundRules {
  blockedNumbers: string[];
  agentRules: AgentRule[];
  updatedAt: string | null;
  inboundWebhookUrl: string;
}
/** GET /api/v1/inbound-calls */
interface InboundDecision {
  id: string;
  at: number;
  kind: 'known' | 'unknown' | 'rejected' | 'degraded';
  replayed: boolean;
  fromNumber: string;
  toNumber: string;
  candidateId: string | null;
  agentId: string | null;
  reason: string | null;
  channel?: 'call' | 'chat';
}

const STATUSES = ['new', 'screening', 'interviewing', 'offered', 'hired', 'rejected', 'withdrawn'];
const KIND_BADGE: Record<InboundDecision['kind'], string> = { known: 'good', unknown: 'muted', rejected: 'warn', degraded: 'warn' };
const messagesOf = (e: unknown): string[] => (e instanceof ApiError ? (e.messages.length ? e.messages : [e.message]) : [String((e as Error)?.message ?? e)]);

/** Inbound calls on the Agents page: who answers whom, blocked numbers, and what the gateway answered lately. */
export function InboundCallsSection({ canWrite }: { canWrite: boolean }) {
  const rules = useQuery({ queryKey: ['inbound', 'rules'], queryFn: () => api<InboundRules>('/api/v1/inbound-rules') });
  const decisions = useQuery({
    queryKey: ['inbound', 'calls'],
    queryFn: () => api<{ data: InboundDecision[] }>('/api/v1/inbound-calls?limit=20'),
    refetchInterval: 10_000,
  });
  return (
    <section aria-labelledby="inb-title">
      <h2 id="inb-title">Inbound calls</h2>
      <QueryState query={rules}>
        {(r) => (
          <>
            <p>
              Point a number&apos;s inbound webhook at <code>{r.inboundWebhookUrl}</code> (the <strong>Point inbound here</strong> button above does it): a
              caller who is one of your candidates is greeted by name, and the rules below choose the agent or reject the call.
            </p>
            <RulesForm rules={r} canWrite={canWrite} />
          </>
        )}
      </QueryState>
      <h3>Recent inbound calls</h3>
      <QueryState query={decisions} isEmpty={(d) => d.data.length === 0} empty="No inbound call has been answered yet.">
        {(d) => (
          <div className="table-wrap">
            <table aria-label="Recent inbound calls">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">From</th>
                  <th scope="col">Answer</th>
                  <th scope="col">Candidate</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {d.data.map((row) => (
                  <tr key={row.id}>
                    <td>{formatInstant(new Date(row.at).toISOString())}</td>
                    <td>{row.fromNumber}</td>
                    <td>
                      <span className={`badge ${KIND_BADGE[row.kind] ?? 'muted'}`}>{row.kind}</span>
                      {row.channel === 'chat' && <span className="muted"> (text)</span>}
                      {row.replayed && <span className="muted"> (retry)</span>}
                    </td>
                    <td>{row.candidateId ? <Link to={`/candidates/${row.candidateId}`}>open</Link> : '—'}</td>
                    <td>{row.agentId ?? '—'}</td>
                    <td>{row.reason ?? '—'}</td>
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

function RulesForm({ rules, canWrite }: { rules: InboundRules; canWrite: boolean }) {
  const qc = useQueryClient();
  const [blocked, setBlocked] = useState(rules.blockedNumbers.join('\n'));
  const [agentRules, setAgentRules] = useState<AgentRule[]>(rules.agentRules);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setBlocked(rules.blockedNumbers.join('\n'));
    setAgentRules(rules.agentRules);
  }, [rules]);
  const save = useMutation({
    mutationFn: (body: { blockedNumbers: string[]; agentRules: AgentRule[] }) => api<InboundRules>('/api/v1/inbound-rules', { method: 'PUT', body }),
    onSuccess: (r) => {
      setSaved(true);
      qc.setQueryData(['inbound', 'rules'], r);
    },
    onError: () => setSaved(false),
  });
  const change = (i: number, patch: Partial<AgentRule>) => setAgentRules((rs) => rs.map((r, j) => (j === i ? tidy({ ...r, ...patch }) : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const blockedNumbers = blocked
      .split(/[\s,]+/)
      .map((n) => n.trim())
      .filter(Boolean);
    save.mutate({ blockedNumbers, agentRules: agentRules.map(tidy) });
  };
  return (
    <form onSubmit={submit} aria-label="Inbound call rules">
      <Field
        id="inb-blocked"
        label="Blocked numbers"
        hint="One per line: an E.164 number (+14155550100) or a prefix ending in * (+1900*). Their calls are rejected."
      >
        <textarea id="inb-blocked" rows={3} value={blocked} onChange={(e) => setBlocked(e.target.value)} disabled={!canWrite} />
      </Field>
      <fieldset>
        <legend>Agent rules (the first that matches chooses the agent; none: the number&apos;s own agent)</legend>
        {agentRules.length === 0 && <p className="muted">No agent rules.</p>}
        {agentRules.map((r, i) => (
          <div className="row" key={i} role="group" aria-label={`Agent rule ${i + 1}`}>
            <Field id={`inb-caller-${i}`} label="Caller">
              <select
                id={`inb-caller-${i}`}
                value={r.caller}
                onChange={(e) => change(i, { caller: e.target.value as AgentRule['caller'] })}
                disabled={!canWrite}
              >
                <option value="any">anyone</option>
                <option value="known">a known candidate</option>
                <option value="unknown">an unknown number</option>
              </select>
            </Field>
            {r.caller === 'known' && (
              <>
                <Field id={`inb-interview-${i}`} label="Interview">
                  <select
                    id={`inb-interview-${i}`}
                    value={r.interviewBooked === undefined ? '' : String(r.interviewBooked)}
                    onChange={(e) => change(i, { interviewBooked: e.target.value === '' ? undefined : e.target.value === 'true' })}
                    disabled={!canWrite}
                  >
                    <option value="">either</option>
                    <option value="true">booked</option>
                    <option value="false">none booked</option>
                  </select>
                </Field>
                <Field id={`inb-statuses-${i}`} label="Statuses">
                  <select
                    id={`inb-statuses-${i}`}
                    multiple
                    size={3}
                    value={r.statuses ?? []}
                    onChange={(e) => change(i, { statuses: [...e.target.selectedOptions].map((o) => o.value) })}
                    disabled={!canWrite}
                  >
                    {STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                </Field>
              </>
            )}
            <Field id={`inb-agent-${i}`} label="Agent id">
              <input
                id={`inb-agent-${i}`}
                value={r.agentId}
                onChange={(e) => change(i, { agentId: e.target.value.trim() })}
                placeholder="agent_…"
                disabled={!canWrite}
              />
            </Field>
            <Field id={`inb-version-${i}`} label="Version (optional)">
              <input
                id={`inb-version-${i}`}
                type="number"
                min={0}
                value={r.agentVersion ?? ''}
                onChange={(e) => change(i, { agentVersion: e.target.value === '' ? undefined : Number(e.target.value) })}
                disabled={!canWrite}
              />
            </Field>
            {canWrite && (
              <button
                type="button"
                className="secondary"
                onClick={() => setAgentRules((rs) => rs.filter((_, j) => j !== i))}
                aria-label={`Remove agent rule ${i + 1}`}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        {canWrite && (
          <button type="button" className="secondary" onClick={() => setAgentRules((rs) => [...rs, { caller: 'known', interviewBooked: true, agentId: '' }])}>
            Add agent rule
          </button>
        )}
      </fieldset>
      {canWrite && (
        <div className="row">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save inbound rules'}
          </button>
          {saved && (
            <span className="state ok" role="status">
              Saved: the gateway answers with them within 10 seconds.
            </span>
          )}
        </div>
      )}
      {save.isError && <FormErrors messages={messagesOf(save.error)} />}
      {rules.updatedAt && <small className="muted">Last saved {formatInstant(rules.updatedAt)}</small>}
    </form>
  );
}

/** A rule as the API takes it: status and interview conditions only for known callers, no empty list. */
function tidy(r: AgentRule): AgentRule {
  const out: AgentRule = { caller: r.caller, agentId: r.agentId };
  if (r.agentVersion !== undefined && Number.isFinite(r.agentVersion)) out.agentVersion = r.agentVersion;
  if (r.caller === 'known') {
    if (r.statuses?.length) out.statuses = r.statuses;
    if (r.interviewBooked !== undefined) out.interviewBooked = r.interviewBooked;
  }
  return out;
}

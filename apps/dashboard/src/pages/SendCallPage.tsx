import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import type { Agent, Tenant } from '../types';
import { Field, FormErrors } from '../components/ui';
import { KeyValueRows, toRecord, type KeyValue } from '../components/KeyValueRows';
import { isE164 } from '../e164';
import { useCan } from '../session';

const FIELDS = ['toNumber', 'agentId', 'fromNumber', 'dynamicVariables', 'scheduledAt', 'priority', 'candidateId'] as const;

export interface SendCallBody {
  toNumber?: string;
  agentId?: string;
  fromNumber?: string;
  dynamicVariables?: Record<string, string>;
  scheduledAt?: string;
  priority?: string;
  candidateId?: string;
}

/** The form alone (testable without the API): checks what it can, then hands the body to `onSend`. */
export function SendCallForm({
  agents,
  defaultAgentId,
  defaultFromNumber,
  onSend,
  pending,
  candidateId,
}: {
  agents: Agent[];
  defaultAgentId?: string | null;
  defaultFromNumber?: string | null;
  onSend: (body: SendCallBody) => Promise<unknown>;
  pending?: boolean;
  candidateId?: string;
}) {
  const [toNumber, setToNumber] = useState('');
  const [agentId, setAgentId] = useState(defaultAgentId ?? agents[0]?.retellAgentId ?? '');
  const [fromNumber, setFromNumber] = useState(defaultFromNumber ?? '');
  const [vars, setVars] = useState<KeyValue[]>([]);
  const [when, setWhen] = useState('');
  const [priority, setPriority] = useState('normal');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!candidateId && !isE164(toNumber)) local.toNumber = 'toNumber must be an E.164 number such as +14155550123';
    if (candidateId && toNumber && !isE164(toNumber)) local.toNumber = 'toNumber must be an E.164 number such as +14155550123';
    if (fromNumber && !isE164(fromNumber)) local.fromNumber = 'fromNumber must be an E.164 number such as +14155550100';
    setErrors(local);
    setGeneral([]);
    if (Object.keys(local).length) return;
    const body: SendCallBody = {
      ...(toNumber.trim() ? { toNumber: toNumber.trim() } : {}),
      ...(agentId ? { agentId } : {}),
      ...(fromNumber.trim() ? { fromNumber: fromNumber.trim() } : {}),
      ...(toRecord(vars) ? { dynamicVariables: toRecord(vars) } : {}),
      ...(when ? { scheduledAt: new Date(when).toISOString() } : {}),
      ...(priority !== 'normal' ? { priority } : {}),
      ...(candidateId ? { candidateId } : {}),
    };
    try {
      await onSend(body);
    } catch (err) {
      if (err instanceof ApiError) {
        const { byField, rest } = err.fieldErrors(FIELDS);
        setErrors(byField);
        setGeneral(rest);
      } else setGeneral([String((err as Error).message ?? err)]);
    }
  };
  const describedBy = (f: string) => (errors[f] ? `${f}-error` : undefined);

  return (
    <form onSubmit={submit} className="card form" noValidate aria-label="Send a call">
      <Field id="toNumber" label="To number" error={errors.toNumber} hint={candidateId ? "Default: the candidate's phone" : 'E.164, e.g. +14155550123'}>
        <input
          id="toNumber"
          type="tel"
          value={toNumber}
          onChange={(e) => {
            setToNumber(e.target.value);
            // the message was about the number as it was: editing it answers it
            setErrors(({ toNumber: _answered, ...rest }) => rest);
          }}
          aria-invalid={!!errors.toNumber}
          aria-describedby={describedBy('toNumber')}
        />
      </Field>
      <Field id="agentId" label="Agent" error={errors.agentId}>
        <select id="agentId" value={agentId} onChange={(e) => setAgentId(e.target.value)} aria-describedby={describedBy('agentId')}>
          {agents.map((a) => (
            <option key={a.retellAgentId} value={a.retellAgentId}>
              {a.name ? `${a.name} (${a.retellAgentId})` : a.retellAgentId}
            </option>
          ))}
          {agentId && !agents.some((a) => a.retellAgentId === agentId) && <option value={agentId}>{agentId}</option>}
        </select>
      </Field>
      <Field id="fromNumber" label="From number" error={errors.fromNumber} hint="Default: the tenant's number">
        <input
          id="fromNumber"
          type="tel"
          value={fromNumber}
          onChange={(e) => setFromNumber(e.target.value)}
          aria-invalid={!!errors.fromNumber}
          aria-describedby={describedBy('fromNumber')}
        />
      </Field>
      <KeyValueRows rows={vars} onChange={setVars} idPrefix="var" />
      {errors.dynamicVariables && (
        <small className="field-error" role="alert">
          {errors.dynamicVariables}
        </small>
      )}
      <Field id="scheduledAt" label="Schedule (optional, your time)" error={errors.scheduledAt}>
        <input id="scheduledAt" type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} aria-describedby={describedBy('scheduledAt')} />
      </Field>
      <Field id="priority" label="Priority" error={errors.priority}>
        <select id="priority" value={priority} onChange={(e) => setPriority(e.target.value)}>
          <option value="high">high</option>
          <option value="normal">normal</option>
          <option value="low">low</option>
        </select>
      </Field>
      <FormErrors messages={general} />
      <button type="submit" disabled={pending}>
        Send call
      </button>
    </form>
  );
}

export function SendCallPage() {
  const admin = useCan('calls:write');
  const tenant = useQuery({ queryKey: ['tenant'], queryFn: () => api<Tenant>('/api/v1/tenant') });
  const agents = useQuery({ queryKey: ['agents', 'list'], queryFn: () => api<Agent[]>('/api/v1/agents') });
  const send = useMutation({ mutationFn: (body: SendCallBody) => api<{ id: string; status: string }>('/api/v1/calls', { method: 'POST', body }) });
  if (!admin)
    return (
      <section>
        <h1>Send a call</h1>
        <p className="state empty">Your key can read calls but not place them (viewer).</p>
      </section>
    );
  return (
    <section aria-labelledby="send-title">
      <h1 id="send-title">Send a call</h1>
      {tenant.isPending || agents.isPending ? (
        <p className="state" role="status">
          Loading…
        </p>
      ) : tenant.isError || agents.isError ? (
        <p className="state error" role="alert">
          Could not load the tenant's agents: {(tenant.error ?? agents.error)?.message}
        </p>
      ) : (
        <SendCallForm
          agents={agents.data.filter((a) => a.connected !== false)}
          defaultAgentId={tenant.data.defaultAgentId}
          defaultFromNumber={tenant.data.defaultFromNumber}
          onSend={(b) => send.mutateAsync(b)}
          pending={send.isPending}
        />
      )}
      {send.isSuccess && (
        <p className="state ok" role="status">
          Call {send.data.status}: <Link to={`/calls/${send.data.id}`}>follow it</Link>
        </p>
      )}
    </section>
  );
}

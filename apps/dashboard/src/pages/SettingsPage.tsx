import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import type { Agent } from '../types';
import { Field, FormErrors, QueryState } from '../components/ui';
import { AgentToolsCard, type ToolState } from '../components/AgentToolsCard';
import { formatInstant } from '../format';
import { useCan } from '../session';

/** GET /api/v1/tenant as this page reads it. */
export interface TenantSettings {
  id: string;
  name: string;
  slug: string;
  defaultAgentId: string | null;
  defaultFromNumber: string | null;
  timeZone: string | null;
  callingWindow: { start: string; end: string; timeZone: string } | null;
  retellApiKeyLast4: string | null;
  previousRetellKeyUntil: string | null;
  relay: { enabled: boolean; path: string; previousSecretUntil: string | null };
  tools: ToolState[];
}

const TENANT_KEY = ['tenant'] as const;
const FIELDS = ['name', 'defaultAgentId', 'defaultFromNumber', 'timeZone', 'callingWindow', 'retellApiKey', 'overlapMinutes'] as const;

/** Field errors for a failed save, the rest as general messages. */
function errorsOf(err: unknown): { byField: Record<string, string>; rest: string[] } {
  if (err instanceof ApiError) return err.fieldErrors(FIELDS);
  return { byField: {}, rest: [String((err as Error)?.message ?? err)] };
}

const fieldError = (errors: { byField: Record<string, string> }, f: string) => errors.byField[f];

function TenantForm({ tenant, agents, canWrite }: { tenant: TenantSettings; agents: Agent[]; canWrite: boolean }) {
  const qc = useQueryClient();
  const [name, setName] = useState(tenant.name);
  const [agentId, setAgentId] = useState(tenant.defaultAgentId ?? '');
  const [fromNumber, setFromNumber] = useState(tenant.defaultFromNumber ?? '');
  const [timeZone, setTimeZone] = useState(tenant.timeZone ?? '');
  const [windowOn, setWindowOn] = useState(!!tenant.callingWindow);
  const [start, setStart] = useState(tenant.callingWindow?.start ?? '09:00');
  const [end, setEnd] = useState(tenant.callingWindow?.end ?? '17:00');
  const [windowZone, setWindowZone] = useState(tenant.callingWindow?.timeZone ?? tenant.timeZone ?? 'UTC');
  const [errors, setErrors] = useState<{ byField: Record<string, string>; rest: string[] }>({ byField: {}, rest: [] });
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<TenantSettings>('/api/v1/tenant', { method: 'PATCH', body }),
    onSuccess: (t) => qc.setQueryData(TENANT_KEY, t),
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setErrors({ byField: {}, rest: [] });
    try {
      await save.mutateAsync({
        name: name.trim(),
        defaultAgentId: agentId || null,
        defaultFromNumber: fromNumber.trim() || null,
        timeZone: timeZone.trim() || null,
        callingWindow: windowOn ? { start, end, timeZone: windowZone.trim() } : null,
      });
      setSaved(true);
    } catch (err) {
      setErrors(errorsOf(err));
    }
  };
  const e = errors.byField;
  return (
    <form onSubmit={submit} className="card form" noValidate aria-label="Tenant settings">
      <h2>Tenant</h2>
      <p className="muted">
        Slug <code>{tenant.slug}</code> (set by the platform operator)
      </p>
      <fieldset disabled={!canWrite}>
        <Field id="tenant-name" label="Name" error={e.name}>
          <input id="tenant-name" value={name} onChange={(ev) => setName(ev.target.value)} />
        </Field>
        <Field id="tenant-agent" label="Default agent" error={e.defaultAgentId}>
          <select id="tenant-agent" value={agentId} onChange={(ev) => setAgentId(ev.target.value)}>
            <option value="">(none)</option>
            {agents.map((a) => (
              <option key={a.retellAgentId} value={a.retellAgentId}>
                {a.name ? `${a.name} (${a.retellAgentId})` : a.retellAgentId}
              </option>
            ))}
            {agentId && !agents.some((a) => a.retellAgentId === agentId) && <option value={agentId}>{agentId}</option>}
          </select>
        </Field>
        <Field id="tenant-from" label="Default from number" error={e.defaultFromNumber} hint="E.164, e.g. +14155550100">
          <input id="tenant-from" type="tel" value={fromNumber} onChange={(ev) => setFromNumber(ev.target.value)} />
        </Field>
        <Field id="tenant-zone" label="Time zone" error={e.timeZone} hint="IANA zone for interview times, e.g. America/New_York">
          <input id="tenant-zone" value={timeZone} onChange={(ev) => setTimeZone(ev.target.value)} />
        </Field>
        <div className="field check">
          <input id="tenant-window-on" type="checkbox" checked={windowOn} onChange={(ev) => setWindowOn(ev.target.checked)} />
          <label htmlFor="tenant-window-on">Calling window (no call is placed outside it)</label>
        </div>
        {windowOn && (
          <div className="row">
            <Field id="tenant-window-start" label="From" error={e.callingWindow}>
              <input id="tenant-window-start" type="time" value={start} onChange={(ev) => setStart(ev.target.value)} />
            </Field>
            <Field id="tenant-window-end" label="Until">
              <input id="tenant-window-end" type="time" value={end} onChange={(ev) => setEnd(ev.target.value)} />
            </Field>
            <Field id="tenant-window-zone" label="In zone">
              <input id="tenant-window-zone" value={windowZone} onChange={(ev) => setWindowZone(ev.target.value)} />
            </Field>
          </div>
        )}
        <FormErrors messages={errors.rest} />
        {canWrite && (
          <button type="submit" disabled={save.isPending}>
            Save settings
          </button>
        )}
      </fieldset>
      {saved && (
        <p className="state ok" role="status">
          Settings saved.
        </p>
      )}
    </form>
  );
}

function RetellKeyForm({ tenant, canWrite }: { tenant: TenantSettings; canWrite: boolean }) {
  const qc = useQueryClient();
  const [key, setKey] = useState('');
  const [overlap, setOverlap] = useState('60');
  const [errors, setErrors] = useState<{ byField: Record<string, string>; rest: string[] }>({ byField: {}, rest: [] });
  const [done, setDone] = useState<string | null>(null);
  const rotate = useMutation({
    mutationFn: (body: { retellApiKey: string; overlapMinutes: number }) =>
      api<{ retellApiKeyLast4: string; previousRetellKeyUntil: string | null }>('/api/v1/tenant/retell-key', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: TENANT_KEY }),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    setErrors({ byField: {}, rest: [] });
    try {
      const r = await rotate.mutateAsync({ retellApiKey: key.trim(), overlapMinutes: Number(overlap) });
      setKey('');
      setDone(
        `Retell key rotated: now …${r.retellApiKeyLast4}.${r.previousRetellKeyUntil ? ` The old key still verifies webhooks until ${formatInstant(r.previousRetellKeyUntil)}.` : ''}`,
      );
    } catch (err) {
      setErrors(errorsOf(err));
    }
  };
  return (
    <form onSubmit={submit} className="card form" noValidate aria-label="Retell API key">
      <h2>Retell API key</h2>
      <p>
        Stored encrypted, never shown: ends in <code>…{tenant.retellApiKeyLast4 ?? '????'}</code>.
        {tenant.previousRetellKeyUntil && <> The previous key still verifies webhooks until {formatInstant(tenant.previousRetellKeyUntil)}.</>}
      </p>
      {canWrite ? (
        <>
          <Field id="retell-key" label="New Retell API key" error={fieldError(errors, 'retellApiKey')} hint="Checked with Retell before it is saved">
            <input id="retell-key" type="password" autoComplete="off" value={key} onChange={(ev) => setKey(ev.target.value)} />
          </Field>
          <Field id="retell-overlap" label="Old key still accepted for (minutes)" error={fieldError(errors, 'overlapMinutes')}>
            <input id="retell-overlap" type="number" min={0} max={10080} value={overlap} onChange={(ev) => setOverlap(ev.target.value)} />
          </Field>
          <FormErrors messages={errors.rest} />
          <button type="submit" disabled={rotate.isPending || !key.trim()}>
            Rotate key
          </button>
          {done && (
            <p className="state ok" role="status">
              {done}
            </p>
          )}
        </>
      ) : (
        <p className="muted">Only a role with settings:write can rotate it.</p>
      )}
    </form>
  );
}

function RelayCard({ tenant, canWrite }: { tenant: TenantSettings; canWrite: boolean }) {
  const qc = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [problem, setProblem] = useState<string[]>([]);
  const issue = useMutation({
    mutationFn: () =>
      api<{ relaySecret: string; path: string; previousSecretUntil: string | null }>('/api/v1/tenant/relay-secret', { method: 'POST', body: {} }),
    onSuccess: (r) => {
      setSecret(r.relaySecret);
      void qc.invalidateQueries({ queryKey: TENANT_KEY });
    },
    onError: (err) => setProblem(errorsOf(err).rest),
  });
  const off = useMutation({
    mutationFn: () => api<void>('/api/v1/tenant/relay-secret', { method: 'DELETE' }),
    onSuccess: () => {
      setSecret(null);
      void qc.invalidateQueries({ queryKey: TENANT_KEY });
    },
    onError: (err) => setProblem(errorsOf(err).rest),
  });
  const relay = tenant.relay;
  return (
    <section className="card form" aria-labelledby="relay-title">
      <h2 id="relay-title">Relay (forwarded webhooks)</h2>
      <p>
        For an automation tool that forwards Retell&apos;s webhooks: it posts to <code>{relay.path}</code> on the webhook gateway, signed with the relay secret
        (see docs/relay-and-limits.md). Relay is <strong>{relay.enabled ? 'on' : 'off'}</strong>.
        {relay.previousSecretUntil && <> The previous secret still verifies until {formatInstant(relay.previousSecretUntil)}.</>}
      </p>
      {secret && (
        <div className="state ok" role="status" aria-label="New relay secret">
          <p>Relay secret, shown this once: copy it into the relay now.</p>
          <p>
            <code className="secret">{secret}</code>
          </p>
          <button type="button" className="secondary" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
      <FormErrors messages={problem} />
      {canWrite ? (
        <div className="row">
          <button type="button" onClick={() => (setProblem([]), issue.mutate())} disabled={issue.isPending}>
            {relay.enabled ? 'Rotate relay secret' : 'Turn relay on'}
          </button>
          {relay.enabled && (
            <button type="button" className="danger" onClick={() => (setProblem([]), off.mutate())} disabled={off.isPending}>
              Turn relay off
            </button>
          )}
        </div>
      ) : (
        <p className="muted">Only a role with settings:write can change it.</p>
      )}
    </section>
  );
}

export function SettingsPage() {
  const canWrite = useCan('settings:write');
  const tenant = useQuery({ queryKey: TENANT_KEY, queryFn: () => api<TenantSettings>('/api/v1/tenant') });
  const agents = useQuery({ queryKey: ['agents', 'list'], queryFn: () => api<Agent[]>('/api/v1/agents') });
  return (
    <section aria-labelledby="settings-title" className="stack">
      <h1 id="settings-title">Settings</h1>
      {!canWrite && <p className="state empty">Your role can see these settings but not change them.</p>}
      <QueryState query={tenant}>
        {(t) => (
          <>
            <TenantForm key={t.id} tenant={t} agents={agents.data ?? []} canWrite={canWrite} />
            <RetellKeyForm tenant={t} canWrite={canWrite} />
            <RelayCard tenant={t} canWrite={canWrite} />
            <AgentToolsCard slug={t.slug} tools={t.tools ?? []} canWrite={canWrite} />
          </>
        )}
      </QueryState>
    </section>
  );
}

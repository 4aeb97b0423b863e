import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import type { Role } from '../types';
import { Field, FormErrors, QueryState } from '../components/ui';
import { formatInstant } from '../format';
import { useCan, useSession } from '../session';

/** GET /api/v1/api-keys, one row (never the key or its hash). */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string | null;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

interface IssuedKey {
  id: string;
  key: string;
  prefix: string;
  role: Role;
  name: string;
}

const KEYS = ['api-keys'] as const;
const ROLES: Role[] = ['owner', 'admin', 'recruiter', 'viewer'];
const FIELDS = ['name', 'role', 'expiresAt'] as const;
const STATE_TONE = { active: 'live', revoked: 'muted', expired: 'warn' } as const;

export function keyState(k: Pick<ApiKeyRow, 'revokedAt' | 'expiresAt'>, now = Date.now()): 'revoked' | 'expired' | 'active' {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && Date.parse(k.expiresAt) <= now) return 'expired';
  return 'active';
}

function IssueForm({ onIssued }: { onIssued: (k: IssuedKey) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const issue = useMutation({
    mutationFn: (body: { name: string; role: Role; expiresAt?: string }) => api<IssuedKey>('/api/v1/api-keys', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEYS }),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setGeneral([]);
    if (!name.trim()) return setErrors({ name: 'name is required' });
    try {
      const issued = await issue.mutateAsync({ name: name.trim(), role, ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}) });
      setName('');
      setExpires('');
      onIssued(issued);
    } catch (err) {
      if (err instanceof ApiError) {
        const { byField, rest } = err.fieldErrors(FIELDS);
        setErrors(byField);
        setGeneral(rest);
      } else setGeneral([String((err as Error).message ?? err)]);
    }
  };
  return (
    <form onSubmit={submit} className="card form" noValidate aria-label="Issue an API key">
      <h2>Issue a key</h2>
      <Field id="key-name" label="Name" error={errors.name} hint="What uses it, e.g. CI deploys">
        <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} />
      </Field>
      <Field id="key-role" label="Role" error={errors.role}>
        <select id="key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <Field id="key-expires" label="Expires (optional, your time)" error={errors.expiresAt} hint="Empty: never">
        <input id="key-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </Field>
      <FormErrors messages={general} />
      <button type="submit" disabled={issue.isPending}>
        Issue key
      </button>
    </form>
  );
}

export function ApiKeysPage() {
  const canManage = useCan('api-keys:manage');
  const session = useSession();
  const qc = useQueryClient();
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const keys = useQuery({ queryKey: KEYS, queryFn: () => api<ApiKeyRow[]>('/api/v1/api-keys'), enabled: canManage });
  const revoke = useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: KEYS }),
  });
  if (!canManage)
    return (
      <section>
        <h1>API keys</h1>
        <p className="state empty">Your role ({session.role}) cannot manage API keys.</p>
      </section>
    );
  return (
    <section aria-labelledby="keys-title" className="stack">
      <h1 id="keys-title">API keys</h1>
      {issued && (
        <div className="state ok" role="status" aria-label="New API key">
          <p>
            Key <strong>{issued.name}</strong> ({issued.role}), shown this once: copy it now. Only its hash is kept.
          </p>
          <p>
            <code className="secret">{issued.key}</code>
          </p>
          <button type="button" className="secondary" onClick={() => setIssued(null)}>
            Done
          </button>
        </div>
      )}
      <IssueForm onIssued={setIssued} />
      {revoke.isError && <FormErrors messages={[revoke.error.message]} />}
      <QueryState query={keys} isEmpty={(d) => d.length === 0} empty="No API keys.">
        {(rows) => (
          <div className="table-wrap">
            <table aria-label="API keys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="muted">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((k) => {
                  const state = keyState(k);
                  return (
                    <tr key={k.id} data-key-id={k.id}>
                      <td>{k.name}</td>
                      <td>
                        <code>{k.prefix ? `${k.prefix}…` : '—'}</code>
                      </td>
                      <td>{k.role}</td>
                      <td>{formatInstant(k.createdAt)}</td>
                      <td>{k.lastUsedAt ? formatInstant(k.lastUsedAt) : 'never'}</td>
                      <td>{k.expiresAt ? formatInstant(k.expiresAt) : 'never'}</td>
                      <td>
                        <span className={`badge ${STATE_TONE[state]}`}>{state}</span>
                      </td>
                      <td>
                        {state === 'active' && (
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Revoke ${k.name}`}
                            onClick={() => revoke.mutate(k.id)}
                            disabled={revoke.isPending && revoke.variables === k.id}
                          >
                            Revoke
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}

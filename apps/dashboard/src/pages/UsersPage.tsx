import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api';
import { Field, FormErrors, QueryState } from '../components/ui';
import { formatInstant } from '../format';
import { useSession } from '../session';
import type { InvitationCreated, Role, UsersList } from '../types';

const ROLES: Role[] = ['owner', 'admin', 'recruiter', 'viewer'];
const USERS_KEY = ['users'] as const;

/** Owners (users:manage): the tenant's members and pending invitations; invite, change roles, remove. */
export function UsersPage() {
  const users = useQuery({ queryKey: USERS_KEY, queryFn: () => api<UsersList>('/api/v1/users') });
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <InviteForm />
      <h2>Members</h2>
      <QueryState query={users} isEmpty={(d) => d.members.length === 0} empty="No members yet: invite someone.">
        {(d) => <Members list={d} />}
      </QueryState>
      <h2>Pending invitations</h2>
      <QueryState query={users} isEmpty={(d) => d.invitations.length === 0} empty="No pending invitations.">
        {(d) => <Invitations list={d} />}
      </QueryState>
    </section>
  );
}

function InviteForm() {
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('recruiter');
  const invite = useMutation({
    mutationFn: () =>
      api<InvitationCreated>('/api/v1/users/invitations', {
        method: 'POST',
        body: { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) },
      }),
    onSuccess: () => {
      setEmail('');
      setName('');
      void qc.invalidateQueries({ queryKey: USERS_KEY });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  const errors = invite.error instanceof ApiError ? invite.error.fieldErrors(['email', 'role', 'name']) : undefined;
  return (
    <form onSubmit={submit} className="card form" aria-label="Invite a person">
      <h2>Invite a person</h2>
      <Field id="invite-email" label="Email" error={errors?.byField.email}>
        <input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </Field>
      <Field id="invite-person-name" label="Name (optional)" error={errors?.byField.name}>
        <input id="invite-person-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
      </Field>
      <Field id="invite-role" label="Role" error={errors?.byField.role}>
        <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <FormErrors messages={invite.isError ? (errors ? errors.rest : [invite.error.message]) : []} />
      <button type="submit" disabled={invite.isPending}>
        Invite
      </button>
      {invite.data && <InvitationLink created={invite.data} />}
    </form>
  );
}

/** The one-time link: shown once, to copy and send to the person. */
function InvitationLink({ created }: { created: InvitationCreated }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(created.url).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div role="status">
      <p>Invitation made. Send this link to the person: it works once, until {formatInstant(created.expiresAt)}, and is not shown again.</p>
      <div className="invite-link">
        <input id="invite-link" aria-label="Invitation link" readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="secondary" onClick={copy}>
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
    </div>
  );
}

function Members({ list }: { list: UsersList }) {
  const session = useSession();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const done = () => void qc.invalidateQueries({ queryKey: USERS_KEY });
  const change = useMutation({
    mutationFn: (v: { userId: string; role: Role }) => api(`/api/v1/users/${v.userId}`, { method: 'PATCH', body: { role: v.role } }),
    onSettled: done,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api<void>(`/api/v1/users/${userId}`, { method: 'DELETE' }),
    onSettled: () => {
      setConfirming(null);
      done();
    },
  });
  const error = change.error ?? remove.error;
  return (
    <>
      {error && (
        <p className="state error" role="alert">
          {error.message}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.members.map((m) => (
            <tr key={m.userId}>
              <td>
                {m.name}
                {session.user?.id === m.userId ? ' (you)' : ''}
              </td>
              <td>{m.email}</td>
              <td>
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  disabled={change.isPending}
                  onChange={(e) => change.mutate({ userId: m.userId, role: e.target.value as Role })}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>{formatInstant(m.joinedAt)}</td>
              <td>
                {confirming === m.userId ? (
                  <span className="inline-confirm">
                    <button type="button" className="danger" onClick={() => remove.mutate(m.userId)} disabled={remove.isPending}>
                      Yes, remove {m.email}
                    </button>
                    <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <button type="button" className="secondary" aria-label={`Remove ${m.email}`} onClick={() => setConfirming(m.userId)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Invitations({ list }: { list: UsersList }) {
  const qc = useQueryClient();
  const withdraw = useMutation({
    mutationFn: (id: string) => api<void>(`/api/v1/users/invitations/${id}`, { method: 'DELETE' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: USERS_KEY }),
  });
  return (
    <>
      {withdraw.isError && (
        <p className="state error" role="alert">
          {withdraw.error.message}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.invitations.map((i) => (
            <tr key={i.id}>
              <td>
                {i.email}
                {i.name ? ` (${i.name})` : ''}
              </td>
              <td>{i.role}</td>
              <td>{formatInstant(i.expiresAt)}</td>
              <td>
                <button type="button" className="secondary" aria-label={`Withdraw the invitation of ${i.email}`} onClick={() => withdraw.mutate(i.id)}>
                  Withdraw
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api';
import { Field, FormErrors } from '../components/ui';
import { useAcceptInvitation } from '../session';

/** /invite/:token: the invited person sets their name and password, joins the tenant and is signed in. */
export function AcceptInvitePage() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const accept = useAcceptInvitation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== confirm);
    if (password !== confirm) return;
    accept.mutate({ token, name: name.trim(), password }, { onSuccess: () => navigate('/', { replace: true }) });
  };
  const errors = accept.error instanceof ApiError ? accept.error.fieldErrors(['name', 'password', 'token']) : undefined;
  const rest = accept.isError ? (errors ? errors.rest : [accept.error.message]) : [];
  return (
    <main className="signin">
      <form onSubmit={submit} className="card">
        <h1>Join Retell Ops</h1>
        <p className="muted">You were invited. Choose your name and a password (at least 10 characters). If you already have an account, enter its password.</p>
        <Field id="invite-name" label="Your name" error={errors?.byField.name}>
          <input id="invite-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </Field>
        <Field id="invite-password" label="Password" error={errors?.byField.password}>
          <input
            id="invite-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={10}
            maxLength={200}
          />
        </Field>
        <Field id="invite-password-confirm" label="Repeat the password" error={mismatch ? 'the two passwords differ' : undefined}>
          <input
            id="invite-password-confirm"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            required
          />
        </Field>
        <FormErrors messages={rest} />
        <button type="submit" disabled={accept.isPending}>
          Join and sign in
        </button>
      </form>
    </main>
  );
}

import { useState, type FormEvent } from 'react';
import { useLogin, useSignIn } from '../session';
import { Field } from '../components/ui';

/** Two ways in, side by side: a person's email and password, or a tenant API key. */
export function SignInPage() {
  return (
    <main className="signin">
      <div className="signin-forms">
        <h1>Retell Ops</h1>
        <PasswordForm />
        <ApiKeyForm />
      </div>
    </main>
  );
}

function PasswordForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (email.trim() && password) login.mutate({ email: email.trim(), password });
  };
  return (
    <form onSubmit={submit} className="card">
      <h2>Email and password</h2>
      <Field id="email" label="Email">
        <input id="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </Field>
      <Field id="password" label="Password" error={login.isError ? login.error.message : undefined}>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          aria-describedby={login.isError ? 'password-error' : undefined}
        />
      </Field>
      <button type="submit" disabled={login.isPending}>
        Log in
      </button>
    </form>
  );
}

function ApiKeyForm() {
  const [apiKey, setApiKey] = useState('');
  const signIn = useSignIn();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (apiKey.trim()) signIn.mutate(apiKey.trim());
  };
  return (
    <form onSubmit={submit} className="card">
      <h2>API key</h2>
      <p className="muted">Or sign in with your tenant's API key.</p>
      <Field id="api-key" label="API key" error={signIn.isError ? signIn.error.message : undefined}>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          required
          aria-describedby={signIn.isError ? 'api-key-error' : undefined}
        />
      </Field>
      <button type="submit" disabled={signIn.isPending}>
        Sign in
      </button>
    </form>
  );
}

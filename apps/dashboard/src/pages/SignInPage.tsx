import { useState, type FormEvent } from 'react';
import { useSignIn } from '../session';
import { Field } from '../components/ui';

export function SignInPage() {
  const [apiKey, setApiKey] = useState('');
  const signIn = useSignIn();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (apiKey.trim()) signIn.mutate(apiKey.trim());
  };
  return (
    <main className="signin">
      <form onSubmit={submit} className="card" aria-labelledby="signin-title">
        <h1 id="signin-title">Retell Ops</h1>
        <p className="muted">Sign in with your tenant's API key.</p>
        <Field id="api-key" label="API key" error={signIn.isError ? signIn.error.message : undefined}>
          <input
            id="api-key"
            type="password"
            autoComplete="current-password"
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
    </main>
  );
}

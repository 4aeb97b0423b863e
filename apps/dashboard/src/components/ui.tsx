import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from '../api';

/** Loading, error and empty states for one query; `children` renders its data. */
export function QueryState<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (d: T) => boolean;
  empty?: ReactNode;
  children: (d: T) => ReactNode;
}) {
  if (query.isPending)
    return (
      <p className="state" role="status">
        Loading…
      </p>
    );
  // Not found (another tenant's id reads the same as a missing one): nothing to retry.
  if (query.isError && query.error instanceof ApiError && query.error.status === 404)
    return (
      <div className="state empty not-found" role="alert">
        <p>
          <strong>Not found.</strong> {query.error.message}
        </p>
      </div>
    );
  if (query.isError)
    return (
      <div className="state error" role="alert">
        <p>Could not load: {query.error.message}</p>
        <button type="button" className="secondary" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  if (isEmpty?.(query.data)) return <p className="state empty">{empty ?? 'Nothing here yet.'}</p>;
  return <>{children(query.data)}</>;
}

const TONE: Record<string, string> = {
  completed: 'good',
  hired: 'good',
  scheduled: 'info',
  queued: 'info',
  initiated: 'info',
  ringing: 'info',
  in_progress: 'live',
  live: 'live',
  dialing: 'live',
  failed: 'bad',
  rejected: 'bad',
  cancelled: 'muted',
  withdrawn: 'muted',
  needs_review: 'warn',
  retry_wait: 'warn',
  active: 'live',
};

export function Badge({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <span className={`badge ${TONE[value] ?? 'muted'}`}>{value.replace(/_/g, ' ')}</span>;
}

/** A labelled form field with its error under it (aria-describedby ties them). */
export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && <small id={`${id}-hint`}>{hint}</small>}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function FormErrors({ messages }: { messages: string[] }) {
  if (!messages.length) return null;
  return (
    <div className="state error" role="alert">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

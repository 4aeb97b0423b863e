import { createContext, useContext, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from './api';
import type { Me, Permission, Session } from './types';

const SESSION_KEY = ['session'] as const;
const SessionContext = createContext<Session | null>(null);

/** The signed-in session; every page below the sign-in gate has one. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/** Whether the signed-in role holds `permission` (as the API will decide). */
export const useCan = (permission: Permission) => useSession().permissions.includes(permission);

async function currentSession(): Promise<Session | null> {
  try {
    const s = await api<Session>('/api/v1/auth/session');
    setCsrfToken(s.csrfToken);
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

/** A session the API just opened (sign-in, password login, accepted invitation) becomes the signed-in one. */
function useOpenSession<V>(request: (v: V) => Promise<Session>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (s) => {
      setCsrfToken(s.csrfToken);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
      qc.setQueryData(SESSION_KEY, s);
    },
  });
}

export function useSignIn() {
  return useOpenSession((apiKey: string) => api<Session>('/api/v1/auth/session', { method: 'POST', body: { apiKey } }));
}

export function useLogin() {
  return useOpenSession((body: { email: string; password: string; tenantSlug?: string }) => api<Session>('/api/v1/auth/login', { method: 'POST', body }));
}

export function useAcceptInvitation() {
  return useOpenSession((body: { token: string; name: string; password: string }) => api<Session>('/api/v1/auth/invitations/accept', { method: 'POST', body }));
}

/** Who is signed in: a person or an API key (GET /api/v1/me). */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: () => api<Me>('/api/v1/me'), staleTime: 60_000 });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/api/v1/auth/session', { method: 'DELETE' }),
    onSettled: () => {
      setCsrfToken(null);
      // The gate's observer stays on the session query: set it, and drop every other cache.
      qc.setQueryData(SESSION_KEY, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
    },
  });
}

/** Shows `signIn` until there is a session, then `children` with it. */
export function SessionGate({ signIn, children }: { signIn: ReactNode; children: ReactNode }) {
  const q = useQuery({ queryKey: SESSION_KEY, queryFn: currentSession, staleTime: Infinity, retry: false });
  if (q.isPending)
    return (
      <p className="state" role="status">
        Loading…
      </p>
    );
  if (q.isError)
    return (
      <p className="state error" role="alert">
        Could not reach the API: {q.error.message}
      </p>
    );
  if (!q.data) return <>{signIn}</>;
  return <SessionContext.Provider value={q.data}>{children}</SessionContext.Provider>;
}

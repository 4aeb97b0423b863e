import type { AppEnv } from '@retell-ops/config';

export const SESSION_COOKIE = 'rops_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_TTL_MS = 12 * 3_600_000;

/*
 * One cookie, read and written here rather than through @fastify/cookie: that plugin loads the
 * ESM-only `cookie` package with a dynamic import(), which Jest's module runtime refuses, so the
 * API could not run in-process under the integration tests.
 */

/** Set-Cookie for the session: httpOnly, SameSite=Strict, Path=/; Secure everywhere but development and test (plain http on 127.0.0.1). */
export function sessionCookie(env: Pick<AppEnv, 'NODE_ENV'>, token: string, maxAgeSeconds: number): string {
  const secure = env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test';
  return `${SESSION_COOKIE}=${token}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(env: Pick<AppEnv, 'NODE_ENV'>): string {
  return sessionCookie(env, '', 0).replace('Max-Age=0', 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
}

/** The session token from a request's Cookie header (our tokens are base64url: anything else is ignored). */
export function sessionTokenOf(req: { headers: Record<string, unknown> }): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

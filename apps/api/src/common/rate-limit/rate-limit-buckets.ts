/**
 * Which limits a request counts against (issue 13 item 9), by method and route pattern:
 *
 * - `auth`: POSTs to the public sign-in routes (/api/v1/auth/*), per client IP, against password guessing;
 * - `api`: every request an API key or a signed-in person makes, per key or person;
 * - `call-create`: placing calls (POST /api/v1/calls, POST /api/v1/batches), per key or person,
 *   on top of `api`.
 *
 * Retell's webhooks are the gateway's, not the API's, and count against nothing.
 */
export type RateLimitBucket = 'auth' | 'api' | 'call-create';

const CALL_CREATE_ROUTES: ReadonlySet<string> = new Set(['POST /api/v1/calls', 'POST /api/v1/batches']);
const AUTH_PREFIX = '/api/v1/auth/';

export function rateLimitBuckets(method: string, route: string | undefined, authenticated: boolean): RateLimitBucket[] {
  if (!route) return [];
  if (route.startsWith(AUTH_PREFIX)) {
    // Sign-in attempts (POST) count per IP; reading or ending one's own session does not.
    const auth: RateLimitBucket[] = method.toUpperCase() === 'POST' ? ['auth'] : [];
    return authenticated ? [...auth, 'api'] : auth;
  }
  if (!authenticated) return [];
  return CALL_CREATE_ROUTES.has(`${method.toUpperCase()} ${route}`) ? ['api', 'call-create'] : ['api'];
}

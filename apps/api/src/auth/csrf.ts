import { ForbiddenException, type Logger } from '@nestjs/common';
import { constantTimeEqual } from '@retell-ops/config';
import { CSRF_HEADER } from './session-cookie';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A cookie-authenticated write must echo its session's CSRF token (a bearer request needs none). */
export function checkCsrf(req: { method: string; url: string; ip: string; headers: Record<string, unknown> }, expected: string, logger: Logger): void {
  if (!MUTATING.has(req.method)) return;
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent === 'string' && sent.length <= 200 && constantTimeEqual(sent, expected)) return;
  logger.warn(`refused a session request without a valid CSRF token ip=${req.ip} ${req.method} ${req.url.slice(0, 200)}`);
  throw new ForbiddenException(
    `${sent === undefined ? 'missing' : 'wrong'} X-CSRF-Token header: a request signed in with the session cookie must send the csrfToken from POST/GET /api/v1/auth/session`,
  );
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AUDIT_NOTE, AuditTrail, type AuditedRequest } from './audit-trail';

/**
 * Records mutating requests a guard refused after it knew who was calling (a viewer's or a
 * recruiter's 403: the guard authenticated the key, then found the role lacks the permission).
 * Guards run before interceptors, so AuditInterceptor never sees these. Requests refused before
 * anyone was identified (401, a wrong CSRF token, a non-operator key on /api/v1/tenants) are not
 * recorded: there is no tenant to show them to (they are logged by the guards).
 * Called once by createApi, before the routes are registered.
 */
export function installAuditRefusalHook(app: NestFastifyApplication): void {
  const trail = app.get(AuditTrail);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      const req = request as unknown as AuditedRequest;
      if (reply.statusCode === 403 && req.principal && req[AUDIT_NOTE] && trail.isAudited(req)) {
        await trail.record(req, reply.statusCode).catch(() => undefined);
      }
      return payload;
    });
}

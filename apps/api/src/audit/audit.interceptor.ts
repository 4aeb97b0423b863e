import { CallHandler, ExecutionContext, HttpException, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyReply } from 'fastify';
import { catchError, defer, from, mergeMap, throwError, type Observable } from 'rxjs';
import { httpAnswerFor } from '../common/errors/http-answer';
import { AUDIT_NOTE, AuditTrail, type AuditedRequest, type SessionActor } from './audit-trail';

/**
 * The one audit interceptor, registered globally once (AuditModule): every POST, PUT, PATCH and
 * DELETE that reaches its handler, in any controller, writes exactly one AuditLog row after the
 * handler has answered or thrown, with the status it answers. The row is written before the
 * answer is sent; a failed write is logged and never changes the answer. Requests refused by a
 * guard never get here: the refusal hook (audit-refusal-hook.ts) records those.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly trail: AuditTrail) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<AuditedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (!this.trail.isAudited(req)) return next.handle();
    const isPublic = req[AUDIT_NOTE]?.access?.kind === 'public';
    const successStatus = (): number => {
      const declared = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined;
      if (declared) return declared;
      if (reply.statusCode && reply.statusCode !== HttpStatus.OK) return reply.statusCode;
      return req.method.toUpperCase() === 'POST' ? HttpStatus.CREATED : HttpStatus.OK;
    };
    // A public route (sign-out) may end the session that says who calls: read it before the handler.
    return defer(() => (isPublic ? this.trail.sessionOfCookie(req).catch(() => null) : Promise.resolve(null))).pipe(
      mergeMap((before: SessionActor | null) =>
        next.handle().pipe(
          mergeMap(async (answer) => {
            const session = before ?? (isPublic ? await this.trail.sessionOfReply(reply).catch(() => null) : null);
            await this.trail.record(req, successStatus(), { answer, session }).catch(() => undefined);
            return answer;
          }),
          catchError((error: unknown) =>
            from(this.trail.record(req, statusOf(error), { session: before }).catch(() => undefined)).pipe(mergeMap(() => throwError(() => error))),
          ),
        ),
      ),
    );
  }
}

/** The status the exception filter will answer for `error`. */
export function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  return httpAnswerFor(error).body.statusCode;
}

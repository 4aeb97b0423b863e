import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, switchMap, type Observable } from 'rxjs';
import type { Principal } from '../../auth/principal';
import { rateLimitBuckets } from './rate-limit-buckets';
import { RateLimitedError, RateLimits } from './rate-limits';

/**
 * Applies the abuse limits after authentication (guards run first, so the caller is known):
 * per API key or signed-in person, stricter on call creation, per IP on /api/v1/auth/*.
 * A spent limit answers 429 with Retry-After and the reason.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limits: RateLimits) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const buckets = rateLimitBuckets(req.method, req.routeOptions?.url, !!req.principal);
    if (buckets.length === 0) return next.handle();
    const who = req.principal && (req.principal.userId ? `user:${req.principal.userId}` : `key:${req.principal.apiKeyId}`);
    const check = async () => {
      try {
        for (const bucket of buckets) await this.limits.consume(bucket, bucket === 'auth' ? `ip:${req.ip}` : who!);
      } catch (e) {
        if (e instanceof RateLimitedError) void http.getResponse<FastifyReply>().header('retry-after', String(e.retryAfterSeconds));
        throw e;
      }
    };
    return from(check()).pipe(switchMap(() => next.handle()));
  }
}

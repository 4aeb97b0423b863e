import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { AppEnv, constantTimeEqual, hashApiKey } from '@retell-ops/config';

/**
 * The platform operator's routes (/api/v1/tenants): only the bearer key PLATFORM_ADMIN_KEY passes.
 * The key is kept as its SHA-256 and compared in constant time; it is never logged. A tenant's
 * key (admin or viewer) or any other value is a 403; no header is a 401; with PLATFORM_ADMIN_KEY
 * unset every caller gets a 403 saying the routes are off.
 */
@Injectable()
export class PlatformOperatorGuard implements CanActivate {
  private readonly logger = new Logger('PlatformAuth');
  private readonly keyHash?: string;

  constructor(env: AppEnv) {
    this.keyHash = env.PLATFORM_ADMIN_KEY === undefined ? undefined : hashApiKey(env.PLATFORM_ADMIN_KEY);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; ip: string; method: string; url: string }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('send the platform operator key as "Authorization: Bearer <PLATFORM_ADMIN_KEY>"');
    if (this.keyHash === undefined) throw new ForbiddenException('the platform operator routes are off: PLATFORM_ADMIN_KEY is not set on this deployment');
    if (constantTimeEqual(hashApiKey(match[1]), this.keyHash)) return true;
    this.logger.warn(`refused a non-operator key on an operator route ip=${req.ip} ${req.method} ${String(req.url).slice(0, 200)}`);
    throw new ForbiddenException('only the platform operator (PLATFORM_ADMIN_KEY) may manage tenants');
  }
}

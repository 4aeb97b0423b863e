import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppEnv, constantTimeEqual, hashApiKey } from '@retell-ops/config';
import { ApiKeyGuard } from '../auth/api-key.guard';

/** Set on the request when the platform operator's key authenticated it. */
export const OPERATOR = 'ropsPlatformOperator';

/**
 * For the one route both a tenant and the platform operator read (GET /api/v1/deliveries/rejected):
 * the bearer PLATFORM_ADMIN_KEY (its SHA-256, compared in constant time) marks the request as the
 * operator's; anything else goes through ApiKeyGuard and the route's tenant permission.
 */
@Injectable()
export class TenantOrOperatorGuard implements CanActivate {
  private readonly operatorHash?: string;

  constructor(
    env: AppEnv,
    private readonly apiKeys: ApiKeyGuard,
  ) {
    this.operatorHash = env.PLATFORM_ADMIN_KEY === undefined ? undefined : hashApiKey(env.PLATFORM_ADMIN_KEY);
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; [OPERATOR]?: boolean }>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (match && this.operatorHash !== undefined && constantTimeEqual(hashApiKey(match[1]), this.operatorHash)) {
      req[OPERATOR] = true;
      return true;
    }
    return this.apiKeys.canActivate(context);
  }
}

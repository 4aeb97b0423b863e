import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@retell-ops/domain';

/** Who is calling: every query the API makes is scoped by `tenantId`. */
export interface Principal {
  tenantId: string;
  apiKeyId: string;
  role: Role;
  /** Set when the dashboard's session cookie authenticated the request (not a bearer key). */
  sessionId?: string;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal);

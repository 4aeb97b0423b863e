import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@retell-ops/domain';

/** Who is calling: every query the API makes is scoped by `tenantId`. */
export interface Principal {
  tenantId: string;
  /** The API key that authenticated the request ('' for a signed-in person). */
  apiKeyId: string;
  /** The person, when a user signed in with email and password (issue 13 item 3). */
  userId?: string;
  role: Role;
  /** Set when the dashboard's session cookie authenticated the request (not a bearer key). */
  sessionId?: string;
}

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().principal);

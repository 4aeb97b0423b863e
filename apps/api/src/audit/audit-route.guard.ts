import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROUTE_ACCESS, type RouteAccess } from '../auth/permissions.decorator';
import { AUDIT_ACTION } from './audit-action.decorator';
import { AUDIT_NOTE, type AuditedRequest } from './audit-trail';

/**
 * Global, and never refuses: notes the route's access and audit action on the request before the
 * authenticating guards run, so a request they refuse (a viewer's 403) can still be recorded by
 * the refusal hook, which runs outside Nest's context (see installAuditRefusalHook).
 */
@Injectable()
export class AuditRouteGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<AuditedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    req[AUDIT_NOTE] = {
      ...req[AUDIT_NOTE],
      access: this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, targets),
      action: this.reflector.getAllAndOverride<string | undefined>(AUDIT_ACTION, targets),
    };
    return true;
  }
}

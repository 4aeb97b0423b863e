import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { ForbiddenError } from '@retell-ops/domain';
import { Reflector } from '@nestjs/core';
import { ROUTE_ACCESS, type RouteAccess } from './permissions.decorator';

/**
 * Global and first: a route that declares no access (RequirePermission, PublicRoute or
 * PlatformOperatorRoute) is refused, whoever calls it. Authentication and the permission check
 * itself are ApiKeyGuard's and PlatformOperatorGuard's.
 */
@Injectable()
export class RouteDeclarationGuard implements CanActivate {
  private readonly logger = new Logger('ApiAuth');

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (access) return true;
    this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} declares no access: refused`);
    throw new ForbiddenError('this route declares no permission and is refused');
  }
}

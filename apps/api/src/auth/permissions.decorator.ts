import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Permission } from '@retell-ops/domain';

/**
 * Every API route declares who may call it, with exactly one of these. A route that declares
 * none is refused (RouteDeclarationGuard) and fails the route walk in the tests. The choice is
 * also written into the OpenAPI document as `x-permission`.
 */
export const ROUTE_ACCESS = 'rops:route-access';

export type RouteAccess = { kind: 'permission'; permission: Permission } | { kind: 'public' } | { kind: 'platform-operator' };

/** A tenant route: the caller's role must hold `permission` (table in libs/domain/src/permissions.ts). */
export function RequirePermission(permission: Permission) {
  return applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'permission', permission }), ApiExtension('x-permission', permission));
}

/** No authentication (health, sign-in, invitation acceptance). */
export function PublicRoute() {
  return applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'public' }), ApiExtension('x-permission', 'public'));
}

/** Only the platform operator (PLATFORM_ADMIN_KEY). */
export function PlatformOperatorRoute() {
  return applyDecorators(SetMetadata(ROUTE_ACCESS, { kind: 'platform-operator' }), ApiExtension('x-permission', 'platform-operator'));
}

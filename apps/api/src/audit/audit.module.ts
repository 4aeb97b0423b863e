import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ActorResolver } from './actors';
import { AuditRecorder } from './audit-recorder';
import { AuditRouteGuard } from './audit-route.guard';
import { AuditTrail } from './audit-trail';
import { AuditInterceptor } from './audit.interceptor';

/**
 * The audit log's writing side, registered once for the whole API: the global AuditInterceptor
 * (every mutating request that reaches a handler), the global AuditRouteGuard (notes the route so
 * a guard's refusal can be recorded too), and ActorResolver (who a principal is, also used for
 * "created by"). The refusal hook is installed by createApi. Reading is AuditController.
 */
@Global()
@Module({
  providers: [
    ActorResolver,
    AuditRecorder,
    AuditTrail,
    { provide: APP_GUARD, useClass: AuditRouteGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [ActorResolver, AuditTrail],
})
export class AuditModule {}

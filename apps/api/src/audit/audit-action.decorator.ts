import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'rops:audit-action';

/**
 * Names a route's audit action when the one derived from its method and path
 * (`auditActionFor`, libs/domain/src/audit.ts) would not say what it does, e.g.
 * `@AuditAction('batches.cancel')`. Optional: every mutating route is audited either way.
 */
export const AuditAction = (action: string) => SetMetadata(AUDIT_ACTION, action);

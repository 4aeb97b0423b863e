import { ForbiddenError } from '@retell-ops/domain';
import type { Principal } from './principal';

/** Viewer keys may read; every change needs an admin key (403 otherwise). */
export function requireAdmin(p: Principal, action: string): void {
  if (p.role !== 'admin') throw new ForbiddenError(`only admin keys can ${action}`);
}

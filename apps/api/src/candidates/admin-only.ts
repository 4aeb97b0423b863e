import { ForbiddenException } from '@nestjs/common';
import type { Principal } from '../auth/principal';

/** Viewer keys may read; every change needs an admin key. */
export function requireAdmin(p: Principal, action: string): void {
  if (p.role !== 'admin') throw new ForbiddenException(`only admin keys can ${action}`);
}

/** Prisma's unique-constraint violation. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'P2002';
}

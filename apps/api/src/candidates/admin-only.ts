import { ForbiddenException } from '@nestjs/common';
import type { Principal } from '../auth/principal';

/** Viewer keys may read; every change needs an admin key. */
export function requireAdmin(p: Principal, action: string): void {
  if (p.role !== 'admin') throw new ForbiddenException(`only admin keys can ${action}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our ids are UUIDs; anything else cannot name a row (and must not reach a uuid column). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Prisma's unique-constraint violation. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'P2002';
}

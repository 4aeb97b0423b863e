/** Prisma's unique-constraint violation (P2002): the row another writer just made, or a duplicate key. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'P2002';
}

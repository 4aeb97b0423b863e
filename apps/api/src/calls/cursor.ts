import { isUuid } from '@retell-ops/domain';

/** Keyset cursor over (occurredAt desc, id desc): stable under inserts, no OFFSET scans. */
export interface CallCursor {
  occurredAt: Date;
  id: string;
}

export function encodeCursor(c: CallCursor): string {
  return Buffer.from(`${c.occurredAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string): CallCursor | undefined {
  const [at, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const occurredAt = new Date(at ?? '');
  if (!id || !isUuid(id) || id !== id.toLowerCase() || Number.isNaN(occurredAt.getTime())) return undefined;
  return { occurredAt, id };
}

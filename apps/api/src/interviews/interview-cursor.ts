import { isUuid } from '@retell-ops/domain';


/**
 * Keyset cursor over (scheduledAt asc nulls last, id asc): the soonest first, interviews still
 * without a time (needs review) at the end.
 */
export interface InterviewCursor {
  scheduledAt: Date | null;
  id: string;
}

export function encodeInterviewCursor(c: InterviewCursor): string {
  return Buffer.from(`${c.scheduledAt ? c.scheduledAt.toISOString() : '-'}|${c.id}`, 'utf8').toString('base64url');
}

export function decodeInterviewCursor(raw: string): InterviewCursor | undefined {
  const [at, id, extra] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (extra !== undefined || !id || !isUuid(id) || id !== id.toLowerCase() || !at) return undefined;
  if (at === '-') return { scheduledAt: null, id };
  const scheduledAt = new Date(at);
  if (Number.isNaN(scheduledAt.getTime()) || scheduledAt.toISOString() !== at) return undefined;
  return { scheduledAt, id };
}

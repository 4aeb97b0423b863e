import { createHash } from 'node:crypto';
import type IORedis from 'ioredis';

/**
 * What the gateway keeps in Redis (beside the queues, same prefix) for Retell's inbound-call
 * webhook (docs/live-calls.md#inbound-calls):
 *
 * - `<prefix>:inbound:answer:<tenantId>:<hash of the delivery key>`: the first answer given to one
 *   delivery, for INBOUND_ANSWER_TTL_SECONDS, so Retell's retries get the same answer;
 * - `<prefix>:inbound:log:t:<tenantId>`: the tenant's recent decisions, a stream capped at about
 *   INBOUND_LOG_MAX rows (XADD MAXLEN ~), read by GET /api/v1/inbound-calls.
 */
export const INBOUND_ANSWER_TTL_SECONDS = 600;
export const INBOUND_LOG_MAX = 1000;

export const inboundKeys = {
  answer: (prefix: string, tenantId: string, deliveryKey: string) =>
    `${prefix}:inbound:answer:${tenantId}:${createHash('sha256').update(deliveryKey).digest('hex').slice(0, 40)}`,
  log: (prefix: string, tenantId: string) => `${prefix}:inbound:log:t:${tenantId}`,
};

/** One decision as the log keeps it: what was answered, never the answer's variables. */
export interface InboundDecisionRow {
  /** epoch ms */
  at: number;
  /** known, unknown, rejected, degraded */
  kind: string;
  /** true when a retry got the answer stored for its first delivery */
  replayed: boolean;
  fromNumber: string;
  toNumber: string;
  candidateId: string | null;
  agentId: string | null;
  /** why: the blocked pattern, the rule, or what was slow */
  reason: string | null;
  /** Retell's call id (or chat id), when the delivery carried one */
  callId: string | null;
  /** `call` (call_inbound) or `chat` (chat_inbound, a text); rows written before chats were answered read as `call` */
  channel?: 'call' | 'chat';
}

const BOUND = 128;
// eslint-disable-next-line no-control-regex
const cut = (v: string | null | undefined) => (v ? v.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, BOUND) : '');

/**
 * Keeps `answer` as the answer to the delivery unless one is kept already, in one round trip
 * (SET NX GET). Returns the answer kept before (a retry), or null when this one is now kept.
 */
export async function keepFirstInboundAnswer(redis: IORedis, key: string, answer: string): Promise<string | null> {
  return (await redis.set(key, answer, 'EX', INBOUND_ANSWER_TTL_SECONDS, 'NX', 'GET')) as string | null;
}

/** Appends one decision to the tenant's capped log; the promise never rejects (an error goes to onError). */
export function recordInboundDecision(redis: IORedis, prefix: string, tenantId: string, row: InboundDecisionRow, onError?: (e: Error) => void): Promise<void> {
  const fields = [
    'at',
    String(row.at),
    'kind',
    cut(row.kind),
    'replayed',
    row.replayed ? '1' : '0',
    'from',
    cut(row.fromNumber),
    'to',
    cut(row.toNumber),
    'candidateId',
    cut(row.candidateId),
    'agentId',
    cut(row.agentId),
    'reason',
    cut(row.reason),
    'callId',
    cut(row.callId),
    'channel',
    row.channel ?? 'call',
  ];
  return redis.xadd(inboundKeys.log(prefix, tenantId), 'MAXLEN', '~', String(INBOUND_LOG_MAX), '*', ...fields).then(
    () => undefined,
    (e: Error) => onError?.(e),
  );
}

export interface InboundDecisionEntry extends InboundDecisionRow {
  /** the stream entry id: the cursor for the next page */
  id: string;
  channel: 'call' | 'chat';
}

function entryOf([id, fields]: [string, string[]]): InboundDecisionEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  return {
    id,
    at: Number(f.at),
    kind: f.kind ?? '',
    replayed: f.replayed === '1',
    fromNumber: f.from ?? '',
    toNumber: f.to ?? '',
    candidateId: f.candidateId || null,
    agentId: f.agentId || null,
    reason: f.reason || null,
    callId: f.callId || null,
    channel: f.channel === 'chat' ? 'chat' : 'call',
  };
}

/** Newest first, `limit` decisions older than the entry id `before` (exclusive). */
export async function readInboundDecisions(
  redis: IORedis,
  prefix: string,
  tenantId: string,
  { limit, before }: { limit: number; before?: string },
): Promise<{ rows: InboundDecisionEntry[]; next: string | null }> {
  const entries = (await redis.xrevrange(inboundKeys.log(prefix, tenantId), before ? `(${before}` : '+', '-', 'COUNT', limit + 1)) as Array<[string, string[]]>;
  const rows = entries.slice(0, limit).map(entryOf);
  return { rows, next: entries.length > limit ? rows[rows.length - 1].id : null };
}

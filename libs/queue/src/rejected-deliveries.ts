import type IORedis from 'ioredis';

/**
 * The bounded log of refused webhook deliveries, in Redis beside the queues (same prefix):
 *
 * - `<prefix>:rejected:t:<tenantId>`: a stream per tenant, capped at about REJECTED_STREAM_MAX rows
 *   (XADD MAXLEN ~), for deliveries whose tenant was known (a slug or a registered agent id);
 * - `<prefix>:rejected:platform`: one stream, capped the same, for those whose tenant was not;
 * - `<prefix>:rejected:counts` (since the Redis started) and `<prefix>:rejected:counts:<UTC day>`
 *   (kept REJECTED_DAYS_KEPT days): platform-wide counters, one field per `<status> <error>`,
 *   a fixed, small set whatever is sent.
 *
 * A row holds what identifies a delivery (time, status, fixed error code, reason, tenant, call id
 * when the body was verified, source ip, size, path), each cut to a short bound: never a body.
 * However many deliveries an attacker sends, the log stays this size.
 */
export const REJECTED_STREAM_MAX = 1000;
export const REJECTED_DAYS_KEPT = 8;

export interface RejectedDelivery {
  /** epoch ms */
  at: number;
  status: number;
  /** The fixed error code answered (unauthorized, bad_request, not_found, payload_too_large, …) */
  error: string;
  reason: string;
  tenantId?: string;
  tenantSlug?: string;
  /** Only for a delivery whose signature verified (the call id comes from its parsed body). */
  callId?: string;
  ip: string;
  bytes: number;
  path: string;
}

const BOUNDS = { error: 40, reason: 200, tenantSlug: 80, callId: 128, ip: 64, path: 200 } as const;

export const rejectedKeys = {
  tenant: (prefix: string, tenantId: string) => `${prefix}:rejected:t:${tenantId}`,
  platform: (prefix: string) => `${prefix}:rejected:platform`,
  counts: (prefix: string) => `${prefix}:rejected:counts`,
  day: (prefix: string, at: number) => `${prefix}:rejected:counts:${new Date(at).toISOString().slice(0, 10)}`,
};

function cut(value: string | undefined, max: number): string {
  if (value === undefined) return '';
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** The stream fields of a row, every value bounded. */
export function rejectionFields(r: RejectedDelivery): string[] {
  return [
    'at',
    String(r.at),
    'status',
    String(r.status),
    'error',
    cut(r.error, BOUNDS.error),
    'reason',
    cut(r.reason, BOUNDS.reason),
    'tenantId',
    r.tenantId ?? '',
    'tenantSlug',
    cut(r.tenantSlug, BOUNDS.tenantSlug),
    'callId',
    cut(r.callId, BOUNDS.callId),
    'ip',
    cut(r.ip, BOUNDS.ip),
    'bytes',
    String(Number.isSafeInteger(r.bytes) && r.bytes >= 0 ? r.bytes : 0),
    'path',
    cut(r.path, BOUNDS.path),
  ];
}

/** The counter field of a rejection: bounded by construction (a status and a fixed code). */
export function countField(status: number, error: string): string {
  return `${status} ${/^[a-z_]{1,40}$/.test(error) ? error : 'other'}`;
}

/**
 * Records one rejection in one pipelined round trip. Not awaited by the caller: the promise never
 * rejects (a Redis error is only counted in `onError`).
 */
export function recordRejection(redis: IORedis, prefix: string, r: RejectedDelivery, onError?: (e: Error) => void): Promise<void> {
  const stream = r.tenantId ? rejectedKeys.tenant(prefix, r.tenantId) : rejectedKeys.platform(prefix);
  const field = countField(r.status, r.error);
  const day = rejectedKeys.day(prefix, r.at);
  // Separate commands rather than one pipeline: on a Redis Cluster these keys live on different
  // slots, which a pipeline refuses; the auto-pipelined connection still sends them in one write per node.
  return Promise.all([
    redis.xadd(stream, 'MAXLEN', '~', String(REJECTED_STREAM_MAX), '*', ...rejectionFields(r)),
    redis.hincrby(rejectedKeys.counts(prefix), field, 1),
    redis.hincrby(day, field, 1),
    redis.expire(day, REJECTED_DAYS_KEPT * 24 * 3600),
  ]).then(
    () => undefined,
    (e: Error) => onError?.(e),
  );
}

export interface RejectedRow extends Omit<RejectedDelivery, 'tenantId' | 'tenantSlug' | 'callId'> {
  /** The stream entry id: the cursor for the next page. */
  id: string;
  tenantId: string | null;
  tenantSlug: string | null;
  callId: string | null;
}

function rowOf([id, fields]: [string, string[]]): RejectedRow {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  return {
    id,
    at: Number(f.at),
    status: Number(f.status),
    error: f.error ?? '',
    reason: f.reason ?? '',
    tenantId: f.tenantId || null,
    tenantSlug: f.tenantSlug || null,
    callId: f.callId || null,
    ip: f.ip ?? '',
    bytes: Number(f.bytes ?? 0),
    path: f.path ?? '',
  };
}

/** Newest first, `limit` rows older than the entry id `before` (exclusive), from one stream. */
export async function readRejections(
  redis: IORedis,
  key: string,
  { limit, before }: { limit: number; before?: string },
): Promise<{ rows: RejectedRow[]; next: string | null }> {
  const end = before ? `(${before}` : '+';
  const entries = (await redis.xrevrange(key, end, '-', 'COUNT', limit + 1)) as Array<[string, string[]]>;
  const rows = entries.slice(0, limit).map(rowOf);
  return { rows, next: entries.length > limit ? rows[rows.length - 1].id : null };
}

export interface RejectionCounts {
  /** Since the counters began (Redis's lifetime): `<status> <error>` → count */
  total: Record<string, number>;
  /** The last REJECTED_DAYS_KEPT UTC days, newest first */
  days: Array<{ day: string; counts: Record<string, number> }>;
}

export async function readRejectionCounts(redis: IORedis, prefix: string, now = Date.now()): Promise<RejectionCounts> {
  const dayKeys = Array.from({ length: REJECTED_DAYS_KEPT }, (_, i) => rejectedKeys.day(prefix, now - i * 24 * 3600 * 1000));
  // One read per key (not a pipeline): on a Redis Cluster the keys live on different slots.
  const [total, ...days] = await Promise.all([rejectedKeys.counts(prefix), ...dayKeys].map((k) => redis.hgetall(k)));
  const numbers = (h: Record<string, string>): Record<string, number> => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, Number(v)]));
  return {
    total: numbers(total),
    days: dayKeys.map((k, i) => ({ day: k.slice(k.lastIndexOf(':') + 1), counts: numbers(days[i]) })),
  };
}

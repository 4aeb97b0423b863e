/** How long to wait after a 429 when Retell says nothing, and the bounds of what it may say. */
export const RETRY_AFTER = { defaultMs: 5000, minMs: 1000, maxMs: 10 * 60_000 } as const;

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined | null;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  const v = entry?.[1];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The wait a 429 asks for: `retry-after-ms` (milliseconds), else `Retry-After` (seconds, or an
 * HTTP date), bounded to [1 s, 10 min]; absent or unreadable, 5 s.
 */
export function retryAfterMs(headers: HeaderSource, now: number = Date.now()): number {
  const clamp = (ms: number) => Math.min(RETRY_AFTER.maxMs, Math.max(RETRY_AFTER.minMs, Math.ceil(ms)));
  const ms = header(headers, 'retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return clamp(Number(ms));
  const after = header(headers, 'retry-after')?.trim();
  if (!after) return RETRY_AFTER.defaultMs;
  if (/^\d+(\.\d+)?$/.test(after)) return clamp(Number(after) * 1000);
  const at = Date.parse(after);
  return Number.isNaN(at) || !/[a-z]/i.test(after) ? RETRY_AFTER.defaultMs : clamp(at - now);
}

import Retell from 'retell-sdk';
import { retryAfterMs } from '../retry-after';

/** Retell answered 429 or 5xx (or could not be reached) more times than the run may wait out. */
export class RetellUnavailable extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a Retell failure is worth waiting out: 429, 5xx, no answer (timeout, connection). */
export function isRetellTransient(e: unknown): boolean {
  if (e instanceof Retell.APIConnectionError) return true; // includes APIConnectionTimeoutError
  if (e instanceof Retell.APIError) return e.status === 429 || (typeof e.status === 'number' && e.status >= 500);
  return false;
}

/** How long to wait before try `n` (0-based) after `e`: Retell's Retry-After on a 429, else 1 s doubling to 30 s. */
export function backoffMs(e: unknown, n: number): number {
  if (e instanceof Retell.APIError && e.status === 429) return retryAfterMs(e.headers as Headers | undefined);
  return Math.min(30_000, 1000 * 2 ** n);
}

/**
 * Runs one Retell request, waiting out 429 (its Retry-After) and 5xx or no answer (1 s doubling)
 * up to `retries` more times; then throws RetellUnavailable. Any other error is thrown at once.
 */
export async function withRetellBackoff<T>(what: string, fn: () => Promise<T>, retries: number, wait: (ms: number) => Promise<unknown> = sleep): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await fn();
    } catch (e) {
      if (!isRetellTransient(e)) throw e;
      const status = e instanceof Retell.APIError && e.status ? String(e.status) : 'no answer';
      if (n >= retries) throw new RetellUnavailable(`${what}: Retell answered ${status} ${n + 1} time(s); gave up`);
      await wait(backoffMs(e, n));
    }
  }
}

import { APIConnectionError, APIError } from 'retell-sdk';
import { RetellTargetRefused } from '@retell-ops/dialer';
import { RefusedUpstreamError, UnavailableError } from '@retell-ops/domain';

/** Retell's error bodies are `{ status, message }` (docs/retell.md#rest-api); bounded, as it is echoed to the caller. */
export function retellMessage(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : e.message;
  return String(message).slice(0, 300);
}

/** True when Retell answered that the asset does not exist under the key (422, sometimes 404). */
export const isUnknownAtRetell = (e: unknown): boolean => e instanceof RefusedUpstreamError && /\((404|422)\)/.test(e.message);

/**
 * One request to Retell under a tenant's key, its failures as the API answers them: a refusal
 * (any 4xx: an unknown id is 422 at Retell, a bad key 401) is a 422 carrying Retell's answer; no
 * answer (connection, timeout, 5xx) or a Retell URL this deployment may not call is a 503.
 */
export async function askRetell<T>(what: string, request: () => Promise<T>, code = 'retell_refused'): Promise<T> {
  try {
    return await request();
  } catch (e) {
    if (e instanceof RetellTargetRefused) throw new UnavailableError(`Retell cannot be called for ${what}: the tenant's Retell URL is refused here`);
    if (e instanceof APIConnectionError) throw new UnavailableError(`Retell could not be reached for ${what}; try again later`, { retryAfterSec: 30 });
    if (e instanceof APIError && e.status !== undefined && e.status >= 400 && e.status < 500)
      throw new RefusedUpstreamError(`Retell refused ${what} (${e.status}): ${retellMessage(e)}`, { code });
    if (e instanceof APIError) throw new UnavailableError(`Retell failed ${what} (${e.status ?? 'no status'}); try again later`, { retryAfterSec: 30 });
    throw e;
  }
}

import { Injectable } from '@nestjs/common';
import Retell, { APIConnectionError, APIError } from 'retell-sdk';
import { AppEnv, retellBaseUrlProblem } from '@retell-ops/config';
import { InvalidInputError, RefusedUpstreamError, UnavailableError } from '@retell-ops/domain';

/** Retell's error bodies are `{ status, message }` (docs/retell.md#rest-api); bounded, as it is echoed to the caller. */
function retellMessage(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  const message = typeof body?.message === 'string' ? body.message : e.message;
  return String(message).slice(0, 300);
}

/**
 * Asks Retell whether an API key works before the platform stores it: one cheap authenticated
 * read, get-concurrency (docs/retell.md#get-concurrency), against the tenant's Retell (its
 * `retellBaseUrl`, else RETELL_BASE_URL). A refusal (401, or any other 4xx) is a 422 carrying
 * Retell's answer; no answer (connection, timeout, 5xx) is a 503.
 */
@Injectable()
export class RetellKeyCheck {
  constructor(private readonly env: AppEnv) {}

  async check(apiKey: string, retellBaseUrl?: string | null): Promise<void> {
    const baseURL = retellBaseUrl ?? this.env.RETELL_BASE_URL!;
    const problem = retellBaseUrlProblem(baseURL, this.env.NODE_ENV);
    if (problem) throw new InvalidInputError(problem, { field: 'retellBaseUrl' });
    const client = new Retell({ apiKey, baseURL, maxRetries: 0, timeout: Math.min(this.env.RETELL_TIMEOUT_MS, 10_000) });
    try {
      await client.concurrency.retrieve();
    } catch (e) {
      if (e instanceof APIConnectionError)
        throw new UnavailableError('Retell could not be reached to check the API key; try again later', { retryAfterSec: 30 });
      if (e instanceof APIError && e.status !== undefined && e.status >= 400 && e.status < 500)
        throw new RefusedUpstreamError(`Retell refused the API key (${e.status}): ${retellMessage(e)}`, { code: 'retell_key_refused' });
      if (e instanceof APIError)
        throw new UnavailableError(`Retell failed while checking the API key (${e.status ?? 'no status'}); try again later`, { retryAfterSec: 30 });
      throw e;
    }
  }
}

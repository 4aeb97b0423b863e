import { metrics } from './metrics';
import { retellOperation } from './labels';

type Fetch = typeof fetch;

/**
 * A `fetch` for the Retell SDK that counts every request by operation and status, errors
 * (status >= 400, or 0 when no answer came) and times them. Pass it as the SDK's `fetch` option.
 */
export function countingFetch(inner: Fetch = fetch): Fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
    const operation = retellOperation(method, url);
    const end = metrics.retellSeconds.startTimer({ operation });
    try {
      const res = await inner(input, init);
      const status = String(res.status);
      metrics.retellRequests.inc({ operation, status });
      if (res.status >= 400) metrics.retellErrors.inc({ operation, status });
      return res;
    } catch (e) {
      metrics.retellRequests.inc({ operation, status: '0' });
      metrics.retellErrors.inc({ operation, status: '0' });
      throw e;
    } finally {
      end();
    }
  };
}

/**
 * Which Retell the platform talks to, and which keys are for the simulator only. Pure: used by
 * env validation, the simulator's refusals, and wherever a tenant's stored base URL is used.
 */

/** The platform's fixed development Retell key: the simulator signs with it when RETELL_API_KEY is unset. */
export const DEV_RETELL_API_KEY = 'key_dev_retell_ops_simulator_0001';

/** Retell's production API. */
export const RETELL_PRODUCTION_BASE_URL = 'https://api.retellai.com';

/** The local simulator, as `npm start` runs it. */
export const SIMULATOR_BASE_URL = 'http://127.0.0.1:3900';

/**
 * A development key: the fixed one above, or one that says so in its name (`key_dev_…`,
 * `key_test_…`). Keys Retell issues are `key_` and hex characters, which neither prefix can be
 * ("v" and "t" are not hex), so a real key is never taken for a development one.
 */
export function isDevelopmentRetellKey(key: string): boolean {
  return key === DEV_RETELL_API_KEY || /^key_(dev|test)_[A-Za-z0-9_-]+$/.test(key);
}

/** Where the SDK points when RETELL_BASE_URL is unset: the simulator for a development key, Retell otherwise. */
export function defaultRetellBaseUrl(apiKey: string): string {
  return isDevelopmentRetellKey(apiKey) ? SIMULATOR_BASE_URL : RETELL_PRODUCTION_BASE_URL;
}

/**
 * Why a Retell base URL may not be used, or undefined when it may. Under NODE_ENV=production
 * only https is allowed (an API key must not cross the network in clear). The answer names the
 * URL's origin only, never a path or credentials in it. Call it where a tenant's stored
 * `retellBaseUrl` becomes a client, as env validation does for RETELL_BASE_URL.
 */
export function retellBaseUrlProblem(url: string, nodeEnv: string | undefined): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Retell base URL is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `Retell base URL must be http(s), got ${parsed.protocol}`;
  if (nodeEnv === 'production' && parsed.protocol !== 'https:')
    return `NODE_ENV=production needs an https Retell base URL, got ${parsed.protocol}//${parsed.host}`;
  return undefined;
}

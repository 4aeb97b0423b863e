/**
 * What a caller may put where the gateway looks before any signature verifies, and how much of
 * it a log line keeps.
 */

/**
 * Retell's agent ids are short ASCII tokens (`agent_` + hex; older ones 32 alphanumerics; the
 * simulator's `agent_sim_default`). Anything else is refused before it reaches a cache or
 * PostgreSQL.
 */
const AGENT_ID_SHAPE = /^[A-Za-z0-9_-]+$/;
const MAX_AGENT_ID_LENGTH = 128;

/**
 * Every slug the platform makes: DEFAULT_TENANT_SLUG is lowercase letters, digits and dashes
 * (at most 63); the simulator addresses slugs of letters, digits, `_` and `-` (at most 64).
 */
const TENANT_SLUG_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const MAX_TENANT_SLUG_LENGTH = 64;

// The length is checked first, so a 4 MB value costs no regular-expression scan.
export const isAgentIdShaped = (value: string): boolean => value.length <= MAX_AGENT_ID_LENGTH && AGENT_ID_SHAPE.test(value);
export const isTenantSlugShaped = (value: string): boolean => value.length <= MAX_TENANT_SLUG_LENGTH && TENANT_SLUG_SHAPE.test(value);

const LOG_VALUE_LIMIT = 80;

/**
 * A caller-provided value as a log line may hold it: at most 80 characters (then "…"), control
 * and non-ASCII characters as `?` so a value cannot forge a line or smuggle escapes.
 */
export function forLog(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '') return '-';
  const head = value.length > LOG_VALUE_LIMIT ? value.slice(0, LOG_VALUE_LIMIT) : value;
  return head.replace(/[^\x20-\x7e]/g, '?') + (value.length > LOG_VALUE_LIMIT ? '…' : '');
}

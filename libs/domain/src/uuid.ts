const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a value is a UUID (any case): the platform's own ids are, so anything else cannot name
 * one of its rows, and must not reach a uuid column (PostgreSQL would refuse the query).
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

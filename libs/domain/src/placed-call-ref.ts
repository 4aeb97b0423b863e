import { isUuid } from './uuid';

/** The platform's own call id, which it puts in the metadata of every call it places. */
export const PLACED_CALL_ID_KEY = 'rops_call_id';

/** The platform's call id a call's metadata carries (a call the dialer placed), if it is one. */
export function placedCallIdOf(metadata: unknown): string | undefined {
  const v = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>)[PLACED_CALL_ID_KEY] : undefined;
  return typeof v === 'string' && isUuid(v) ? v : undefined;
}

const MAX_CHARS = 200;

/**
 * The destination of a Retell transfer as one line: the transfer events carry an object
 * (`{ number, extension? }`), the call object a plain string (a number or a `sip:` URI).
 */
export function transferDestinationText(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() ? value.trim().slice(0, MAX_CHARS) : null;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const { number, extension } = value as { number?: unknown; extension?: unknown };
  const to = typeof number === 'string' && number.trim() ? number.trim() : null;
  if (!to) return null;
  const ext = typeof extension === 'string' || typeof extension === 'number' ? String(extension).trim() : '';
  return (ext ? `${to} ext. ${ext}` : to).slice(0, MAX_CHARS);
}

const TRANSFER_EVENTS: ReadonlySet<string> = new Set(['transfer_started', 'transfer_bridged', 'transfer_cancelled', 'transfer_ended']);

/**
 * What tells apart two deliveries of one event type for one call, beside the type: '' for the
 * lifecycle events (one of each per call), the destination for a transfer event (a call can
 * transfer more than once; Retell's own dedupe key for them is event, call and destination).
 * The event's top-level `transfer_destination` first, else the call object's.
 */
export function callEventKey(event: string, body: unknown): string {
  if (!TRANSFER_EVENTS.has(event) || !body || typeof body !== 'object') return '';
  const { transfer_destination: top, call } = body as { transfer_destination?: unknown; call?: { transfer_destination?: unknown } | null };
  return transferDestinationText(top) ?? transferDestinationText(call && typeof call === 'object' ? call.transfer_destination : undefined) ?? '';
}

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

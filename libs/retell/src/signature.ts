import { createHmac, timingSafeEqual } from 'node:crypto';
import { verify } from 'retell-sdk/lib/webhook_auth';

/** Retell's header value: `v=<unix ms>,d=<64 hex HMAC-SHA256(apiKey, body + ms)>` (docs/retell.md#signature). */
const SIGNATURE_FORMAT = /^v=(\d{1,16}),d=([0-9a-f]{64})$/;
/** The SDK's window: a timestamp further than this from now, either way, is refused. */
const FIVE_MINUTES_MS = 5 * 60 * 1000;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'invalid';

/** Shape check only, so obviously broken headers are refused before any key lookup. */
export function signatureHeaderProblem(header: string | string[] | undefined): 'missing' | 'malformed' | undefined {
  if (header === undefined || header === '') return 'missing';
  if (Array.isArray(header) || !SIGNATURE_FORMAT.test(header)) return 'malformed';
  return undefined;
}

/**
 * Checks the signature over the exact body received, with the official SDK (constant-time,
 * ±5 minutes). Always awaited: the SDK's verify returns a Promise, which is truthy.
 */
export async function checkRetellSignature(body: string, apiKey: string, header: string | string[] | undefined): Promise<SignatureCheck> {
  const problem = signatureHeaderProblem(header);
  if (problem) return problem;
  if (!apiKey) return 'invalid';
  return (await verify(body, apiKey, header as string)) ? 'valid' : 'invalid';
}

/**
 * The same check as checkRetellSignature, over the bytes received instead of their decoded
 * text: HMAC-SHA256(apiKey, body bytes + the v digits as the SDK reads them), compared in
 * constant time, v within ±5 minutes of `now`. For UTF-8 bytes this is exactly what the SDK
 * computes (it HMACs the text's UTF-8 encoding, which is these bytes), without decoding,
 * concatenating and copying a large body three times before the signature is known to be
 * good. The spec checks it against the SDK.
 */
export function checkRetellSignatureBytes(body: Buffer, apiKey: string, header: string | string[] | undefined, now = Date.now()): SignatureCheck {
  const problem = signatureHeaderProblem(header);
  if (problem) return problem;
  if (!apiKey) return 'invalid';
  const [, digits, digest] = SIGNATURE_FORMAT.exec(header as string)!;
  const timestamp = Number(digits);
  if (!Number.isSafeInteger(timestamp) || Math.abs(now - timestamp) > FIVE_MINUTES_MS) return 'invalid';
  // The SDK signs and verifies `body + timestamp` with the timestamp as a number, so "v=0017…" means "17…".
  const expected = createHmac('sha256', apiKey).update(body).update(String(timestamp)).digest();
  return timingSafeEqual(expected, Buffer.from(digest, 'hex')) ? 'valid' : 'invalid';
}

import { verify } from 'retell-sdk/lib/webhook_auth';

/** Retell's header value: `v=<unix ms>,d=<64 hex HMAC-SHA256(apiKey, body + ms)>` (RETELL.md §1.4). */
const SIGNATURE_FORMAT = /^v=(\d{1,16}),d=[0-9a-f]{64}$/;

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

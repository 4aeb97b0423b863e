import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a relay (an automation tool that cannot pass Retell's exact bytes) signs what it forwards
 * to `POST /webhooks/relay/<tenant-slug>`:
 *
 *   x-relay-timestamp: <unix seconds>
 *   x-relay-signature: sha256=<64 hex of HMAC-SHA256(relay secret, timestamp + "." + body)>
 *
 * over the exact bytes of the body it sends. A timestamp further than ±5 minutes from now is refused.
 */
export const RELAY_TIMESTAMP_HEADER = 'x-relay-timestamp';
export const RELAY_SIGNATURE_HEADER = 'x-relay-signature';
export const RELAY_WINDOW_SECONDS = 5 * 60;

const TIMESTAMP_FORMAT = /^\d{1,12}$/;
const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/;

export type RelayHeaders = { timestamp: string | string[] | undefined; signature: string | string[] | undefined };

/** Shape check only, so a request that cannot be signed is refused before any lookup or body read. */
export function relayHeaderProblem(h: RelayHeaders): string | undefined {
  if (h.signature === undefined || h.signature === '') return `${RELAY_SIGNATURE_HEADER} header is missing`;
  if (Array.isArray(h.signature) || !SIGNATURE_FORMAT.test(h.signature)) return `${RELAY_SIGNATURE_HEADER} header is malformed (sha256=<64 hex>)`;
  if (h.timestamp === undefined || h.timestamp === '') return `${RELAY_TIMESTAMP_HEADER} header is missing`;
  if (Array.isArray(h.timestamp) || !TIMESTAMP_FORMAT.test(h.timestamp)) return `${RELAY_TIMESTAMP_HEADER} header is malformed (unix seconds)`;
  return undefined;
}

/** The x-relay-signature value for `body` sent at `timestamp` (unix seconds). */
export function signRelay(secret: string, timestamp: number | string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Whether `secret` signed `body` with these headers, inside ±5 minutes of `nowMs`; constant-time. */
export function relaySignedBy(secret: string, body: Buffer, h: RelayHeaders, nowMs = Date.now()): boolean {
  if (!secret || relayHeaderProblem(h)) return false;
  const timestamp = Number(h.timestamp);
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > RELAY_WINDOW_SECONDS) return false;
  const expected = createHmac('sha256', secret)
    .update(`${h.timestamp as string}.`)
    .update(body)
    .digest();
  return timingSafeEqual(expected, Buffer.from(SIGNATURE_FORMAT.exec(h.signature as string)![1], 'hex'));
}

import { isUtf8 } from 'node:buffer';
import { depthExceeds, MAX_JSON_DEPTH } from '../webhooks/webhook-ingest.service';

export type VerifiedBody = { ok: true; value: unknown } | { ok: false; reason: string };

/** A signature-verified body as JSON, with the webhook route's limits (UTF-8, not empty, at most MAX_JSON_DEPTH levels); fixed reasons only. */
export function readVerifiedBody(bytes: Buffer | undefined): VerifiedBody {
  if (!bytes?.length) return { ok: false, reason: 'body is empty' };
  if (!isUtf8(bytes)) return { ok: false, reason: 'body is not valid UTF-8' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (depthExceeds(value, MAX_JSON_DEPTH)) return { ok: false, reason: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
  return { ok: true, value };
}

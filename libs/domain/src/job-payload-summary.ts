/**
 * What an operator is shown of a queued job's payload: its top-level scalar fields, cut short,
 * never a secret and never a body. A webhook body (the `body` of a call event) is replaced by its
 * size; any field whose name says it holds a secret is left out; nested objects are left out.
 */
export type PayloadSummary = Record<string, string | number | boolean | null>;

const SECRET_NAME = /key|secret|token|password|signature|authorization|cookie/i;
const BODY_NAME = /^(body|payload|raw.*)$/i;
const MAX_FIELDS = 12;
const MAX_STRING = 120;

export function summarizeJobPayload(data: unknown): PayloadSummary {
  const out: PayloadSummary = {};
  if (!data || typeof data !== 'object' || Array.isArray(data)) return out;
  let n = 0;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (n >= MAX_FIELDS) break;
    if (SECRET_NAME.test(key)) continue;
    if (BODY_NAME.test(key)) {
      if (typeof value === 'string') out[`${key}Bytes`] = Buffer.byteLength(value, 'utf8');
      n++;
      continue;
    }
    if (value === null || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (typeof value === 'string') out[key] = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    else continue;
    n++;
  }
  return out;
}

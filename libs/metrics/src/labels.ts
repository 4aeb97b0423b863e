/** The Retell webhook events a label may name; anything else is `other` (or `unknown` before the body is read). */
const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  'call_started',
  'call_ended',
  'call_analyzed',
  'transcript_updated',
  'transfer_started',
  'transfer_bridged',
  'transfer_cancelled',
  'transfer_ended',
  'chat_started',
  'chat_ended',
  'chat_analyzed',
  'call_inbound',
]);

export function eventLabel(event: string | undefined): string {
  if (event === undefined) return 'unknown';
  return KNOWN_EVENTS.has(event) ? event : 'other';
}

/**
 * A Retell request as a bounded label: method and path, each segment that is not a plain
 * lowercase word (a call, agent or number id) replaced by `:id`.
 * `GET https://api.retellai.com/v2/get-call/call_8f3…` → `GET /v2/get-call/:id`.
 */
export function retellOperation(method: string | undefined, url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = '/';
  }
  const segments = path
    .split('/')
    .filter(Boolean)
    .slice(0, 4)
    .map((s) => (/^(v\d|[a-z]+(-[a-z]+)*)$/.test(s) ? s : ':id'));
  return `${(method ?? 'GET').toUpperCase().slice(0, 7)} /${segments.join('/')}`;
}

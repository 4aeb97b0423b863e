/**
 * Where a tenant's live events live in Redis: a capped Stream (the history a reconnecting client
 * replays) and a pub/sub channel (the live feed), both under the app's QUEUE_PREFIX.
 */
// The tenant id is hash-tagged: on a Redis Cluster a tenant's stream and its calls' transcripts
// share a slot, so the gateway's one script can write both (docs/scaling.md).
export const liveStreamKey = (prefix: string, tenantId: string): string => `${prefix}:live:{${tenantId}}`;
export const liveChannel = (prefix: string, tenantId: string): string => `${prefix}:live:${tenantId}`;

/** The latest live transcript of one call (a hash: n turns, c characters, v the JSON), written by the gateway. */
export const liveTranscriptKey = (prefix: string, tenantId: string, callId: string): string => `${prefix}:live:{${tenantId}}:transcript:${callId}`;
/** A call's live transcript outlives any call by far, and then goes: the stored transcript takes over. */
export const LIVE_TRANSCRIPT_TTL_MS = 4 * 3_600_000;

/** History kept per tenant: about the last 1,000 events, and none once a tenant was quiet for an hour. */
export const LIVE_HISTORY_MAXLEN = 1000;
export const LIVE_HISTORY_TTL_MS = 3_600_000;

const ID = /^(\d{1,20})-(\d{1,20})$/;

/** A Last-Event-ID this server could have issued (a Redis Stream id). */
export function isLiveEventId(id: string): boolean {
  return ID.test(id);
}

/** Orders two stream ids (`<ms>-<seq>`). */
export function compareLiveEventIds(a: string, b: string): number {
  const [, am, as] = ID.exec(a) ?? ['', '0', '0'];
  const [, bm, bs] = ID.exec(b) ?? ['', '0', '0'];
  const ms = BigInt(am!) - BigInt(bm!);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as!) - BigInt(bs!);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

/** What a PUBLISH carries: the entry id, the type and the data, one per line. */
export function encodeLiveMessage(id: string, type: string, data: string): string {
  return `${id}\n${type}\n${data}`;
}

export function decodeLiveMessage(message: string): { id: string; type: string; data: string } | undefined {
  const a = message.indexOf('\n');
  const b = message.indexOf('\n', a + 1);
  if (a < 0 || b < 0) return undefined;
  return { id: message.slice(0, a), type: message.slice(a + 1, b), data: message.slice(b + 1) };
}

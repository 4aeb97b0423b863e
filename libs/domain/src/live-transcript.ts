/**
 * The spoken turns of a call while it is live, read from a Retell `transcript_updated` call
 * object, and the bounded shapes the platform keeps (Redis) and streams (the dashboard's events).
 */
export const LIVE_SPEAKERS = ['agent', 'user', 'transfer_target'] as const;
export type LiveSpeaker = (typeof LIVE_SPEAKERS)[number];

export interface LiveUtterance {
  role: LiveSpeaker;
  content: string;
}

export interface LiveTranscript {
  /** The last `keptUtterances` turns, each cut at `utteranceChars` */
  utterances: LiveUtterance[];
  /** How many turns the delivery carried in all: what orders two updates of one call */
  count: number;
  /** Characters of every turn's content: orders two updates with the same count */
  chars: number;
}

export const LIVE_TRANSCRIPT_LIMITS = {
  keptUtterances: 200,
  utteranceChars: 2000,
  /** A live event carries at most this many of the last turns… */
  eventUtterances: 50,
  /** …and at most about this many bytes of them. */
  eventBytes: 20_000,
} as const;

const SPEAKERS: ReadonlySet<string> = new Set(LIVE_SPEAKERS);

function turnsOf(call: unknown): unknown[] {
  if (!call || typeof call !== 'object') return [];
  const c = call as Record<string, unknown>;
  // transcript_object holds only the spoken turns; the tool-call variant interleaves tool calls.
  if (Array.isArray(c.transcript_object)) return c.transcript_object;
  if (Array.isArray(c.transcript_with_tool_calls)) return c.transcript_with_tool_calls;
  return [];
}

/** The spoken turns (agent, user, transfer target) of a call object; anything else in the list is skipped. */
export function liveTranscriptOf(call: unknown): LiveTranscript {
  const turns = turnsOf(call);
  const spoken: LiveUtterance[] = [];
  let chars = 0;
  for (const t of turns) {
    if (!t || typeof t !== 'object') continue;
    const { role, content } = t as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !SPEAKERS.has(role) || typeof content !== 'string') continue;
    chars += content.length;
    spoken.push({ role: role as LiveSpeaker, content });
  }
  const kept = spoken
    .slice(-LIVE_TRANSCRIPT_LIMITS.keptUtterances)
    .map((u) =>
      u.content.length > LIVE_TRANSCRIPT_LIMITS.utteranceChars ? { role: u.role, content: u.content.slice(0, LIVE_TRANSCRIPT_LIMITS.utteranceChars) } : u,
    );
  return { utterances: kept, count: spoken.length, chars };
}

/**
 * The last turns of a transcript that fit in one live event. `from` is the index (in the whole
 * transcript of `count` turns) of the first turn sent: a page holding fewer turns than that
 * fetches the whole transcript instead of appending.
 */
export function transcriptTail(t: Pick<LiveTranscript, 'utterances' | 'count'>): { from: number; utterances: LiveUtterance[] } {
  const tail: LiveUtterance[] = [];
  let bytes = 0;
  for (let i = t.utterances.length - 1; i >= 0 && tail.length < LIVE_TRANSCRIPT_LIMITS.eventUtterances; i--) {
    const u = t.utterances[i];
    // UTF-8 takes up to 3 bytes per UTF-16 unit; the role and JSON punctuation about 30.
    bytes += u.content.length * 3 + 30;
    if (bytes > LIVE_TRANSCRIPT_LIMITS.eventBytes && tail.length > 0) break;
    tail.unshift(
      bytes > LIVE_TRANSCRIPT_LIMITS.eventBytes ? { role: u.role, content: u.content.slice(0, Math.floor(LIVE_TRANSCRIPT_LIMITS.eventBytes / 3) - 10) } : u,
    );
  }
  return { from: t.count - tail.length, utterances: tail };
}

/** Whether an update (count, chars) is newer than the one kept: more turns, or as many and longer. */
export function isNewerTranscript(next: { count: number; chars: number }, kept: { count: number; chars: number } | null): boolean {
  if (!kept) return true;
  return next.count > kept.count || (next.count === kept.count && next.chars > kept.chars);
}

/**
 * Reconciliation with Retell (docs/reconciliation.md): which lifecycle events a call Retell
 * reports still lacks here, where the next scheduled run starts, and the operator's dates.
 */

export const RECONCILE_EVENTS = ['call_started', 'call_ended', 'call_analyzed'] as const;
export type ReconcileEvent = (typeof RECONCILE_EVENTS)[number];

/** Retell's call_status values of a call that has ended (docs/retell.md#the-call-object). */
const ENDED = new Set(['ended', 'not_connected', 'error']);

export const isEndedRetellStatus = (status: string | null | undefined): boolean => ENDED.has(status ?? '');

export interface RetellCallState {
  /** Retell's call_status */
  callStatus: string | null | undefined;
  /** whether Retell's call carries call_analysis (post-call analysis is done) */
  analyzed: boolean;
}

/**
 * The events to record for a call Retell reports, given the events already kept for it:
 * call_ended once it has ended, call_analyzed once its analysis is there, and call_started only
 * for a call still under way that nothing here knows yet (an ended call's call_ended carries
 * everything call_started would). A call Retell has only registered needs nothing yet.
 */
export function missingEvents(retell: RetellCallState, kept: ReadonlySet<string>): ReconcileEvent[] {
  if (!isEndedRetellStatus(retell.callStatus)) {
    return retell.callStatus === 'ongoing' && kept.size === 0 ? ['call_started'] : [];
  }
  const out: ReconcileEvent[] = [];
  if (!kept.has('call_ended')) out.push('call_ended');
  if (retell.analyzed && !kept.has('call_analyzed')) out.push('call_analyzed');
  return out;
}

/** Whether a call is final at Retell: ended and analysed. Only an unfinished call holds the watermark back. */
export const isFinalAtRetell = (retell: RetellCallState): boolean => isEndedRetellStatus(retell.callStatus) && retell.analyzed;

export interface WatermarkInput {
  /** the end of the range this run read (start_timestamp, epoch ms) */
  scannedTo: number;
  /** start_timestamp (epoch ms) of each call the run saw that Retell has not finished (ongoing, or ended and not yet analysed) */
  unfinishedStarts: readonly number[];
  /** the watermark before the run */
  previous: number;
  /** an unfinished call older than this many ms before scannedTo no longer holds the watermark (Retell may never analyse it) */
  maxHoldMs: number;
}

/**
 * The watermark after a successful scheduled run: the end of the range read, held back to the
 * start of the earliest call Retell had not finished (so the next run, which reads from the
 * watermark less the overlap, sees it again), never earlier than `scannedTo − maxHoldMs`, and
 * never moving backwards.
 */
export function nextWatermark({ scannedTo, unfinishedStarts, previous, maxHoldMs }: WatermarkInput): number {
  const floor = scannedTo - maxHoldMs;
  const held = unfinishedStarts.filter((t) => t >= floor);
  const next = held.length ? Math.min(scannedTo, ...held) : scannedTo;
  return Math.max(previous, next);
}

/** The range a scheduled run reads: from the watermark less the overlap (or `initialLookbackMs` before now, the first time) to now. */
export function scheduledRange(now: number, watermark: number | undefined, overlapMs: number, initialLookbackMs: number): { from: number; to: number } {
  const from = watermark === undefined ? now - initialLookbackMs : Math.min(now, watermark - overlapMs);
  return { from, to: now };
}

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/**
 * An operator's instant: an ISO 8601 date-time (with its zone, or Z), "now", or "<n> <unit> ago"
 * (seconds, minutes, hours, days, weeks; "1 hour ago", "24 hours ago", "90 min ago", "2d ago").
 * Undefined for anything else, so a typo is refused rather than read as something else.
 */
export function parseOperatorInstant(text: string, now: number): Date | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'now') return new Date(now);
  const ago = /^(\d{1,6})\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)\s+ago$/.exec(t);
  if (ago) {
    const unit = ago[2];
    const key = unit.startsWith('s')
      ? 'second'
      : unit === 'm' || unit.startsWith('min')
        ? 'minute'
        : unit.startsWith('h')
          ? 'hour'
          : unit.startsWith('d')
            ? 'day'
            : 'week';
    return new Date(now - Number(ago[1]) * UNIT_MS[key]);
  }
  // A date-time with a zone: a bare date or a local time would depend on the machine's zone.
  if (!/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(z|[+-]\d{2}:?\d{2})$/.test(t)) return undefined;
  const d = new Date(text.trim());
  return Number.isNaN(d.getTime()) ? undefined : d;
}

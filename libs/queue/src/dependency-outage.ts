/** First pause when a dependency is found down; each later pause that ends on a still-down dependency doubles, to the cap. */
export const DEPENDENCY_RETRY_INITIAL_MS = 1000;

export interface OutageStart {
  /** how long jobs wait before the next try */
  delayMs: number;
  /** set on the first error of an outage: the caller logs it once */
  started: boolean;
}

export interface OutageEnd {
  /** from the first error of the outage to the first job that reached its dependencies again */
  lastedMs: number;
  /** job runs sent back to wait meanwhile */
  waits: number;
}

/**
 * The state of one app's dependency outage, shared by its queues (they share PostgreSQL and Redis):
 * how long to pause, and when an outage starts and ends, so each is logged once and not per job.
 * Jobs that fail together in one pause share its end; the pause doubles only when a job run after
 * it ended fails again.
 */
export class DependencyOutage {
  private since: number | undefined;
  private delayMs = 0;
  private pauseEnds = 0;
  private waits = 0;

  constructor(
    private readonly maxDelayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get ongoing(): boolean {
    return this.since !== undefined;
  }

  /** A job could not reach a dependency: how long its queue pauses. */
  unavailable(): OutageStart {
    const now = this.now();
    this.waits++;
    const started = this.since === undefined;
    if (started) {
      this.since = now;
      this.delayMs = Math.min(DEPENDENCY_RETRY_INITIAL_MS, this.maxDelayMs);
      this.pauseEnds = now + this.delayMs;
    } else if (now >= this.pauseEnds) {
      this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
      this.pauseEnds = now + this.delayMs;
    }
    return { delayMs: Math.max(1, this.pauseEnds - now), started };
  }

  /** A job reached its dependencies (it completed, or failed for a reason of its own): ends an outage. */
  reached(): OutageEnd | undefined {
    if (this.since === undefined) return undefined;
    const end = { lastedMs: this.now() - this.since, waits: this.waits };
    this.since = undefined;
    this.waits = 0;
    this.delayMs = 0;
    this.pauseEnds = 0;
    return end;
  }
}

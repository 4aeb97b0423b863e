import type { CallEventJob } from '@retell-ops/queue';
import { callKey, type RecordedCall, type StartedBatch } from './record-call-event';

export interface BatcherOptions {
  /** deliveries committed together at most */
  maxBatch: number;
  /** transactions open at once */
  maxInFlight: number;
}

interface Waiting {
  job: CallEventJob;
  resolve: (value: RecordedCall) => void;
  reject: (error: Error) => void;
}

/**
 * Application-level group commit for the call worker: the deliveries its BullMQ processors hand
 * in while earlier transactions are running are recorded together, one transaction per batch.
 * A call appears at most once per batch and in one open batch at a time, so each delivery of a
 * call still sees the rows of the one before it. Each caller gets its own delivery's outcome.
 */
export class CallEventBatcher {
  private waiting: Waiting[] = [];
  private readonly busyCalls = new Set<string>();
  private inFlight = 0;
  private flushQueued = false;

  constructor(
    private readonly run: (jobs: CallEventJob[]) => StartedBatch,
    private readonly options: BatcherOptions,
  ) {}

  record(job: CallEventJob): Promise<RecordedCall> {
    return new Promise<RecordedCall>((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      // Deliveries handed in during this turn of the event loop join the same batch.
      if (!this.flushQueued) {
        this.flushQueued = true;
        setImmediate(() => {
          this.flushQueued = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length) {
      const batch: Waiting[] = [];
      const keys = new Set<string>();
      const later: Waiting[] = [];
      for (const w of this.waiting) {
        const key = callKey(w.job);
        if (batch.length < this.options.maxBatch && !keys.has(key) && !this.busyCalls.has(key)) {
          batch.push(w);
          keys.add(key);
        } else later.push(w);
      }
      if (!batch.length) return; // every waiting call is in an open batch; its end flushes again
      this.waiting = later;
      this.inFlight++;
      for (const k of keys) this.busyCalls.add(k);
      let started: StartedBatch;
      try {
        started = this.run(batch.map((w) => w.job));
      } catch (error) {
        started = { outcomes: batch.map(() => Promise.resolve({ ok: false as const, error: error as Error })), attempted: Promise.resolve() };
      }
      // Each caller hears of its own delivery as soon as it is settled; its call is free again then.
      batch.forEach((w, i) => {
        const outcome = started.outcomes[i] ?? Promise.resolve({ ok: false as const, error: new Error('no outcome recorded') });
        void outcome
          .then(
            (o) => (o.ok ? w.resolve(o.value) : w.reject(o.error)),
            (error: Error) => w.reject(error),
          )
          .finally(() => {
            this.busyCalls.delete(callKey(w.job));
            this.flush();
          });
      });
      void started.attempted
        .catch(() => undefined)
        .finally(() => {
          this.inFlight--;
          this.flush();
        });
    }
  }
}

import { LiveUpdates } from '@retell-ops/live-events';

/** How long updates gather before one read and publish per tenant. */
const LIVE_BATCH_MS = 50;

/**
 * Gathers the placer's live updates for a moment and sends them per tenant in one read each, so a
 * burst of placed calls costs two queries per flush instead of two per call.
 */
export class LiveBatch {
  private pending = new Map<string, { requests: Set<string>; calls: Set<string> }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly live: LiveUpdates | undefined,
    private readonly delayMs = LIVE_BATCH_MS,
  ) {}

  add(tenantId: string, requestId: string, callId: string): void {
    if (!this.live) return;
    let p = this.pending.get(tenantId);
    if (!p) this.pending.set(tenantId, (p = { requests: new Set(), calls: new Set() }));
    p.requests.add(requestId);
    p.calls.add(callId);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.pending;
    this.pending = new Map();
    for (const [tenantId, p] of due) await Promise.all([this.live?.dialRequests(tenantId, [...p.requests]), this.live?.calls(tenantId, [...p.calls])]);
  }
}

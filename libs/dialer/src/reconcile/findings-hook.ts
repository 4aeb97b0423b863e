/**
 * What one reconciliation run found, handed to the findings hook when the run ends (succeeded or
 * failed). The metrics of the platform (prom-client, built elsewhere) count these: register one
 * function with `setReconcileFindingsHook` at the worker's start, e.g. to add `eventsAdded` to a
 * `rops_reconcile_events_added_total{tenant,event}` counter. No registry is built here.
 */
export interface ReconcileFindings {
  tenantId: string;
  runId: string;
  trigger: string;
  status: 'succeeded' | 'failed';
  from: Date;
  to: Date;
  pages: number;
  callsSeen: number;
  callsFetched: number;
  eventsAdded: Record<string, number>;
  requestsFreed: number;
  errors: string[];
  durationMs: number;
}

export type ReconcileFindingsHook = (findings: ReconcileFindings) => void;

let hook: ReconcileFindingsHook | undefined;

/** Sets (or, with undefined, clears) the one function every run calls with its findings; a hook that throws is ignored. */
export function setReconcileFindingsHook(fn: ReconcileFindingsHook | undefined): void {
  hook = fn;
}

export function reportReconcileFindings(findings: ReconcileFindings): void {
  try {
    hook?.(findings);
  } catch {
    // a metrics hook never fails a run
  }
}

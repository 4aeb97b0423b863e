import { setReconcileFindingsHook, type ReconcileFindings } from '@retell-ops/dialer';
import { metrics } from '@retell-ops/metrics';

/**
 * Counts what each reconciliation run found in `rops_reconcile_findings_total{kind}`:
 * `missing_<event>` for each lifecycle event recorded from Retell because its webhook never
 * arrived, `stale_dial_request` for each slot freed, `failed_run` for a run that ended failed.
 */
export function countReconcileFindings(f: ReconcileFindings): void {
  for (const [event, n] of Object.entries(f.eventsAdded)) if (n > 0) metrics.reconcileFindings.inc({ kind: `missing_${event}` }, n);
  if (f.requestsFreed > 0) metrics.reconcileFindings.inc({ kind: 'stale_dial_request' }, f.requestsFreed);
  if (f.status === 'failed') metrics.reconcileFindings.inc({ kind: 'failed_run' });
}

setReconcileFindingsHook(countReconcileFindings);

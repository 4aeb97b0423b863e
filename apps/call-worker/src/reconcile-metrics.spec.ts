import { metrics } from '@retell-ops/metrics';
import { countReconcileFindings } from './reconcile-metrics';

const value = async (kind: string) => (await metrics.reconcileFindings.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

describe('reconciliation findings → rops_reconcile_findings_total', () => {
  const run = {
    tenantId: 't',
    runId: 'r',
    trigger: 'schedule',
    from: new Date(0),
    to: new Date(1),
    pages: 1,
    callsSeen: 3,
    callsFetched: 2,
    errors: [],
    durationMs: 5,
  };

  it.each([
    [
      'two lost call_analyzed and one lost call_ended',
      { status: 'succeeded', eventsAdded: { call_started: 0, call_ended: 1, call_analyzed: 2 }, requestsFreed: 0 },
      { missing_call_ended: 1, missing_call_analyzed: 2, missing_call_started: 0, stale_dial_request: 0, failed_run: 0 },
    ],
    ['a freed slot', { status: 'succeeded', eventsAdded: {}, requestsFreed: 1 }, { stale_dial_request: 1, failed_run: 0 }],
    ['a failed run', { status: 'failed', eventsAdded: {}, requestsFreed: 0 }, { failed_run: 1, stale_dial_request: 0 }],
  ] as const)('%s', async (_name, findings, added) => {
    const before = Object.fromEntries(await Promise.all(Object.keys(added).map(async (k) => [k, await value(k)] as const)));
    countReconcileFindings({ ...run, ...findings, eventsAdded: { ...findings.eventsAdded } });
    for (const [kind, n] of Object.entries(added)) expect((await value(kind)) - before[kind]).toBe(n);
  });
});

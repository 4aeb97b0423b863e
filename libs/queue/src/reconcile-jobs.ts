import type { JobsOptions } from 'bullmq';
import { KEEP_COMPLETED, KEEP_FAILED } from './options';

/**
 * One reconciliation run of one tenant (docs/reconciliation.md). With `runId`, the run an
 * operator asked for (its ReconcileRun row holds the range); without, a scheduled run from the
 * tenant's watermark, made by the tenant's job scheduler (`reconcileSchedulerId`).
 */
export const RECONCILE_JOB = 'retell.reconcile.v1';
export interface ReconcileJob {
  tenantId: string;
  runId?: string;
}

/** The id of a tenant's job scheduler: one per tenant, however many workers upsert it. */
export const reconcileSchedulerId = (tenantId: string) => `reconcile.${tenantId}`;

/** An operator's run: one job per run row. */
export const reconcileRunJobId = (runId: string) => `reconcile-run.${runId}`;

/**
 * One attempt: a run that meets Retell's 429/5xx after its own backoff ends failed (recorded on
 * its row, the watermark kept) and the next scheduled run reads the same range again.
 */
export const RECONCILE_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED };

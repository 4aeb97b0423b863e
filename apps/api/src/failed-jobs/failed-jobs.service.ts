import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { InvalidInputError, NotFoundError, summarizeJobPayload, type PayloadSummary } from '@retell-ops/domain';
import { isQueueName, QUEUES, type QueueName } from '@retell-ops/queue';
import type { Principal } from '../auth/principal';
import { JobActions, type ActionRecord } from '../operations/job-actions';
import { QueueInspector, SCAN_LIMIT, type JobSummary } from '../operations/queue-inspector';

export interface FailedJobView {
  queue: QueueName;
  jobId: string;
  /** The job's own error (bounded) */
  reason: string | null;
  attemptsMade: number;
  /** When it was added, and when it failed for good (ISO) */
  createdAt: string;
  failedAt: string | null;
  payload: PayloadSummary;
}

export interface FailedJobsPage {
  /** The tenant's failed jobs per queue (among each queue's newest SCAN_LIMIT failed jobs) */
  queues: Array<{ queue: QueueName; failed: number }>;
  data: FailedJobView[];
  nextCursor: string | null;
}

export type RetryResult = 'retried' | 'already_retried' | 'completed';

export interface RetryAnswer {
  queue: QueueName;
  jobId: string;
  result: RetryResult;
  /** The job's state when asked */
  state: string;
  message: string;
  actionId: string;
}

export interface BulkRetryFilter {
  reason?: string;
  failedAfter?: string;
  failedBefore?: string;
  limit?: number;
}

export interface BulkRetryAnswer {
  bulkId: string;
  queue: QueueName;
  matched: number;
  retried: number;
  /** Jobs that had left the failed set by the time they were retried (retried by someone else meanwhile) */
  skipped: number;
}

const MESSAGES: Record<RetryResult, string> = {
  retried: 'the job is back in its queue with its attempts reset',
  already_retried: 'nothing done: the job is not failed (already retried, waiting or running)',
  completed: 'nothing done: the job has completed',
};

/** A cursor over (failedAt, queue, jobId), newest first. */
function encode(j: FailedJobView): string {
  return Buffer.from(JSON.stringify([j.failedAt ? Date.parse(j.failedAt) : 0, j.queue, j.jobId]), 'utf8').toString('base64url');
}
function decode(raw: string): [number, string, string] {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'number' && typeof v[1] === 'string' && typeof v[2] === 'string')
      return v as [number, string, string];
  } catch {
    // fall through
  }
  throw new InvalidInputError('cursor is not one this API issued', { field: 'cursor' });
}
const newerFirst = (a: { f: number; queue: string; jobId: string }, b: { f: number; queue: string; jobId: string }) =>
  b.f - a.f || (a.queue < b.queue ? 1 : a.queue > b.queue ? -1 : 0) || (a.jobId < b.jobId ? 1 : a.jobId > b.jobId ? -1 : 0);

/**
 * Dead letters: the tenant's failed jobs of every queue (kept 30 days, `KEEP_FAILED`), a retry of
 * one, a bulk retry by queue and filter. A tenant sees and retries only its own jobs (the tenant
 * in the job id, else in the payload); another tenant's job is "not found". Every retry asked for
 * is recorded in JobAction, and a retry of a job that is not failed changes nothing.
 */
@Injectable()
export class FailedJobs {
  constructor(
    private readonly inspector: QueueInspector,
    private readonly actions: JobActions,
  ) {}

  queueName(raw: string): QueueName {
    if (!isQueueName(raw)) throw new NotFoundError(`no queue '${raw.slice(0, 80)}' (queues: ${Object.values(QUEUES).join(', ')})`);
    return raw;
  }

  async list(tenantId: string, q: { queue?: string; limit?: number; cursor?: string }): Promise<FailedJobsPage> {
    const names = q.queue ? [this.queueName(q.queue)] : (Object.values(QUEUES) as QueueName[]);
    const limit = q.limit ?? 50;
    const after = q.cursor ? decode(q.cursor) : undefined;
    const perQueue = await Promise.all(names.map(async (name) => ({ name, jobs: await this.inspector.tenantJobs(name, tenantId, ['failed']) })));
    const all = perQueue
      .flatMap((p) => p.jobs)
      .map((j) => ({ ...j, f: j.finishedOn ?? 0 }))
      .sort(newerFirst)
      .filter((j) => !after || newerFirst({ f: after[0], queue: after[1], jobId: after[2] }, j) > 0);
    const page = all.slice(0, limit);
    const data = await Promise.all(page.map((j) => this.view(j)));
    return {
      queues: perQueue.map((p) => ({ queue: p.name, failed: p.jobs.length })),
      data,
      nextCursor: all.length > limit && data.length ? encode(data[data.length - 1]) : null,
    };
  }

  async retry(p: Principal, queueRaw: string, jobId: string): Promise<RetryAnswer> {
    const queue = this.queueName(queueRaw);
    const job = await this.ownJob(p.tenantId, queue, jobId);
    const state = await job.getState();
    const result = await this.retryJob(job, state);
    const actionId = await this.actions.record(p, { kind: 'retry', queue, jobId, result, stateBefore: state });
    return { queue, jobId, result, state, message: MESSAGES[result], actionId };
  }

  async retryMany(p: Principal, queueRaw: string, filter: BulkRetryFilter): Promise<BulkRetryAnswer> {
    const queue = this.queueName(queueRaw);
    const limit = filter.limit ?? 100;
    const after = filter.failedAfter ? Date.parse(filter.failedAfter) : undefined;
    const before = filter.failedBefore ? Date.parse(filter.failedBefore) : undefined;
    const needle = filter.reason?.toLowerCase();
    const matched = (await this.inspector.tenantJobs(queue, p.tenantId, ['failed']))
      .filter((j) => (after === undefined || (j.finishedOn ?? 0) >= after) && (before === undefined || (j.finishedOn ?? 0) < before))
      .filter((j) => !needle || (j.failedReason ?? '').toLowerCase().includes(needle))
      .slice(0, limit);
    const bulkId = randomUUID();
    const records: ActionRecord[] = [];
    let retried = 0;
    const q = this.inspector.queue(queue);
    for (const j of matched) {
      const job = await q.getJob(j.jobId);
      if (!job) continue;
      const state = await job.getState();
      const result = await this.retryJob(job, state);
      if (result === 'retried') retried++;
      records.push({ kind: 'retry', queue, jobId: j.jobId, result, stateBefore: state, bulkId });
    }
    await this.actions.recordMany(p, records);
    return { bulkId, queue, matched: matched.length, retried, skipped: matched.length - retried };
  }

  /** Moves a failed job back to wait with its attempts reset; anything else is left as it is. */
  private async retryJob(job: Job, state: string): Promise<RetryResult> {
    if (state === 'completed') return 'completed';
    if (state !== 'failed') return 'already_retried';
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return 'retried';
    } catch (e) {
      // Another retry moved it first: fine as long as it is no longer failed.
      const now = await job.getState();
      if (now === 'failed') throw e;
      return now === 'completed' ? 'completed' : 'already_retried';
    }
  }

  /** The job, if it is the tenant's; another tenant's job is not found, like a missing one. */
  private async ownJob(tenantId: string, queue: QueueName, jobId: string): Promise<Job> {
    const job = jobId.length <= 512 ? await this.inspector.queue(queue).getJob(jobId) : undefined;
    if (!job || (await this.inspector.tenantOf(queue, jobId, job.data)) !== tenantId) throw new NotFoundError(`no job '${jobId.slice(0, 200)}' in ${queue}`);
    return job;
  }

  private async view(j: JobSummary): Promise<FailedJobView> {
    const job = await this.inspector.queue(j.queue).getJob(j.jobId);
    return {
      queue: j.queue,
      jobId: j.jobId,
      reason: j.failedReason,
      attemptsMade: j.attemptsMade,
      createdAt: new Date(j.timestamp).toISOString(),
      failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
      payload: summarizeJobPayload(job?.data),
    };
  }
}

export { SCAN_LIMIT };

/** What the operations routes return (apps/api/src/deliveries, failed-jobs, operations); the SPA imports no server code. */

export interface Delivery {
  id: string;
  event: string;
  callId: string;
  callRowId: string | null;
  receivedAt: string;
  processedAt: string | null;
  state: 'processed' | 'failed' | 'waiting' | 'active';
  queue: string;
  jobId: string;
  attempts: number | null;
  lastError: string | null;
  kept: boolean;
}

export interface RejectedDelivery {
  id: string;
  at: number;
  status: number;
  error: string;
  reason: string;
  tenantSlug: string | null;
  callId: string | null;
  ip: string;
  bytes: number;
  path: string;
}

export interface RejectedPage {
  scope: 'tenant' | 'platform';
  data: RejectedDelivery[];
  nextCursor: string | null;
}

export interface FailedJob {
  queue: string;
  jobId: string;
  reason: string | null;
  attemptsMade: number;
  createdAt: string;
  failedAt: string | null;
  payload: Record<string, string | number | boolean | null>;
}

export interface FailedJobsPage {
  queues: Array<{ queue: string; failed: number }>;
  data: FailedJob[];
  nextCursor: string | null;
}

export interface QueueDepth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  tenantFailed: number;
}

export interface JobAction {
  id: string;
  kind: 'retry' | 'replay';
  queue: string;
  jobId: string;
  result: string;
  role: string;
  apiKeyId: string | null;
  userId: string | null;
  createdAt: string;
}

export interface RetryAnswer {
  result: string;
  message: string;
}

export interface BulkRetryAnswer {
  matched: number;
  retried: number;
  skipped: number;
}

export const DELIVERY_EVENTS = ['call_started', 'call_ended', 'call_analyzed'];
export const DELIVERY_STATES = ['processed', 'failed', 'waiting', 'active'];

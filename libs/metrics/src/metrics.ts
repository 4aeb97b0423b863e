import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The one Prometheus registry of a process, and every series the platform exports. Each app
 * serves it at GET /metrics (the gateway and the API on their ports, a worker on METRICS_PORT).
 *
 * Labels are bounded by construction: event names, HTTP statuses, queue names, outcomes, a
 * Retell operation (its path with ids replaced), a tenant id (one series per tenant, not per
 * call). Never put a call id, job id, phone number or free text in a label.
 *
 * Other code increments these directly, e.g. `metrics.reconcileFindings.inc({ kind: 'missing_call' })`.
 */
export const metricsRegistry = new Registry();

collectDefaultMetrics({ register: metricsRegistry, prefix: 'rops_' });

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const JOB_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const metrics = {
  // Gateway
  webhooksReceived: new Counter({
    name: 'rops_webhooks_received_total',
    help: 'Webhook deliveries answered by the gateway, by Retell event and HTTP status',
    labelNames: ['event', 'status'] as const,
    registers: [metricsRegistry],
  }),
  webhookSignatureFailures: new Counter({
    name: 'rops_webhook_signature_failures_total',
    help: 'Deliveries refused 401: x-retell-signature missing or malformed (bad_header) or not matching the body (mismatch)',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  }),
  webhookIngestSeconds: new Histogram({
    name: 'rops_webhook_ingest_seconds',
    help: 'Gateway time per delivery from the route handler to the answer, by HTTP status',
    labelNames: ['status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [metricsRegistry],
  }),
  webhookEnqueueSeconds: new Histogram({
    name: 'rops_webhook_enqueue_seconds',
    help: 'Time until Redis holds the delivery job (result ok) or the add failed (result error)',
    labelNames: ['result'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [metricsRegistry],
  }),

  // Inbound-call webhook (the gateway's answers to call_inbound)
  inboundAnswers: new Counter({
    name: 'rops_inbound_answers_total',
    help: 'Answers to call_inbound by kind (known, unknown, rejected, degraded) and whether a retry got the stored first answer (replayed)',
    labelNames: ['kind', 'replayed'] as const,
    registers: [metricsRegistry],
  }),
  inboundDegraded: new Counter({
    name: 'rops_inbound_degraded_total',
    help: 'call_inbound answered with the default answer because a dependency was slow or failed (timeout, database), or answered without its retry copy kept (redis)',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  }),
  inboundAnswerSeconds: new Histogram({
    name: 'rops_inbound_answer_seconds',
    help: 'Gateway time per call_inbound answer, from the route handler to the answer, by kind',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [metricsRegistry],
  }),

  // Workers (every BullMQ consumer)
  jobDurationSeconds: new Histogram({
    name: 'rops_job_duration_seconds',
    help: 'Job handler run time by queue and outcome (completed, failed, deferred: went back to wait during a dependency outage)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [metricsRegistry],
  }),
  jobFailures: new Counter({
    name: 'rops_job_failures_total',
    help: 'Failed job attempts by queue; final="true" when no attempt is left (the job stays failed)',
    labelNames: ['queue', 'final'] as const,
    registers: [metricsRegistry],
  }),

  // Dialer
  dialPlaceResults: new Counter({
    name: 'rops_dial_place_results_total',
    help: 'Results of placing one try at Retell (placed, linked, skipped, cancelled, requeued, failed)',
    labelNames: ['result'] as const,
    registers: [metricsRegistry],
  }),
  dialOutcomes: new Counter({
    name: 'rops_dial_outcomes_total',
    help: 'Outcomes of placed calls that ended, and what the dial request did next (redial wait, completed, failed, cancelled, …)',
    labelNames: ['outcome', 'next'] as const,
    registers: [metricsRegistry],
  }),
  liveCalls: new Gauge({
    name: 'rops_dialer_live_calls',
    help: 'Dial requests holding a slot (dialing or live) per tenant, as last seen by the dispatcher',
    labelNames: ['tenant'] as const,
    registers: [metricsRegistry],
  }),
  concurrencyLimit: new Gauge({
    name: 'rops_dialer_concurrency_limit',
    help: "Outbound slots per tenant: Retell's concurrency limit less reserved inbound, as last read",
    labelNames: ['tenant'] as const,
    registers: [metricsRegistry],
  }),

  // Retell API (every SDK request of the dialer, reaper and API)
  retellRequests: new Counter({
    name: 'rops_retell_api_requests_total',
    help: 'Requests to the Retell API by operation (method and path, ids replaced) and HTTP status (0: no answer)',
    labelNames: ['operation', 'status'] as const,
    registers: [metricsRegistry],
  }),
  retellErrors: new Counter({
    name: 'rops_retell_api_errors_total',
    help: 'Retell API requests that failed: status >= 400, or 0 for a timeout or network error',
    labelNames: ['operation', 'status'] as const,
    registers: [metricsRegistry],
  }),
  retellSeconds: new Histogram({
    name: 'rops_retell_api_seconds',
    help: 'Retell API request time by operation',
    labelNames: ['operation'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metricsRegistry],
  }),

  // Reconciliation (incremented by the reconciliation job)
  reconcileFindings: new Counter({
    name: 'rops_reconcile_findings_total',
    help: 'What reconciliation with Retell found, by kind (e.g. missing_call, missing_event, stale_dial_request)',
    labelNames: ['kind'] as const,
    registers: [metricsRegistry],
  }),
};

/** Queue figures read on each scrape (the API serves them for every queue of the platform). */
export interface QueueFigures {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** seconds since the oldest waiting job was added (0 when none waits) */
  oldestWaitingSeconds: number;
}

let queueSource: (() => Promise<QueueFigures[]>) | undefined;
let pending: { at: number; figures: Promise<QueueFigures[]> } | undefined;

/** The process that can read the queues registers how (once); the gauges below ask it on each scrape. */
export function setQueueFiguresSource(source: (() => Promise<QueueFigures[]>) | undefined): void {
  queueSource = source;
  pending = undefined;
}

/** One read per scrape for the three gauges (they collect one after the other). */
function queueFigures(): Promise<QueueFigures[]> {
  if (!queueSource) return Promise.resolve([]);
  if (!pending || Date.now() - pending.at > 1000) pending = { at: Date.now(), figures: queueSource().catch(() => []) };
  return pending.figures;
}

function queueGauge(name: string, help: string, labelNames: readonly string[], set: (g: Gauge<string>, f: QueueFigures) => void): Gauge<string> {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    async collect() {
      const figures = await queueFigures();
      this.reset();
      for (const f of figures) set(this, f);
    },
  });
}

queueGauge('rops_queue_jobs', 'Jobs per queue and state (waiting, active, delayed, failed), read on scrape', ['queue', 'state'], (g, f) => {
  g.set({ queue: f.queue, state: 'waiting' }, f.waiting);
  g.set({ queue: f.queue, state: 'active' }, f.active);
  g.set({ queue: f.queue, state: 'delayed' }, f.delayed);
  g.set({ queue: f.queue, state: 'failed' }, f.failed);
});
queueGauge('rops_queue_depth', 'Jobs waiting to be taken, per queue', ['queue'], (g, f) => g.set({ queue: f.queue }, f.waiting));
queueGauge('rops_queue_failed', 'Jobs kept failed (no attempt left), per queue', ['queue'], (g, f) => g.set({ queue: f.queue }, f.failed));
queueGauge('rops_queue_oldest_waiting_seconds', 'Age of the oldest waiting job, per queue (0: none waits)', ['queue'], (g, f) =>
  g.set({ queue: f.queue }, f.oldestWaitingSeconds),
);

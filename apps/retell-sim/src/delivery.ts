import { sign, symmetric } from 'retell-sdk/lib/webhook_auth';
import type { SimDelivery, SimEvent, WebhookEvent } from './payloads';
import { seededRandom, shuffle } from './random';

export interface PlanOptions {
  /** how many times each event is delivered in total; default 1 */
  duplicates?: number;
  /** true: shuffled with a random seed; a number: shuffled with that seed; 'reverse': last event first */
  reorder?: boolean | 'reverse' | number;
}

export interface PlannedDelivery extends SimDelivery {
  /** 1-based copy number of this event (duplicates > 1) */
  copy: number;
}

/** The events Retell sends once a call has ended: what a drop mode drops unless told otherwise. */
export const FINAL_EVENTS: readonly SimEvent[] = ['call_ended', 'call_analyzed'];

export interface DropOptions {
  /** share (0–1) of the chosen events' deliveries never sent */
  rate: number;
  /** which events may be dropped (default the final ones: call_ended, call_analyzed) */
  events?: readonly SimEvent[];
  /** draws in [0, 1) (default Math.random) */
  random?: () => number;
}

/**
 * Splits a plan into what is sent and what is dropped: each delivery of a chosen event is dropped
 * with probability `rate` (every copy of one event shares the draw: Retell either gave up on an
 * event or not). Retell drops nothing on purpose; this plays a receiver that missed deliveries
 * Retell gave up on after its retries (docs/retell.md#delivery).
 */
export function dropDeliveries(plan: readonly PlannedDelivery[], opts: DropOptions): { sent: PlannedDelivery[]; dropped: PlannedDelivery[] } {
  const events = new Set<WebhookEvent>(opts.events ?? FINAL_EVENTS);
  const random = opts.random ?? Math.random;
  const verdict = new Map<string, boolean>();
  const sent: PlannedDelivery[] = [];
  const dropped: PlannedDelivery[] = [];
  for (const d of plan) {
    const key = `${d.body.call.call_id}\u0000${d.event}`;
    if (!verdict.has(key)) verdict.set(key, events.has(d.event) && opts.rate > 0 && random() < opts.rate);
    (verdict.get(key) ? dropped : sent).push(d);
  }
  return { sent, dropped };
}

/**
 * The order Retell's deliveries reach the receiver. Copies of an event sit next to each other
 * (Retell's duplicates arrive within a second). A seeded shuffle is deterministic, and moves
 * at least one event out of its natural place whenever that is possible.
 */
export function planDeliveries(deliveries: readonly SimDelivery[], opts: PlanOptions = {}): PlannedDelivery[] {
  const copies = Math.max(1, Math.floor(opts.duplicates ?? 1));
  const natural = deliveries.flatMap((d) => Array.from({ length: copies }, (_, i) => ({ ...d, copy: i + 1 })));
  const { reorder } = opts;
  if (reorder === undefined || reorder === false) return natural;
  if (reorder === 'reverse') return [...natural].reverse();

  const seed = reorder === true ? Math.floor(Math.random() * 2 ** 32) : reorder;
  const shuffled = shuffle(natural, seededRandom(seed));
  const sameOrder = shuffled.every((d, i) => d.event === natural[i].event);
  return sameOrder ? shuffled.reverse() : shuffled;
}

/** POST target: `{gateway}/webhooks/retell/{slug}`, or `/webhooks/retell` without a tenant. */
export function webhookUrl(gatewayUrl: string, tenantSlug?: string): string {
  const base = `${gatewayUrl.replace(/\/+$/, '')}/webhooks/retell`;
  return tenantSlug ? `${base}/${encodeURIComponent(tenantSlug)}` : base;
}

/** The `x-retell-signature` value for exactly these bytes: `v=<ms>,d=<hex>`. */
export function signBody(body: string, apiKey: string, timestampMs?: number): Promise<string> {
  return timestampMs === undefined ? sign(body, apiKey) : symmetric.sign(body, apiKey, timestampMs);
}

export interface SignedRequest {
  body: string;
  headers: { 'content-type': 'application/json'; 'x-retell-signature': string };
}

/** Serialises once and signs that exact string; the same string must go on the wire. */
export async function signedRequest(delivery: SimDelivery, apiKey: string, timestampMs?: number): Promise<SignedRequest> {
  const body = JSON.stringify(delivery.body);
  return { body, headers: { 'content-type': 'application/json', 'x-retell-signature': await signBody(body, apiKey, timestampMs) } };
}

export interface DeliverOptions {
  gatewayUrl: string;
  tenantSlug?: string;
  /** the whole URL to post to (an agent's own webhook_url), instead of the gateway's webhook route */
  url?: string;
  /** the key the signatures are made with */
  apiKey: string;
  /** pause between deliveries */
  delayMs?: number;
  /** per-request timeout; Retell's default webhook timeout is 10 s */
  timeoutMs?: number;
  /**
   * Retell-style retries: tries again after a non-2xx or no answer within `timeoutMs`, up to this
   * many more times (Retell: 3; docs/retell.md#delivery). Default 0.
   */
  retries?: number;
  /** pause before each retry (default 1000 ms; Retell documents no schedule) */
  retryDelayMs?: number;
}

export interface DeliveryResult {
  event: WebhookEvent;
  callId: string;
  copy: number;
  /** HTTP status, or 0 when no response came (network error, timeout) */
  status: number;
  /** response body as text */
  body: string;
  error?: string;
  durationMs: number;
  /** how many times it was sent (1 + the retries it took) */
  tries: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the plan one request at a time and reports what the gateway answered last. A delivery
 * that gets no 2xx (or no answer within the timeout) is tried again up to `retries` more times,
 * as Retell does; each try is signed afresh (Retell's signature carries the time it was sent).
 */
export async function deliver(plan: readonly PlannedDelivery[], opts: DeliverOptions): Promise<DeliveryResult[]> {
  const url = opts.url ?? webhookUrl(opts.gatewayUrl, opts.tenantSlug);
  const results: DeliveryResult[] = [];
  const retries = Math.max(0, Math.floor(opts.retries ?? 0));
  for (const [index, delivery] of plan.entries()) {
    if (index > 0 && opts.delayMs) await sleep(opts.delayMs);
    const base = { event: delivery.event, callId: delivery.body.call.call_id, copy: delivery.copy };
    const started = performance.now();
    let result: DeliveryResult | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(opts.retryDelayMs ?? 1000);
      const { body, headers } = await signedRequest(delivery, opts.apiKey);
      try {
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
        result = { ...base, status: res.status, body: await res.text(), durationMs: 0, tries: attempt + 1 };
      } catch (err) {
        const error = err instanceof Error ? (err.name === 'TimeoutError' ? 'timeout' : `${err.message}${causeOf(err)}`) : String(err);
        result = { ...base, status: 0, body: '', error, durationMs: 0, tries: attempt + 1 };
      }
      if (isSuccess(result)) break;
    }
    results.push({ ...result!, durationMs: Math.round(performance.now() - started) });
  }
  return results;
}

const causeOf = (err: Error) => (err.cause instanceof Error ? `: ${err.cause.message}` : '');

export const isSuccess = (r: Pick<DeliveryResult, 'status'>) => r.status >= 200 && r.status < 300;

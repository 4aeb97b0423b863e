import { eventLabel, metrics } from '@retell-ops/metrics';
import type { IngestResult } from './ingest-result';

/** Children bound once per (event, status): a delivery costs two increments and one observation, no label hashing. */
const received = new Map<string, { inc: () => void }>();
const ingestSeconds = new Map<number, { observe: (v: number) => void }>();

/** Counts one answered delivery: by event and status, signature failures by kind, and its time in the gateway. */
export function countDelivery(result: Pick<IngestResult, 'status' | 'event' | 'body'>, startedMs?: number): void {
  const event = eventLabel(result.event);
  const key = `${event} ${result.status}`;
  let counter = received.get(key);
  if (!counter) received.set(key, (counter = metrics.webhooksReceived.labels(event, String(result.status))));
  counter.inc();
  if (result.status === 401) metrics.webhookSignatureFailures.inc({ reason: signatureFailure(result.body?.reason) });
  if (startedMs === undefined) return;
  let histogram = ingestSeconds.get(result.status);
  if (!histogram) ingestSeconds.set(result.status, (histogram = metrics.webhookIngestSeconds.labels(String(result.status))));
  histogram.observe((performance.now() - startedMs) / 1000);
}

function signatureFailure(reason: string | undefined): 'bad_header' | 'mismatch' {
  return reason?.startsWith('x-retell-signature header') ? 'bad_header' : 'mismatch';
}

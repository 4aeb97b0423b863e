import type { QueuedCallEvent } from './queues';

/** Job name on the lifecycle queues; the version changes when the payload shape does. */
export const CALL_EVENT_JOB = 'retell.call-event.v1';

/** What the gateway enqueues for one verified delivery. */
export interface CallEventJob {
  tenantId: string;
  event: QueuedCallEvent;
  callId: string;
  /** When the gateway accepted the delivery (epoch ms). */
  receivedAt: number;
  /** The verified request body, byte-for-byte as received (UTF-8). */
  body: string;
  /**
   * Where the event came from, kept as `CallEvent.source`: absent or "webhook" for a delivery
   * Retell sent; "reconcile" for a call read back from Retell (reconciliation, the dial reaper).
   */
  source?: CallEventSource;
}

export type CallEventSource = 'webhook' | 'reconcile';

/**
 * One id per (tenant, call, event, key): BullMQ itself drops a duplicate delivery while the first
 * is still kept, and the database's unique key catches the rest. `key` is callEventKey (libs/domain):
 * '' for the lifecycle events, a transfer's destination for a transfer event, after an '@' that an
 * encoded call id never holds. BullMQ forbids ':' in custom ids.
 */
export function callEventJobId(tenantId: string, callId: string, event: QueuedCallEvent, key = ''): string {
  return `${event}.${tenantId}.${idPart(callId)}${key ? `@${idPart(key)}` : ''}`;
}

const idPart = (s: string) => encodeURIComponent(s).replace(/:/g, '%3A');

/** What the gateway answers Retell for one delivery. */
export interface IngestResult {
  status: 200 | 204 | 400 | 401 | 403 | 404 | 503;
  /** Fixed reasons only: nothing the caller sent is echoed. */
  body?: { error?: string; reason: string; ignored?: boolean };
  /** A request/response webhook's answer (call_inbound), already JSON: sent instead of `body`. */
  answer?: string;
  /** Why, for the log line (the reason, or a bounded detail); absent for the happy path. */
  log?: string;
  callId?: string;
  tenant?: string;
  /** The tenant's id, when it is known (for the rejected-deliveries log). */
  tenantId?: string;
  /** The envelope's event, once the body was read (for the metrics label). */
  event?: string;
}

export const reply = {
  accepted: (callId: string, tenant: string, event?: string): IngestResult => ({ status: 204, callId, tenant, event }),
  ignored: (reason: string, callId?: string, tenant?: string, event?: string): IngestResult => ({
    status: 200,
    body: { ignored: true, reason },
    callId,
    tenant,
    event,
  }),
  reject: (status: 400 | 401 | 403 | 404 | 503, error: string, reason: string, extra: Partial<IngestResult> = {}): IngestResult => ({
    status,
    body: { error, reason },
    log: reason,
    ...extra,
  }),
};

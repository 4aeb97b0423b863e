import { Injectable } from '@nestjs/common';
import { agentIdOf, checkEnvelope, checkRetellSignature, signatureHeaderProblem } from '@retell-ops/retell';
import { isLifecycleEvent } from '@retell-ops/queue-contracts';
import { EventQueues } from '../queues/event-queues';
import { TenantDirectory, TenantLookupUnavailable, type TenantKey } from '../tenants/tenant-directory';
import { reply, type IngestResult } from './ingest-result';
import { IGNORED_RETELL_EVENTS } from './retell-events';

export interface Delivery {
  rawBody: Buffer | undefined;
  signature: string | string[] | undefined;
  /** Present on /webhooks/retell/:tenantSlug */
  tenantSlug?: string;
}

// ignoreBOM: a leading byte-order mark stays in the text, so the signature covers the bytes as received.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Retell's bodies nest a few levels; far deeper is an attack on every recursive reader after us. */
const MAX_JSON_DEPTH = 64;

type Parsed = { ok: true; value: unknown } | { ok: false };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Whether a parsed body nests deeper than `limit`. Recursion stops at the limit, so a hostile
 * depth cannot overflow the stack; no arrays are allocated, since this walks every object of a
 * 20 KB transcript on each delivery.
 */
export function depthExceeds(value: unknown, limit: number, depth = 1): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (depthExceeds(value[i], limit, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (depthExceeds((value as Record<string, unknown>)[key], limit, depth + 1)) return true;
  return false;
}

/**
 * One delivery, in the order that keeps the gateway safe and cheap: header shape, tenant,
 * signature over the exact bytes, then parsing and the envelope, then the queue. Nothing is
 * trusted before the signature verifies.
 */
@Injectable()
export class WebhookIngestService {
  constructor(
    private readonly tenants: TenantDirectory,
    private readonly queues: EventQueues,
  ) {}

  async ingest(delivery: Delivery): Promise<IngestResult> {
    try {
      return await this.ingestChecked(delivery);
    } catch (e) {
      if (e instanceof TenantLookupUnavailable) return reply.reject(503, 'unavailable', `${e.message}; retry later`);
      throw e;
    }
  }

  private async ingestChecked(delivery: Delivery): Promise<IngestResult> {
    const headerProblem = signatureHeaderProblem(delivery.signature);
    if (headerProblem) return reply.reject(401, 'unauthorized', `x-retell-signature header is ${headerProblem}`);

    const bytes = delivery.rawBody ?? Buffer.alloc(0);
    // The SDK verifies strings; bytes that are not UTF-8 are verified as decoded and refused after.
    let text: string;
    let validUtf8 = true;
    try {
      text = utf8.decode(bytes);
    } catch {
      text = bytes.toString('utf8');
      validUtf8 = false;
    }

    let parsed: Parsed | undefined;
    let tenant: TenantKey | null;
    if (delivery.tenantSlug !== undefined) {
      tenant = await this.tenants.bySlug(delivery.tenantSlug);
      if (!tenant) return reply.reject(404, 'not_found', `unknown tenant '${delivery.tenantSlug}'`);
      if (!(await this.signedBy(text, tenant, delivery.signature))) return this.badSignature(tenant);
    } else {
      parsed = validUtf8 ? parseJson(text) : { ok: false };
      const agentId = parsed.ok ? agentIdOf(parsed.value) : undefined;
      tenant = agentId ? await this.tenants.byAgentId(agentId) : null;
      if (tenant) {
        if (!(await this.signedBy(text, tenant, delivery.signature))) return this.badSignature(tenant);
      } else {
        // No registered agent names the tenant: the signature itself can (single-tenant setups).
        tenant = await this.firstSigner(text, delivery.signature);
        if (!tenant) {
          return agentId
            ? reply.reject(404, 'not_found', `no tenant owns agent_id '${agentId}'; register the agent or post to /webhooks/retell/<tenant-slug>`)
            : reply.reject(401, 'unauthorized', 'signature does not verify under any tenant key');
        }
      }
    }

    if (!validUtf8) return reply.reject(400, 'bad_request', 'body is not valid UTF-8', { tenant: tenant.slug });
    parsed ??= parseJson(text);
    if (!parsed.ok) return reply.reject(400, 'bad_request', bytes.length ? 'body is not valid JSON' : 'body is empty', { tenant: tenant.slug });

    if (depthExceeds(parsed.value, MAX_JSON_DEPTH)) return reply.reject(400, 'bad_request', `body nests deeper than ${MAX_JSON_DEPTH} levels`, { tenant: tenant.slug });
    const event = (parsed.value as { event?: unknown } | null)?.event;
    if (typeof event === 'string' && IGNORED_RETELL_EVENTS.has(event)) {
      return reply.ignored(`event '${event}' is not processed by this platform`, undefined, tenant.slug);
    }
    const envelope = checkEnvelope(parsed.value);
    if (!envelope.ok) return reply.reject(400, 'bad_request', `invalid envelope: ${envelope.reason}`, { tenant: tenant.slug, callId: envelope.callId });
    if (!isLifecycleEvent(envelope.event)) {
      return reply.reject(400, 'bad_request', `unknown event '${envelope.event}' (Retell sends call_started, call_ended, call_analyzed, …)`, {
        tenant: tenant.slug,
        callId: envelope.callId,
      });
    }

    try {
      await this.queues.enqueue({ tenantId: tenant.id, event: envelope.event, callId: envelope.callId, receivedAt: Date.now(), body: text });
    } catch (e) {
      return reply.reject(503, 'unavailable', `event not stored, retry later: ${(e as Error).message}`, { tenant: tenant.slug, callId: envelope.callId });
    }
    return reply.accepted(envelope.callId, tenant.slug);
  }

  private async signedBy(text: string, tenant: TenantKey, signature: Delivery['signature']): Promise<boolean> {
    return (await checkRetellSignature(text, tenant.retellApiKey, signature)) === 'valid';
  }

  private async firstSigner(text: string, signature: Delivery['signature']): Promise<TenantKey | null> {
    for (const t of await this.tenants.all()) if (await this.signedBy(text, t, signature)) return t;
    return null;
  }

  private badSignature(tenant: TenantKey): IngestResult {
    return reply.reject(401, 'unauthorized', 'signature does not match the body, or its timestamp is outside ±5 minutes', { tenant: tenant.slug });
  }
}

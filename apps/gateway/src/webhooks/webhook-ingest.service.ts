import { Injectable } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { callEventKey } from '@retell-ops/domain';
import { checkEnvelope, signatureHeaderProblem } from '@retell-ops/retell';
import { isQueuedCallEvent } from '@retell-ops/queue';
import { EventQueues } from '../queues/event-queues';
import { InboundAnswers } from '../inbound/inbound-answers';
import { relayHeaderProblem, relaySignedBy, type RelayHeaders } from '../relay/relay-signature';
import { LiveTranscriptStore } from '../transcripts/live-transcript-store';
import { TenantDirectory, TenantLookupUnavailable, type RelayTenant, type TenantKey } from '../tenants/tenant-directory';
import { signedByTenant } from '../tenants/tenant-signature';
import { agentIdIn } from './agent-id-scan';
import { forLog, isAgentIdShaped, isTenantSlugShaped } from './caller-input';
import { reply, type IngestResult } from './ingest-result';
import { hasNulEscape } from './nul-escape';
import { IGNORED_RETELL_EVENTS } from './retell-events';

export interface RelayDelivery {
  rawBody: Buffer | undefined;
  headers: RelayHeaders;
  tenantSlug: string;
}

type VerifiedTenant = Pick<TenantKey, 'id' | 'slug' | 'active'>;

/** The relay's current secret, then (only during a rotation) its previous one. */
function relaySignedByTenant(body: Buffer, tenant: RelayTenant, headers: RelayHeaders): boolean {
  const now = Date.now();
  if (relaySignedBy(tenant.secret, body, headers, now)) return true;
  return tenant.previousSecret !== undefined && tenant.previousUntil! > now && relaySignedBy(tenant.previousSecret, body, headers, now);
}

export interface Delivery {
  rawBody: Buffer | undefined;
  signature: string | string[] | undefined;
  /** Present on /webhooks/retell/:tenantSlug */
  tenantSlug?: string;
}

type TranscriptBody = { call: Record<string, unknown>; transcript_with_tool_calls?: unknown };

/** The call object, with `transcript_with_tool_calls` taken from the top level when only that carries the turns. */
function turnsSource(body: TranscriptBody): Record<string, unknown> {
  const { call } = body;
  if (Array.isArray(call.transcript_object) || Array.isArray(call.transcript_with_tool_calls) || !Array.isArray(body.transcript_with_tool_calls)) return call;
  return { ...call, transcript_with_tool_calls: body.transcript_with_tool_calls };
}

/** Retell's bodies nest a few levels; far deeper is an attack on every recursive reader after us. */
export const MAX_JSON_DEPTH = 64;

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

/** Fixed answers: nothing the caller sent is echoed back. */
const REASONS = {
  unknownSlug: 'no tenant has this slug',
  unknownAgent: 'no tenant owns this agent_id; register the agent or post to /webhooks/retell/<tenant-slug>',
  malformedAgent: 'agent_id is not a Retell agent id (letters, digits, _ and -, at most 128); post to /webhooks/retell/<tenant-slug>',
  noAgent: 'the body names no agent_id to route by; post to /webhooks/retell/<tenant-slug>',
  badSignature: 'signature does not match the body, or its timestamp is outside ±5 minutes',
  nul: 'body contains a NUL character (\\u0000), which cannot be stored',
  unknownEvent: 'unknown event (Retell sends call_started, call_ended, call_analyzed, …)',
  disconnectedAgent: 'this agent was disconnected from its tenant on the platform: its webhooks are no longer routed',
  inactive: 'this tenant is deactivated on the platform: its webhooks are refused until the platform operator activates it again',
} as const;

type Found = { tenant: TenantKey; reload: () => Promise<TenantKey | null | undefined> } | { rejected: IngestResult };

/**
 * One delivery, in the order that keeps the gateway safe and cheap: header shape, tenant (the
 * slug, or the agent id scanned from the bytes, then one bounded, cached lookup), signature over
 * the exact bytes under that tenant's key (and its previous key during a rotation), then the
 * body's content (parsed once), then the queue. Nothing is trusted, echoed or stored before the
 * signature verifies.
 */
@Injectable()
export class WebhookIngestService {
  constructor(
    private readonly tenants: TenantDirectory,
    private readonly queues: EventQueues,
    private readonly inbound: InboundAnswers,
    private readonly transcripts: LiveTranscriptStore,
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
    const found = delivery.tenantSlug !== undefined ? await this.tenantBySlug(delivery.tenantSlug, bytes) : await this.tenantByAgent(bytes);
    if ('rejected' in found) return found.rejected;
    let tenant = found.tenant;

    // Verified over the bytes as received. Bytes that are not UTF-8 are verified as their decoded
    // text (what a signer of that text signed, as the SDK would check it) and refused after.
    const validUtf8 = isUtf8(bytes);
    const signed = validUtf8 ? bytes : Buffer.from(bytes.toString('utf8'), 'utf8');
    if (!this.signedBy(signed, tenant, delivery.signature)) {
      // The key may have been rotated since the tenant was cached: read it again (throttled).
      const fresh = await found.reload();
      if (!fresh || !this.signedBy(signed, fresh, delivery.signature)) return this.badSignature(tenant);
      tenant = fresh;
    }
    return this.verified(bytes, validUtf8, tenant);
  }

  /**
   * A delivery forwarded by a relay (POST /webhooks/relay/<slug>): the tenant's relay secret
   * signs `timestamp + "." + body` (relay-signature.ts). After verification it is the webhook
   * pipeline itself (same checks, same job id), so Retell's delivery and the relayed copy of it
   * are one event. A relay that is off answers like an unknown slug.
   */
  async ingestRelay(delivery: RelayDelivery): Promise<IngestResult> {
    try {
      return await this.ingestRelayChecked(delivery);
    } catch (e) {
      if (e instanceof TenantLookupUnavailable) return reply.reject(503, 'unavailable', `${e.message}; retry later`);
      throw e;
    }
  }

  private async ingestRelayChecked(delivery: RelayDelivery): Promise<IngestResult> {
    const headerProblem = relayHeaderProblem(delivery.headers);
    if (headerProblem) return reply.reject(401, 'unauthorized', headerProblem);
    const slug = delivery.tenantSlug;
    let tenant = isTenantSlugShaped(slug) ? await this.tenants.relayBySlug(slug) : null;
    if (!tenant) return reply.reject(404, 'not_found', REASONS.unknownSlug, { log: `${REASONS.unknownSlug} or its relay is off (slug ${forLog(slug)})` });
    const bytes = delivery.rawBody ?? Buffer.alloc(0);
    if (!relaySignedByTenant(bytes, tenant, delivery.headers)) {
      // The secret may have been rotated since the tenant was cached: read it again (throttled).
      const fresh = await this.tenants.reloadRelayBySlug(slug);
      if (!fresh || !relaySignedByTenant(bytes, fresh, delivery.headers)) return this.badSignature(tenant);
      tenant = fresh;
    }
    return this.verified(bytes, isUtf8(bytes), tenant);
  }

  /** Everything after a signature verified, the same for Retell's deliveries and a relay's. */
  private async verified(bytes: Buffer, validUtf8: boolean, tenant: VerifiedTenant): Promise<IngestResult> {
    // After the signature, so only Retell (or whoever holds the key) learns the tenant's state.
    if (!tenant.active) return reply.reject(403, 'tenant_inactive', REASONS.inactive, { tenant: tenant.slug, tenantId: tenant.id });
    if (!validUtf8) return reply.reject(400, 'bad_request', 'body is not valid UTF-8', { tenant: tenant.slug, tenantId: tenant.id });

    // Known valid by now, so a plain decode (no second validating pass); it keeps a leading
    // byte-order mark, as it was in the bytes the signature covers.
    const text = bytes.toString('utf8');
    const parsed = parseJson(text);
    if (!parsed.ok)
      return reply.reject(400, 'bad_request', bytes.length ? 'body is not valid JSON' : 'body is empty', { tenant: tenant.slug, tenantId: tenant.id });

    if (depthExceeds(parsed.value, MAX_JSON_DEPTH))
      return reply.reject(400, 'bad_request', `body nests deeper than ${MAX_JSON_DEPTH} levels`, { tenant: tenant.slug, tenantId: tenant.id });
    const event = (parsed.value as { event?: unknown } | null)?.event;
    // A number's inbound webhook pointed here rather than at /webhooks/retell/inbound/<slug>: the
    // same answer, for the tenant the signature verified (docs/live-calls.md#inbound-calls).
    if (event === 'call_inbound' || event === 'chat_inbound') return this.inbound.answer(tenant, parsed.value);
    if (event === 'transcript_updated') return this.liveTranscript(parsed.value, tenant);
    if (typeof event === 'string' && IGNORED_RETELL_EVENTS.has(event)) {
      return reply.ignored(`event '${event}' is not processed by this platform`, undefined, tenant.slug, event);
    }
    const envelope = checkEnvelope(parsed.value);
    if (!envelope.ok)
      return reply.reject(400, 'bad_request', `invalid envelope: ${envelope.reason}`, { tenant: tenant.slug, tenantId: tenant.id, callId: envelope.callId });
    if (!isQueuedCallEvent(envelope.event)) {
      return reply.reject(400, 'bad_request', REASONS.unknownEvent, {
        tenant: tenant.slug,
        callId: envelope.callId,
        event: envelope.event,
        log: `${REASONS.unknownEvent}: ${forLog(envelope.event)}`,
      });
    }
    // PostgreSQL refuses a NUL in jsonb and text: kept, the event could never be recorded.
    if (hasNulEscape(text))
      return reply.reject(400, 'bad_request', REASONS.nul, { tenant: tenant.slug, tenantId: tenant.id, callId: envelope.callId, event: envelope.event });

    try {
      await this.queues.enqueue(
        { tenantId: tenant.id, event: envelope.event, callId: envelope.callId, receivedAt: Date.now(), body: text },
        callEventKey(envelope.event, parsed.value),
      );
    } catch (e) {
      return reply.reject(503, 'unavailable', `event not stored, retry later: ${(e as Error).message}`, {
        tenant: tenant.slug,
        tenantId: tenant.id,
        callId: envelope.callId,
        event: envelope.event,
      });
    }
    return reply.accepted(envelope.callId, tenant.slug, envelope.event);
  }

  /** transcript_updated: many per call, so only the latest is kept (in Redis), never queued. */
  private async liveTranscript(body: unknown, tenant: VerifiedTenant): Promise<IngestResult> {
    const envelope = checkEnvelope(body);
    const meta = { tenant: tenant.slug, tenantId: tenant.id, event: 'transcript_updated' };
    if (!envelope.ok) return reply.reject(400, 'bad_request', `invalid envelope: ${envelope.reason}`, { ...meta, callId: envelope.callId });
    try {
      await this.transcripts.keep(tenant.id, envelope.callId, turnsSource(body as TranscriptBody));
    } catch (e) {
      return reply.reject(503, 'unavailable', `transcript not kept, retry later: ${String((e as Error).message).slice(0, 200)}`, {
        ...meta,
        callId: envelope.callId,
      });
    }
    return reply.accepted(envelope.callId, tenant.slug, 'transcript_updated');
  }

  private async tenantBySlug(slug: string, bytes: Buffer): Promise<Found> {
    const tenant = isTenantSlugShaped(slug) ? await this.tenants.bySlug(slug) : null;
    if (tenant) {
      // An agent the tenant disconnected is not taken in by its slug route either.
      const agentId = agentIdIn(bytes);
      if (typeof agentId === 'string' && isAgentIdShaped(agentId)) {
        const agent = await this.connectedAgent(agentId);
        if (agent === 'disconnected') return { rejected: this.disconnected(agentId) };
      }
      return { tenant, reload: () => this.tenants.reloadBySlug(slug) };
    }
    return { rejected: reply.reject(404, 'not_found', REASONS.unknownSlug, { log: `${REASONS.unknownSlug} (slug ${forLog(slug)})` }) };
  }

  /**
   * The tenant of the agent the bytes name, found by a scan rather than a parse: before the
   * signature verifies, a body costs no decoding, no parse and no copy.
   */
  private async tenantByAgent(bytes: Buffer): Promise<Found> {
    const agentId = agentIdIn(bytes);
    if (agentId === null || (agentId !== undefined && !isAgentIdShaped(agentId))) {
      return {
        rejected: reply.reject(404, 'not_found', REASONS.malformedAgent, {
          log: `${REASONS.malformedAgent} (agent_id ${agentId === null ? 'too long or escaped' : forLog(agentId)})`,
        }),
      };
    }
    const registered = agentId !== undefined ? await this.connectedAgent(agentId) : null;
    if (registered === 'disconnected') return { rejected: this.disconnected(agentId!) };
    if (registered) return { tenant: registered, reload: () => this.tenants.reloadByAgentId(agentId!) };
    // No registered agent names the tenant. With exactly one tenant the signature can: a
    // single-tenant setup needs no registration. Otherwise no key is tried at all.
    const only = await this.tenants.onlyTenant();
    if (only) return { tenant: only, reload: () => this.tenants.reloadOnlyTenant() };
    const reason = agentId !== undefined ? REASONS.unknownAgent : REASONS.noAgent;
    return { rejected: reply.reject(404, 'not_found', reason, { log: `${reason} (agent_id ${forLog(agentId)})` }) };
  }

  /**
   * The tenant of a registered agent, 'disconnected' for one its tenant disconnected, null when no
   * tenant has it. A disconnected entry is read again (throttled) before it refuses, so an agent
   * connected again is routed from the next delivery on rather than after the cache TTL.
   */
  private async connectedAgent(agentId: string): Promise<TenantKey | 'disconnected' | null> {
    const cached = await this.tenants.byAgentId(agentId);
    if (!cached?.agentDisconnected) return cached;
    const fresh = await this.tenants.reloadByAgentId(agentId);
    const now = fresh === undefined ? cached : fresh;
    return now?.agentDisconnected ? 'disconnected' : now;
  }

  private disconnected(agentId: string): IngestResult {
    return reply.reject(404, 'not_found', REASONS.disconnectedAgent, { log: `${REASONS.disconnectedAgent} (agent_id ${forLog(agentId)})` });
  }

  private signedBy(body: Buffer, tenant: TenantKey, signature: Delivery['signature']): boolean {
    return signedByTenant(body, tenant, signature);
  }

  private badSignature(tenant: VerifiedTenant): IngestResult {
    return reply.reject(401, 'unauthorized', REASONS.badSignature, { tenant: tenant.slug, tenantId: tenant.id });
  }
}

import { Injectable } from '@nestjs/common';
import { checkRetellSignatureBytes, signatureHeaderProblem } from '@retell-ops/retell';
import { forLog, isTenantSlugShaped } from '../webhooks/caller-input';
import { reply, type IngestResult } from '../webhooks/ingest-result';
import { previousKeyInForce, TenantDirectory, TenantLookupUnavailable, type TenantKey } from './tenant-directory';

/** The tenant's current key, then (only during a rotation) its previous one: at most two checks. */
export function signedByTenant(body: Buffer, tenant: TenantKey, signature: string | string[] | undefined, now = Date.now()): boolean {
  if (checkRetellSignatureBytes(body, tenant.retellApiKey, signature, now) === 'valid') return true;
  const previous = previousKeyInForce(tenant, now);
  return previous !== undefined && checkRetellSignatureBytes(body, previous, signature, now) === 'valid';
}

export type SignedTenant = { tenant: TenantKey } | { rejected: IngestResult };

/**
 * For the request/response routes Retell calls during a call (tools, inbound): the tenant named by
 * the slug, once `x-retell-signature` verifies over the exact bytes under its key (read again,
 * throttled, when the cached key does not verify: it may have been rotated) and it is active.
 * Nothing the caller sent is trusted or echoed before that.
 */
@Injectable()
export class TenantSignature {
  constructor(private readonly tenants: TenantDirectory) {}

  async verifyBySlug(slug: string, bytes: Buffer, signature: string | string[] | undefined): Promise<SignedTenant> {
    const headerProblem = signatureHeaderProblem(signature);
    if (headerProblem) return { rejected: reply.reject(401, 'unauthorized', `x-retell-signature header is ${headerProblem}`) };
    try {
      let tenant = isTenantSlugShaped(slug) ? await this.tenants.bySlug(slug) : null;
      if (!tenant) return { rejected: reply.reject(404, 'not_found', 'no tenant has this slug', { log: `no tenant has this slug (slug ${forLog(slug)})` }) };
      if (!signedByTenant(bytes, tenant, signature)) {
        const fresh = await this.tenants.reloadBySlug(slug);
        if (!fresh || !signedByTenant(bytes, fresh, signature)) {
          return {
            rejected: reply.reject(401, 'unauthorized', 'signature does not match the body, or its timestamp is outside ±5 minutes', {
              tenant: tenant.slug,
              tenantId: tenant.id,
            }),
          };
        }
        tenant = fresh;
      }
      if (!tenant.active) {
        return {
          rejected: reply.reject(403, 'tenant_inactive', 'this tenant is deactivated on the platform', { tenant: tenant.slug, tenantId: tenant.id }),
        };
      }
      return { tenant };
    } catch (e) {
      if (e instanceof TenantLookupUnavailable) return { rejected: reply.reject(503, 'unavailable', `${e.message}; retry later`) };
      throw e;
    }
  }
}

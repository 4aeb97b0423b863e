import { Injectable, Logger } from '@nestjs/common';
import { AppEnv } from '@retell-ops/config';
import { RetellClients } from './retell-clients';

/** Retell's pay-as-you-go default (docs/retell.md#concurrency), used until get-concurrency has answered once. */
const FALLBACK_LIMIT = 20;

/** How many outbound calls a tenant may have live: Retell's limit less what is reserved for inbound. */
@Injectable()
export class TenantConcurrency {
  private readonly logger = new Logger('TenantConcurrency');
  private readonly cache = new Map<string, { limit: number; expires: number }>();

  constructor(
    private readonly clients: RetellClients,
    private readonly env: AppEnv,
  ) {}

  async limit(tenantId: string): Promise<number> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.expires > Date.now()) return hit.limit;
    try {
      const c = await (await this.clients.forTenant(tenantId)).concurrency.retrieve();
      const limit = Math.max(0, (c.concurrency_limit ?? FALLBACK_LIMIT) - (c.reserved_inbound_concurrency ?? 0));
      this.cache.set(tenantId, { limit, expires: Date.now() + this.env.CONCURRENCY_CACHE_MS });
      return limit;
    } catch (e) {
      const fallback = hit?.limit ?? FALLBACK_LIMIT;
      this.logger.warn(`get-concurrency failed for tenant ${tenantId} (${(e as Error).message}); using ${fallback}`);
      return fallback;
    }
  }
}

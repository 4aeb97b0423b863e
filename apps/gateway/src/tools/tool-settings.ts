import { Injectable, Logger } from '@nestjs/common';
import { PgPool } from '@retell-ops/db/pg-pool';
import { firstLine, TenantCache } from '../tenants/tenant-cache';
import { TENANT_CACHE_LIMITS } from '../tenants/tenant-directory';

export interface TenantToolSettings {
  disabledTools: string[];
}

/**
 * Which tools a tenant turned off, cached like the tenant itself (a change is seen within 30 s),
 * in a cache of its own so the webhook routes' lookups are untouched by it.
 */
@Injectable()
export class ToolSettings {
  private readonly logger = new Logger(ToolSettings.name);
  private readonly cache: TenantCache<TenantToolSettings>;

  constructor(private readonly pool: PgPool) {
    this.cache = new TenantCache(
      (tenantId) => this.load(tenantId),
      (e) => this.logger.warn(`tool settings lookup failed, serving the cached entry: ${firstLine(e)}`),
      TENANT_CACHE_LIMITS,
    );
  }

  async isDisabled(tenantId: string, tool: string): Promise<boolean> {
    const settings = await this.cache.get(tenantId);
    return settings?.disabledTools.includes(tool) ?? false;
  }

  private async load(tenantId: string): Promise<TenantToolSettings | null> {
    const { rows } = await this.pool.query<TenantToolSettings>(`SELECT "disabledTools" FROM "Tenant" WHERE "id" = $1`, [tenantId]);
    return rows[0] ? { disabledTools: rows[0].disabledTools ?? [] } : null;
  }
}

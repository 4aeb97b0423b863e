import { Injectable, Logger } from '@nestjs/common';
import { PgPool } from '@retell-ops/db/pg-pool';
import { firstLine, TenantCache } from '../tenants/tenant-cache';
import { TENANT_CACHE_LIMITS } from '../tenants/tenant-directory';

export interface TenantToolSettings {
  disabledTools: string[];
  /** the tenant's zone (null: the platform default), read with the same row so a tool call needs no query for it */
  timeZone: string | null;
}

/**
 * Which tools a tenant turned off, and its time zone, cached like the tenant itself (a change is seen within 30 s),
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

  of(tenantId: string): Promise<TenantToolSettings | null> {
    return this.cache.get(tenantId);
  }

  private async load(tenantId: string): Promise<TenantToolSettings | null> {
    const { rows } = await this.pool.query<TenantToolSettings>(`SELECT "disabledTools", "timeZone" FROM "Tenant" WHERE "id" = $1`, [tenantId]);
    return rows[0] ? { disabledTools: rows[0].disabledTools ?? [], timeZone: rows[0].timeZone ?? null } : null;
  }
}

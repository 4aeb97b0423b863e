import { Injectable, Logger } from '@nestjs/common';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { PgPool } from '@retell-ops/db/pg-pool';

export interface TenantKey {
  id: string;
  slug: string;
  retellApiKey: string;
}

interface SealedTenant {
  id: string;
  slug: string;
  retellApiKeyEnc: string;
}

interface Entry<T> {
  value: T;
  expires: number;
}

const HIT_TTL_MS = 30_000;
const MISS_TTL_MS = 5_000;
/** Thrown when a tenant is not cached and PostgreSQL cannot be asked: the delivery gets 503. */
export class TenantLookupUnavailable extends Error {}

/** Above this many tenants, an unroutable delivery is not tried against every key. */
const MAX_KEYS_TO_TRY = 50;

/**
 * Tenant lookups for the webhook hot path, cached so a delivery costs no database round trip.
 * Plain SQL on a small pool: the gateway does not load Prisma at all (memory, start time).
 * Misses are cached briefly too, so a flood for an unknown agent does not reach PostgreSQL.
 */
@Injectable()
export class TenantDirectory {
  private readonly logger = new Logger(TenantDirectory.name);
  private readonly box: SecretBox;
  private readonly bySlugCache = new Map<string, Entry<TenantKey | null>>();
  private readonly byAgentCache = new Map<string, Entry<TenantKey | null>>();
  private allCache: Entry<TenantKey[]> | undefined;

  constructor(
    private readonly pool: PgPool,
    env: AppEnv,
  ) {
    this.box = new SecretBox(env.ENCRYPTION_KEY);
  }

  bySlug(slug: string): Promise<TenantKey | null> {
    return this.cached(this.bySlugCache, slug, async () => {
      const { rows } = await this.pool.query<SealedTenant>(`SELECT "id", "slug", "retellApiKeyEnc" FROM "Tenant" WHERE "slug" = $1`, [slug]);
      return rows[0] ? this.unseal(rows[0]) : null;
    });
  }

  byAgentId(agentId: string): Promise<TenantKey | null> {
    return this.cached(this.byAgentCache, agentId, async () => {
      const { rows } = await this.pool.query<SealedTenant>(
        `SELECT t."id", t."slug", t."retellApiKeyEnc" FROM "Agent" a JOIN "Tenant" t ON t."id" = a."tenantId" WHERE a."retellAgentId" = $1`,
        [agentId],
      );
      return rows[0] ? this.unseal(rows[0]) : null;
    });
  }

  /** Every tenant's key, for deliveries that name no routable agent (empty when there are too many). */
  async all(): Promise<TenantKey[]> {
    if (this.allCache && this.allCache.expires > Date.now()) return this.allCache.value;
    let rows: SealedTenant[];
    try {
      rows = (await this.pool.query<SealedTenant>(`SELECT "id", "slug", "retellApiKeyEnc" FROM "Tenant" ORDER BY "createdAt" LIMIT $1`, [MAX_KEYS_TO_TRY + 1])).rows;
    } catch (e) {
      return this.stale(this.allCache, e);
    }
    const value = rows.length > MAX_KEYS_TO_TRY ? [] : rows.map((r) => this.unseal(r)).filter((t): t is TenantKey => t !== null);
    this.allCache = { value, expires: Date.now() + HIT_TTL_MS };
    return value;
  }

  private async cached(cache: Map<string, Entry<TenantKey | null>>, key: string, load: () => Promise<TenantKey | null>): Promise<TenantKey | null> {
    const hit = cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.value;
    let value: TenantKey | null;
    try {
      value = await load();
    } catch (e) {
      return this.stale(hit, e);
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { value, expires: Date.now() + (value ? HIT_TTL_MS : MISS_TTL_MS) });
    return value;
  }

  /**
   * PostgreSQL is unreachable: a tenant known a moment ago is still that tenant (webhooks keep
   * flowing into Redis); one never seen cannot be checked, so the caller answers 503.
   */
  private stale<T>(entry: Entry<T> | undefined, error: unknown): T {
    if (entry) {
      this.logger.warn(`tenant lookup failed, serving the cached entry: ${(error as Error).message.split('\n')[0]}`);
      return entry.value;
    }
    throw new TenantLookupUnavailable(`tenant lookup failed: ${(error as Error).message.split('\n')[0]}`);
  }

  private unseal(t: SealedTenant): TenantKey | null {
    try {
      return { id: t.id, slug: t.slug, retellApiKey: this.box.decrypt(t.retellApiKeyEnc) };
    } catch {
      this.logger.error(`tenant ${t.slug}: stored Retell key cannot be decrypted with ENCRYPTION_KEY`);
      return null;
    }
  }
}

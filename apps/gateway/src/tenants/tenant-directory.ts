import { Injectable, Logger } from '@nestjs/common';
import { AppEnv, SecretBox } from '@retell-ops/config';
import { PgPool } from '@retell-ops/db/pg-pool';
import { firstLine, TenantCache, type TenantCacheLimits } from './tenant-cache';

export { TenantLookupUnavailable } from './tenant-cache';

export interface TenantKey {
  id: string;
  slug: string;
  retellApiKey: string;
  /** The key before the last rotation: webhooks signed with it verify until `previousKeyUntil`. */
  previousRetellApiKey?: string;
  /** epoch ms */
  previousKeyUntil?: number;
  /** false once the platform operator deactivates the tenant: its webhooks are refused (403). */
  active: boolean;
  /** Agent lookups only: the agent was disconnected from this tenant (its webhooks are refused, 404). */
  agentDisconnected?: true;
}

interface SealedTenant {
  id: string;
  slug: string;
  retellApiKeyEnc: string;
  retellApiKeyPrevEnc: string | null;
  retellApiKeyPrevUntil: Date | null;
  active: boolean;
  agentDisconnected?: boolean;
}

const COLUMNS = `t."id", t."slug", t."retellApiKeyEnc", t."retellApiKeyPrevEnc", t."retellApiKeyPrevUntil", t."active"`;

/** A tenant as POST /webhooks/relay/<slug> sees it: present only while its relay is on. */
export interface RelayTenant {
  id: string;
  slug: string;
  active: boolean;
  secret: string;
  /** The secret before the last rotation, while it still verifies (until `previousUntil`, epoch ms). */
  previousSecret?: string;
  previousUntil?: number;
}

interface SealedRelay {
  id: string;
  slug: string;
  active: boolean;
  relaySecretEnc: string;
  relaySecretPrevEnc: string | null;
  relaySecretPrevUntil: Date | null;
}

const RELAY_SQL = `SELECT t."id", t."slug", t."active", t."relaySecretEnc", t."relaySecretPrevEnc", t."relaySecretPrevUntil" FROM "Tenant" t WHERE t."slug" = $1 AND t."relaySecretEnc" IS NOT NULL`;

/**
 * A change to a tenant (deactivated, a Retell key rotated, an agent disconnected) is seen within
 * foundTtlMs (30 s); an agent connected again is seen at the next delivery (a disconnected entry
 * is reloaded before it refuses, at most every 5 s per agent). A
 * signature that fails under the cached keys reloads the tenant at once (at most every 5 s per
 * slug or agent), so a webhook signed with a key rotated in a moment ago is not refused.
 */
export const TENANT_CACHE_LIMITS: TenantCacheLimits = { max: 10_000, foundTtlMs: 30_000, missingTtlMs: 5_000, reloadMinMs: 5_000 };
const LIMITS = TENANT_CACHE_LIMITS;
const SOLE_KEY = 'sole';

/** The previous key of `tenant`, while it still verifies at `now`. */
export function previousKeyInForce(tenant: TenantKey, now: number): string | undefined {
  return tenant.previousRetellApiKey !== undefined && tenant.previousKeyUntil! > now ? tenant.previousRetellApiKey : undefined;
}

/**
 * Tenant lookups for the webhook hot path, cached so a delivery costs no database round trip.
 * Plain SQL on a small pool: the gateway does not load Prisma at all (memory, start time).
 * Every cache is bounded, misses included, so a flood of unknown agents or slugs costs one
 * indexed query per distinct key and a bounded amount of memory.
 */
@Injectable()
export class TenantDirectory {
  private readonly logger = new Logger(TenantDirectory.name);
  private readonly box: SecretBox;
  private readonly slugs: TenantCache<TenantKey>;
  private readonly agents: TenantCache<TenantKey>;
  private readonly sole: TenantCache<TenantKey>;
  /** Relay lookups: a cache of their own, so /webhooks/retell's lookups are untouched by them. */
  private readonly relays: TenantCache<RelayTenant>;

  constructor(
    private readonly pool: PgPool,
    env: AppEnv,
  ) {
    this.box = new SecretBox(env.ENCRYPTION_KEY);
    const stale = (e: Error) => this.logger.warn(`tenant lookup failed, serving the cached entry: ${firstLine(e)}`);
    this.slugs = new TenantCache((slug) => this.one(`SELECT ${COLUMNS} FROM "Tenant" t WHERE t."slug" = $1`, [slug]), stale, LIMITS);
    this.agents = new TenantCache(
      (agentId) =>
        this.one(
          `SELECT ${COLUMNS}, a."disconnectedAt" IS NOT NULL AS "agentDisconnected" FROM "Agent" a JOIN "Tenant" t ON t."id" = a."tenantId" WHERE a."retellAgentId" = $1`,
          [agentId],
        ),
      stale,
      LIMITS,
    );
    this.sole = new TenantCache(() => this.soleTenant(), stale, { ...LIMITS, max: 1 });
    this.relays = new TenantCache((slug) => this.relay(slug), stale, LIMITS);
  }

  /** The tenant with this slug; the caller checks the slug's shape first. */
  bySlug(slug: string): Promise<TenantKey | null> {
    return this.slugs.get(slug);
  }

  /** The tenant that registered this Retell agent; the caller checks the id's shape first. */
  byAgentId(agentId: string): Promise<TenantKey | null> {
    return this.agents.get(agentId);
  }

  /** The only tenant, when exactly one exists (a single-tenant setup needs no agent registration). */
  onlyTenant(): Promise<TenantKey | null> {
    return this.sole.get(SOLE_KEY);
  }

  /** The same lookups read again past the cache (throttled, see TenantCache.reload): undefined when not reloaded. */
  reloadBySlug(slug: string): Promise<TenantKey | null | undefined> {
    return this.slugs.reload(slug);
  }

  reloadByAgentId(agentId: string): Promise<TenantKey | null | undefined> {
    return this.agents.reload(agentId);
  }

  reloadOnlyTenant(): Promise<TenantKey | null | undefined> {
    return this.sole.reload(SOLE_KEY);
  }

  /** The tenant with this slug while its relay is on (null: no such tenant, or relay off). */
  relayBySlug(slug: string): Promise<RelayTenant | null> {
    return this.relays.get(slug);
  }

  reloadRelayBySlug(slug: string): Promise<RelayTenant | null | undefined> {
    return this.relays.reload(slug);
  }

  /** Entries held by the slug and agent caches, for tests that no lookup happened. */
  cacheSizes(): { slugs: { found: number; missing: number }; agents: { found: number; missing: number } } {
    return { slugs: this.slugs.size, agents: this.agents.size };
  }

  private async soleTenant(): Promise<TenantKey | null> {
    const { rows } = await this.pool.query<SealedTenant>(`SELECT ${COLUMNS} FROM "Tenant" t LIMIT 2`);
    return rows.length === 1 ? this.unseal(rows[0]) : null;
  }

  private async one(sql: string, params: string[]): Promise<TenantKey | null> {
    const { rows } = await this.pool.query<SealedTenant>(sql, params);
    return rows[0] ? this.unseal(rows[0]) : null;
  }

  private async relay(slug: string): Promise<RelayTenant | null> {
    const { rows } = await this.pool.query<SealedRelay>(RELAY_SQL, [slug]);
    const t = rows[0];
    if (!t) return null;
    let secret: string;
    try {
      secret = this.box.decrypt(t.relaySecretEnc);
    } catch {
      this.logger.error(`tenant ${t.slug}: stored relay secret cannot be decrypted with ENCRYPTION_KEY`);
      return null;
    }
    const relay: RelayTenant = { id: t.id, slug: t.slug, active: t.active, secret };
    const until = t.relaySecretPrevUntil?.getTime();
    if (t.relaySecretPrevEnc && until !== undefined && until > Date.now()) {
      try {
        relay.previousSecret = this.box.decrypt(t.relaySecretPrevEnc);
        relay.previousUntil = until;
      } catch {
        this.logger.error(`tenant ${t.slug}: previous relay secret cannot be decrypted with ENCRYPTION_KEY; only the current one verifies`);
      }
    }
    return relay;
  }

  private unseal(t: SealedTenant): TenantKey | null {
    let retellApiKey: string;
    try {
      retellApiKey = this.box.decrypt(t.retellApiKeyEnc);
    } catch {
      this.logger.error(`tenant ${t.slug}: stored Retell key cannot be decrypted with ENCRYPTION_KEY`);
      return null;
    }
    const tenant: TenantKey = { id: t.id, slug: t.slug, retellApiKey, active: t.active };
    if (t.agentDisconnected) tenant.agentDisconnected = true;
    const until = t.retellApiKeyPrevUntil?.getTime();
    if (t.retellApiKeyPrevEnc && until !== undefined && until > Date.now()) {
      try {
        tenant.previousRetellApiKey = this.box.decrypt(t.retellApiKeyPrevEnc);
        tenant.previousKeyUntil = until;
      } catch {
        this.logger.error(`tenant ${t.slug}: previous Retell key cannot be decrypted with ENCRYPTION_KEY; only the current key verifies`);
      }
    }
    return tenant;
  }
}

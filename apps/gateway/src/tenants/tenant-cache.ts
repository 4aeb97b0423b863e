import { LRUCache } from 'lru-cache';

/** Thrown when a tenant is not cached and PostgreSQL cannot be asked: the delivery gets 503. */
export class TenantLookupUnavailable extends Error {}

export interface TenantCacheLimits {
  /** entries of each kind (found, not found) */
  max: number;
  foundTtlMs: number;
  missingTtlMs: number;
  /** a key is reloaded past its cache at most this often (see `reload`) */
  reloadMinMs?: number;
}

/**
 * One kind of tenant lookup, cached in two bounded LRUs: what was found, and what was not.
 * Kept apart so a flood of made-up keys only ever evicts other made-up keys, never a real
 * tenant. An expired found entry stays (until evicted) so that while PostgreSQL is down a
 * tenant known a moment ago is still that tenant (webhooks keep flowing into Redis); a key
 * never found cannot be checked, so the caller answers 503.
 */
export class TenantCache<V extends NonNullable<unknown>> {
  private readonly found: LRUCache<string, V>;
  private readonly missing: LRUCache<string, true>;
  private readonly reloaded: LRUCache<string, true>;
  private readonly reloading = new Map<string, Promise<V | null | undefined>>();

  constructor(
    private readonly load: (key: string) => Promise<V | null>,
    private readonly onStale: (error: Error) => void,
    limits: TenantCacheLimits,
  ) {
    this.found = new LRUCache<string, V>({ max: limits.max, ttl: limits.foundTtlMs, noDeleteOnStaleGet: true });
    this.missing = new LRUCache<string, true>({ max: limits.max, ttl: limits.missingTtlMs });
    this.reloaded = new LRUCache<string, true>({ max: limits.max, ttl: limits.reloadMinMs ?? 5_000 });
  }

  /**
   * The key read again from the source, past a fresh entry, when the cached value was found
   * wanting (a signature that fails with a key rotated since). At most once per `reloadMinMs` per
   * key, so bad requests cannot turn the cache off: inside that time a caller shares the reload
   * in flight, or gets the entry the last one stored. Undefined when the source is down.
   */
  async reload(key: string): Promise<V | null | undefined> {
    const inFlight = this.reloading.get(key);
    if (inFlight) return inFlight;
    if (this.reloaded.get(key)) return this.missing.get(key) ? null : this.found.get(key, { allowStale: true });
    this.reloaded.set(key, true);
    const loading = this.load(key).then(
      (value) => (this.remember(key, value), value),
      (e: Error) => (this.onStale(e), undefined),
    );
    this.reloading.set(key, loading);
    try {
      return await loading;
    } finally {
      this.reloading.delete(key);
    }
  }

  async get(key: string): Promise<V | null> {
    if (this.missing.get(key)) return null;
    const fresh = this.found.get(key);
    if (fresh !== undefined) return fresh;
    let value: V | null;
    try {
      value = await this.load(key);
    } catch (e) {
      const error = e as Error;
      const stale = this.found.get(key, { allowStale: true });
      if (stale === undefined) throw new TenantLookupUnavailable(`tenant lookup failed: ${firstLine(error)}`);
      this.onStale(error);
      return stale;
    }
    this.remember(key, value);
    return value;
  }

  private remember(key: string, value: V | null): void {
    if (value === null) {
      this.found.delete(key);
      this.missing.set(key, true);
    } else {
      this.missing.delete(key);
      this.found.set(key, value);
    }
  }

  /** What is held for the key, fresh or expired, without asking the source (undefined: nothing, or known missing). */
  peek(key: string): V | undefined {
    return this.found.get(key, { allowStale: true });
  }

  /** Entries held (found, not found), for tests of the bound. */
  get size(): { found: number; missing: number } {
    return { found: this.found.size, missing: this.missing.size };
  }
}

export const firstLine = (error: Error): string => String(error.message).split('\n')[0].slice(0, 200);

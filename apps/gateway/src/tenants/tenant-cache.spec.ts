import { TenantCache, TenantLookupUnavailable } from './tenant-cache';

/** A loader over a table the test edits, counting how often it is asked and failing on demand. */
function source(initial: Record<string, string>) {
  const table = new Map(Object.entries(initial));
  const s = {
    table,
    calls: 0,
    down: false,
    load: async (key: string): Promise<{ name: string } | null> => {
      s.calls++;
      if (s.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432\nstack');
      const name = table.get(key);
      return name === undefined ? null : { name };
    },
  };
  return s;
}

const LIMITS = { max: 3, foundTtlMs: 60_000, missingTtlMs: 60_000 };

describe('TenantCache', () => {
  it('asks once per key while the entry is fresh, found or not', async () => {
    const src = source({ a: 'A' });
    const cache = new TenantCache(src.load, () => undefined, LIMITS);
    for (let i = 0; i < 3; i++) {
      expect(await cache.get('a')).toEqual({ name: 'A' });
      expect(await cache.get('nope')).toBeNull();
    }
    expect(src.calls).toBe(2);
  });

  it('holds at most `max` unknown keys however many are asked, and they never evict a known one', async () => {
    const src = source({ a: 'A' });
    const cache = new TenantCache(src.load, () => undefined, LIMITS);
    await cache.get('a');
    for (let i = 0; i < 100; i++) expect(await cache.get(`unknown_${i}`)).toBeNull();
    expect(cache.size).toEqual({ found: 1, missing: 3 });
    const before = src.calls;
    expect(await cache.get('a')).toEqual({ name: 'A' });
    expect(src.calls).toBe(before); // still cached
  });

  it('reloads after the ttl', async () => {
    const src = source({ a: 'A' });
    const cache = new TenantCache(src.load, () => undefined, { max: 3, foundTtlMs: 1, missingTtlMs: 1 });
    await cache.get('a');
    await cache.get('nope');
    await new Promise((r) => setTimeout(r, 5));
    src.table.set('nope', 'N');
    expect(await cache.get('nope')).toEqual({ name: 'N' });
    src.table.delete('a');
    expect(await cache.get('a')).toBeNull();
    expect(cache.size).toEqual({ found: 1, missing: 1 });
  });

  it('serves a known entry, however stale, while the source is down, and says so', async () => {
    const src = source({ a: 'A' });
    const stale: string[] = [];
    const cache = new TenantCache(src.load, (e) => stale.push(e.message), { max: 3, foundTtlMs: 1, missingTtlMs: 1 });
    await cache.get('a');
    await new Promise((r) => setTimeout(r, 5));
    src.down = true;
    expect(await cache.get('a')).toEqual({ name: 'A' });
    expect(await cache.get('a')).toEqual({ name: 'A' });
    expect(stale).toHaveLength(2);
  });

  it("a key never seen while the source is down is unavailable (503), with the error's first line only", async () => {
    const src = source({});
    const cache = new TenantCache(src.load, () => undefined, LIMITS);
    src.down = true;
    await expect(cache.get('b')).rejects.toThrow(TenantLookupUnavailable);
    await expect(cache.get('b')).rejects.toThrow(/^tenant lookup failed: connect ECONNREFUSED 127\.0\.0\.1:5432$/);
  });

  it('a fresh miss is still a miss while the source is down', async () => {
    const src = source({});
    const cache = new TenantCache(src.load, () => undefined, LIMITS);
    await cache.get('b');
    src.down = true;
    expect(await cache.get('b')).toBeNull();
  });

  describe('reload (a signature that failed under the cached keys)', () => {
    it('reads past a fresh entry and keeps what it read for the next get', async () => {
      const src = source({ a: 'A' });
      const cache = new TenantCache(src.load, () => undefined, { ...LIMITS, reloadMinMs: 60_000 });
      await cache.get('a');
      src.table.set('a', 'A2');
      expect(await cache.get('a')).toEqual({ name: 'A' });
      expect(await cache.reload('a')).toEqual({ name: 'A2' });
      expect(await cache.get('a')).toEqual({ name: 'A2' });
      expect(src.calls).toBe(2);
    });

    it('reads at most once per reloadMinMs however many callers ask, concurrent ones sharing the read', async () => {
      const src = source({ a: 'A' });
      const cache = new TenantCache(src.load, () => undefined, { ...LIMITS, reloadMinMs: 60_000 });
      await cache.get('a');
      src.table.set('a', 'A2');
      const together = await Promise.all(Array.from({ length: 5 }, () => cache.reload('a')));
      expect(together).toEqual(Array(5).fill({ name: 'A2' }));
      src.table.set('a', 'A3');
      expect(await cache.reload('a')).toEqual({ name: 'A2' }); // throttled: the entry the last reload stored
      expect(src.calls).toBe(2);
    });

    it('is undefined while the source is down, and keeps the entry it had', async () => {
      const src = source({ a: 'A' });
      const stale: string[] = [];
      const cache = new TenantCache(src.load, (e) => stale.push(e.message), LIMITS);
      await cache.get('a');
      src.down = true;
      expect(await cache.reload('a')).toBeUndefined();
      expect(stale).toHaveLength(1);
      expect(await cache.get('a')).toEqual({ name: 'A' });
    });
  });
});

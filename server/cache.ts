/**
 * A small read-through cache for vendor reads, so the company tab answers from memory while a
 * technician works through a company instead of re-reading the distributor and ConnectWise on every click.
 * Concurrent misses share one read. Writes drop the keys they make stale. Expired entries are
 * swept as new ones arrive, and the oldest go first past `maxEntries`, so a long-running server
 * with many tenants holds only what is fresh.
 */
export function createTtlCache(ttlMs: number, now: () => number = Date.now, maxEntries = 5_000) {
  // A Map iterates in insertion order, and entries are re-inserted when refreshed: oldest first.
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  let lastSweep = now();
  const sweep = () => {
    const t = now();
    if (t - lastSweep >= ttlMs) {
      lastSweep = t;
      for (const [key, entry] of entries) {
        if (t - entry.at < ttlMs) break;
        entries.delete(key);
      }
    }
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
  };
  return {
    async get<T>(key: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.value as Promise<T>;
      const value = load();
      entries.delete(key);
      entries.set(key, { at: now(), value });
      sweep();
      // A failed read is not remembered.
      value.catch(() => entries.get(key)?.value === value && entries.delete(key));
      return value;
    },
    /** Drops every key that starts with `prefix`. */
    invalidate(prefix: string) {
      for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
    },
    invalidateWhere(stale: (key: string) => boolean) {
      for (const key of entries.keys()) if (stale(key)) entries.delete(key);
    },
    /** How many entries are held: for tests and health figures. */
    get size() {
      return entries.size;
    },
  };
}

export type TtlCache = ReturnType<typeof createTtlCache>;

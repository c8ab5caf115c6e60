/**
 * A small read-through cache for vendor reads, so the company tab answers from memory while a
 * technician works through a company instead of re-reading Pax8 and ConnectWise on every click.
 * Concurrent misses share one read. Writes drop the keys they make stale.
 */
export function createTtlCache(ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  return {
    async get<T>(key: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.value as Promise<T>;
      const value = load();
      entries.set(key, { at: now(), value });
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
  };
}

export type TtlCache = ReturnType<typeof createTtlCache>;

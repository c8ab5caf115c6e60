/**
 * A fixed-window counter per key: at most `limit` hits a window, then the caller is told when
 * to come back. In memory: it guards one process's ConnectWise budget against a flood of
 * sign-in attempts; it is not an accounting of anything.
 */
export function createRateLimiter(limit: number, windowMs: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; hits: number }>();
  return {
    /** Counts a hit; answers the seconds to wait when the key is over its limit, or null. */
    hit(key: string): number | null {
      const t = now();
      // Old windows go as new ones are counted, so the map holds only live keys.
      if (windows.size > 10_000) for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
      const w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        windows.set(key, { start: t, hits: 1 });
        return null;
      }
      w.hits++;
      return w.hits > limit ? Math.ceil((w.start + windowMs - t) / 1000) : null;
    },
  };
}

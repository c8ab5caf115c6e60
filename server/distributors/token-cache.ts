/** Renew this long before a token expires, so no call races its expiry. */
const TOKEN_MARGIN_MS = 5 * 60_000;

/**
 * An access token kept until shortly before it expires. Concurrent callers share one
 * request for a new one: for a single-use refresh token, two requests would spend it twice.
 */
export function tokenCache(grant: () => Promise<{ token: string; expiresInSeconds: number }>, now: () => number) {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    async token(): Promise<string> {
      if (cached && cached.expiresAt > now()) return cached.token;
      pending ??= grant()
        .then(({ token, expiresInSeconds }) => {
          cached = { token, expiresAt: now() + expiresInSeconds * 1000 - TOKEN_MARGIN_MS };
          return token;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
    /** Forgets the token (the vendor refused it early); false when there was none. */
    forget(): boolean {
      const had = cached !== undefined;
      cached = undefined;
      return had;
    },
  };
}

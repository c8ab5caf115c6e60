import type { Database } from '../../db/client.ts';
import { claimBudget } from '../../db/queries/budgets.ts';
import { sleep } from '../http/retry.ts';

/** Waits, when needed, until one more ConnectWise request fits the budget. */
export interface Pacer {
  perMinute: number;
  /** Resolves when one more request fits, with the start of the window it was counted in. */
  take(): Promise<number>;
}

/**
 * A tenant's ConnectWise request budget, counted in the database so that every process working
 * that tenant draws on the same allowance. The minute is cut into windows (10 s by default) of
 * `perMinute / 6` requests each, so even a sliding minute that straddles windows stays within
 * `perMinute` plus one window's share: under ConnectWise's own 1000 a minute at the default 600.
 * Requests are claimed a few at a time to keep database round trips low; a claim unused when its
 * window ends is simply lost, which only errs on the side of fewer requests.
 */
export function createSharedPacer(
  db: Database,
  tenantId: string,
  perMinute: number,
  options: { windowMs?: number; now?: () => number } = {},
): Pacer {
  const windowMs = options.windowMs ?? 10_000;
  const now = options.now ?? Date.now;
  const cap = Math.max(1, Math.floor((perMinute * windowMs) / 60_000));
  const batch = Math.max(1, Math.min(cap, Math.ceil(cap / 4)));
  let window = -1;
  let left = 0;
  let queue = Promise.resolve();
  return {
    perMinute,
    take(): Promise<number> {
      // One claim at a time per process keeps the local count exact.
      const turn = queue.then(async () => {
        for (;;) {
          const current = Math.floor(now() / windowMs) * windowMs;
          if (current !== window) {
            window = current;
            left = 0;
          }
          if (left > 0) {
            left--;
            return current;
          }
          left = await claimBudget(db, tenantId, new Date(current), batch, cap);
          if (left > 0) {
            left--;
            return current;
          }
          await sleep(current + windowMs - now() + 5);
        }
      });
      queue = turn.then(
        () => {},
        () => {},
      );
      return turn;
    },
  };
}

/**
 * One shared pacer per tenant in this process, so its claims are batched: every sync of the
 * tenant here draws on the same local allowance, and every process on the same database count.
 */
export function sharedPacers(db: Database, perMinute: number, options: { windowMs?: number } = {}) {
  const pacers = new Map<string, Pacer>();
  return (tenantId: string) =>
    pacers.get(tenantId) ?? pacers.set(tenantId, createSharedPacer(db, tenantId, perMinute, options)).get(tenantId)!;
}

import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { requestBudgets } from '../schema.ts';

/**
 * Claims up to `want` requests of a tenant's budget for the window starting at `windowStart`,
 * at most `cap` in that window across every process. Answers how many were granted (0 when the
 * window is spent, or when another process's clock has already moved on to a later window).
 * One statement, so concurrent claims cannot both take the last slot.
 */
export async function claimBudget(
  db: Database,
  tenantId: string,
  windowStart: Date,
  want: number,
  cap: number,
): Promise<number> {
  const [row] = await db
    .insert(requestBudgets)
    .values({ tenantId, windowStart, used: want })
    .onConflictDoUpdate({
      target: requestBudgets.tenantId,
      set: {
        used: sql`case
          when excluded.window_start > ${requestBudgets.windowStart} then excluded.used
          when excluded.window_start = ${requestBudgets.windowStart} then ${requestBudgets.used} + excluded.used
          else ${requestBudgets.used}
        end`,
        windowStart: sql`greatest(${requestBudgets.windowStart}, excluded.window_start)`,
      },
    })
    .returning({ used: requestBudgets.used, windowStart: requestBudgets.windowStart });
  if (row!.windowStart.getTime() !== windowStart.getTime()) return 0;
  // What was there before this claim decides how much of it fits under the cap.
  const before = row!.used - want;
  return Math.max(0, Math.min(want, cap - before));
}

import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';

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
  const rows = await db.execute<{ used: number; window_start: string | Date }>(sql`
    insert into request_budgets (tenant_id, window_start, used)
    values (${tenantId}, ${windowStart.toISOString()}, ${want})
    on conflict (tenant_id) do update set
      used = case
        when excluded.window_start > request_budgets.window_start then excluded.used
        when excluded.window_start = request_budgets.window_start then request_budgets.used + excluded.used
        else request_budgets.used
      end,
      window_start = greatest(request_budgets.window_start, excluded.window_start)
    returning used, window_start`);
  const row = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as {
    used: number;
    window_start: string | Date;
  };
  if (new Date(row.window_start).getTime() !== windowStart.getTime()) return 0;
  // What was there before this claim decides how much of it fits under the cap.
  const before = Number(row.used) - want;
  return Math.max(0, Math.min(want, cap - before));
}

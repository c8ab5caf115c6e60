import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { adjustmentLog, syncOperations, syncRuns } from '../schema.ts';
import { entryOperation } from './adjustments.ts';

export type RunRecord = typeof syncRuns.$inferSelect;
export type RunProgress = Partial<Omit<typeof syncRuns.$inferInsert, 'id' | 'tenantId'>>;

// Every query takes the tenant id first: no row of another tenant can be read or changed.

export async function insertRun(
  db: Database,
  tenantId: string,
  v: Omit<typeof syncRuns.$inferInsert, 'tenantId'> & { id: string },
): Promise<void> {
  await db.insert(syncRuns).values({ ...v, tenantId });
}

export async function updateRun(db: Database, tenantId: string, runId: string, v: RunProgress): Promise<void> {
  await db
    .update(syncRuns)
    .set(v)
    .where(and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.id, runId)));
}

/** Counts a run's writes as they settle, so a run that is stopped halfway still shows what it wrote. */
export async function countOnRun(
  db: Database,
  tenantId: string,
  runId: string,
  add: Partial<Record<'writes' | 'failures' | 'settled', number>>,
): Promise<void> {
  await db
    .update(syncRuns)
    .set({
      writes: sql`${syncRuns.writes} + ${add.writes ?? 0}`,
      failures: sql`${syncRuns.failures} + ${add.failures ?? 0}`,
      settled: sql`${syncRuns.settled} + ${add.settled ?? 0}`,
    })
    .where(and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.id, runId)));
}

export const recentRuns = (db: Database, tenantId: string, limit = 20) =>
  db.select().from(syncRuns).where(eq(syncRuns.tenantId, tenantId)).orderBy(desc(syncRuns.startedAt)).limit(limit);

/**
 * Runs left `running` by a process that stopped: accounted for as interrupted, ending at
 * `endedBy` (the start of the run that found them), so the history never shows two overlap.
 */
export async function closeInterruptedRuns(db: Database, tenantId: string, except: string, endedBy: Date) {
  await db
    .update(syncRuns)
    .set({
      status: 'failed',
      error:
        'Interrupted: the run stopped before it could record its end (its process was stopped, or the database ' +
        'was unreachable). Its writes are counted above; the next run settled what it had started, and nothing was written twice.',
      finishedAt: endedBy,
    })
    .where(and(eq(syncRuns.tenantId, tenantId), eq(syncRuns.status, 'running'), sql`${syncRuns.id} <> ${except}`));
}

/**
 * What each run wrote and failed, by kind of change (increase, decrease, cancellation,
 * prorate): its writes in the adjustment log, joined to the operations they sent.
 */
export async function runKinds(
  db: Database,
  tenantId: string,
  runIds: readonly string[],
): Promise<Map<string, Record<string, { written: number; failed: number }>>> {
  const out = new Map<string, Record<string, { written: number; failed: number }>>();
  if (runIds.length === 0) return out;
  const rows = await db
    .select({
      runId: adjustmentLog.syncRunId,
      kind: syncOperations.kind,
      outcome: adjustmentLog.outcome,
      n: count(),
    })
    .from(adjustmentLog)
    .innerJoin(syncOperations, entryOperation)
    .where(and(eq(adjustmentLog.tenantId, tenantId), inArray(adjustmentLog.syncRunId, [...runIds])))
    .groupBy(adjustmentLog.syncRunId, syncOperations.kind, adjustmentLog.outcome);
  for (const r of rows) {
    if (!r.runId) continue;
    const kinds = out.get(r.runId) ?? {};
    const k = kinds[r.kind] ?? { written: 0, failed: 0 };
    kinds[r.kind] = k;
    if (r.outcome === 'success') k.written += r.n;
    else k.failed += r.n;
    out.set(r.runId, kinds);
  }
  return out;
}

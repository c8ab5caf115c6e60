import { and, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { OperationState } from '../../shared/schemas/plans.ts';
import type { Database } from '../client.ts';
import { ADDITION_IDS_KEPT, serviceMappings, syncOperations, syncPlans } from '../schema.ts';

export type OperationRow = typeof syncOperations.$inferSelect;

// Every query takes the tenant id first: no row of another tenant can be read or changed.

export async function upsertPlan(
  db: Database,
  tenantId: string,
  v: Omit<typeof syncPlans.$inferInsert, 'tenantId'>,
): Promise<string> {
  const [row] = await db
    .insert(syncPlans)
    .values({ ...v, tenantId })
    .onConflictDoUpdate({ target: [syncPlans.tenantId, syncPlans.planKey], set: { basis: sql`${syncPlans.basis}` } })
    .returning({ id: syncPlans.id });
  return row!.id;
}

/** Inserts the operations; one already known (same key, any plan) is kept as it is. */
export async function insertOperations(
  db: Database,
  tenantId: string,
  rows: Omit<typeof syncOperations.$inferInsert, 'tenantId'>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(syncOperations)
    .values(rows.map((r) => ({ ...r, tenantId })))
    .onConflictDoNothing({ target: [syncOperations.tenantId, syncOperations.opKey] });
}

export async function operationsByKey(
  db: Database,
  tenantId: string,
  keys: readonly string[],
): Promise<Map<string, OperationRow>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select()
    .from(syncOperations)
    .where(and(eq(syncOperations.tenantId, tenantId), inArray(syncOperations.opKey, [...keys])));
  return new Map(rows.map((r) => [r.opKey, r]));
}

/**
 * Claims an operation for writing. Only one caller can move it from `planned` (or `failed`,
 * on a retry) to `sending`; a second member confirming the same plan gets nothing and writes
 * nothing.
 */
export async function claimOperation(
  db: Database,
  tenantId: string,
  opKey: string,
  from: readonly OperationState[],
  now: Date,
): Promise<OperationRow | undefined> {
  const [row] = await db
    .update(syncOperations)
    .set({ state: 'sending', attempts: sql`${syncOperations.attempts} + 1`, claimedAt: now, updatedAt: now })
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        eq(syncOperations.opKey, opKey),
        inArray(syncOperations.state, [...from]),
      ),
    )
    .returning();
  return row;
}

export async function finishOperation(
  db: Database,
  tenantId: string,
  id: string,
  v: {
    state: 'confirmed' | 'adopted' | 'failed' | 'skipped' | 'planned';
    additionId?: number | null;
    errorCode?: string | null;
    error?: string | null;
  },
) {
  await db
    .update(syncOperations)
    .set({ ...v, updatedAt: new Date() })
    .where(and(eq(syncOperations.tenantId, tenantId), eq(syncOperations.id, id)));
}

/** Operations left in `sending` by a process that stopped between claiming and finishing. */
export async function staleSending(db: Database, tenantId: string, before: Date): Promise<OperationRow[]> {
  return db
    .select()
    .from(syncOperations)
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        eq(syncOperations.state, 'sending'),
        lt(syncOperations.claimedAt, before),
      ),
    );
}

export async function appendAdditionId(db: Database, tenantId: string, subscriptionId: string, additionId: number) {
  await db
    .update(serviceMappings)
    .set({
      // Newest last, and only the last ADDITION_IDS_KEPT: the operations keep the whole history.
      additionIds: sql`(select coalesce(jsonb_agg(v order by n), '[]'::jsonb) from (
        select v, n from jsonb_array_elements(${serviceMappings.additionIds} || ${JSON.stringify([additionId])}::jsonb)
          with ordinality as e(v, n) order by n desc limit ${ADDITION_IDS_KEPT}) kept)`,
      updatedAt: new Date(),
    })
    .where(and(eq(serviceMappings.tenantId, tenantId), eq(serviceMappings.subscriptionId, subscriptionId)));
}

/** The operations that wrote (or updated) the given additions, found by marker or addition id. */
export async function writtenOperationsFor(
  db: Database,
  tenantId: string,
  markers: readonly string[],
  additionIds: readonly number[],
): Promise<OperationRow[]> {
  if (markers.length === 0 && additionIds.length === 0) return [];
  return db
    .select()
    .from(syncOperations)
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        isNotNull(syncOperations.additionId),
        or(inArray(syncOperations.marker, [...markers]), inArray(syncOperations.additionId, [...additionIds])),
      ),
    );
}

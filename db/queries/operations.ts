import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { OperationState } from '../../shared/schemas/plans.ts';
import type { Database } from '../client.ts';
import { ADDITION_IDS_KEPT, serviceMappings, syncOperations, syncPlans } from '../schema.ts';
import { inScope, owned, type Scope } from './scope.ts';

export type OperationRow = typeof syncOperations.$inferSelect;

// Every query takes the tenant id first, and those that find operations by key or subscription
// its distributor too: no row of another tenant, or of another distributor, can be read or changed.

export async function upsertPlan(
  db: Database,
  scope: Scope,
  v: Omit<typeof syncPlans.$inferInsert, 'tenantId' | 'distributor'>,
): Promise<string> {
  const [row] = await db
    .insert(syncPlans)
    .values({ ...v, ...owned(scope) })
    .onConflictDoUpdate({
      target: [syncPlans.tenantId, syncPlans.distributor, syncPlans.planKey],
      set: { basis: sql`${syncPlans.basis}` },
    })
    .returning({ id: syncPlans.id });
  return row!.id;
}

/** Inserts the operations; one already known (same key, any plan) is kept as it is. */
export async function insertOperations(
  db: Database,
  scope: Scope,
  rows: Omit<typeof syncOperations.$inferInsert, 'tenantId' | 'distributor'>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(syncOperations)
    .values(rows.map((r) => ({ ...r, ...owned(scope) })))
    .onConflictDoNothing({ target: [syncOperations.tenantId, syncOperations.distributor, syncOperations.opKey] });
}

export async function operationsByKey(
  db: Database,
  scope: Scope,
  keys: readonly string[],
): Promise<Map<string, OperationRow>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select()
    .from(syncOperations)
    .where(and(inScope(syncOperations, scope), inArray(syncOperations.opKey, [...keys])));
  return new Map(rows.map((r) => [r.opKey, r]));
}

/**
 * Claims an operation for writing. Only one caller can move it from `planned` (or `failed`,
 * on a retry) to `sending`; a second member confirming the same plan gets nothing and writes
 * nothing. The claim carries its owner and a lease the owner renews while it waits for
 * ConnectWise, so nobody settles a write that is still in flight.
 */
export async function claimOperation(
  db: Database,
  scope: Scope,
  opKey: string,
  from: readonly OperationState[],
  claim: { owner: string; now: Date; leaseUntil: Date },
): Promise<OperationRow | undefined> {
  const [row] = await db
    .update(syncOperations)
    .set({
      state: 'sending',
      attempts: sql`${syncOperations.attempts} + 1`,
      owner: claim.owner,
      leaseUntil: claim.leaseUntil,
      claimedAt: claim.now,
      updatedAt: claim.now,
    })
    .where(
      and(inScope(syncOperations, scope), eq(syncOperations.opKey, opKey), inArray(syncOperations.state, [...from])),
    )
    .returning();
  return row;
}

/** Settles an operation; its claim (owner and lease) ends with it. */
export async function finishOperation(
  db: Database,
  tenantId: string,
  id: string,
  v: {
    state: Exclude<OperationState, 'sending'>;
    additionId?: number | null;
    errorCode?: string | null;
    error?: string | null;
  },
  /** When the write happens, by the clock the caller was given. */
  at: Date,
) {
  await db
    .update(syncOperations)
    .set({ ...v, owner: null, leaseUntil: null, updatedAt: at })
    .where(and(eq(syncOperations.tenantId, tenantId), eq(syncOperations.id, id)));
}

/** The owner extends its lease while ConnectWise has not answered; false once it is no longer the owner. */
export async function renewOperationLease(
  db: Database,
  tenantId: string,
  id: string,
  owner: string,
  leaseUntil: Date,
): Promise<boolean> {
  const rows = await db
    .update(syncOperations)
    .set({ leaseUntil })
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        eq(syncOperations.id, id),
        eq(syncOperations.owner, owner),
        eq(syncOperations.state, 'sending'),
      ),
    )
    .returning({ id: syncOperations.id });
  return rows.length > 0;
}

/**
 * Operations whose writer stopped (its lease ran out) between claiming and finishing, and
 * those whose outcome is still unknown: both are re-read before anything else. Limited to
 * some operation keys (a member's confirmation settles only its own plan) or all.
 */
export async function operationsToSettle(
  db: Database,
  tenantId: string,
  now: Date,
  only?: { distributor: string; opKeys: readonly string[] },
): Promise<OperationRow[]> {
  if (only?.opKeys.length === 0) return [];
  return db
    .select()
    .from(syncOperations)
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        or(
          eq(syncOperations.state, 'unknown'),
          and(
            eq(syncOperations.state, 'sending'),
            or(isNull(syncOperations.leaseUntil), lt(syncOperations.leaseUntil, now)),
          ),
        ),
        only ? eq(syncOperations.distributor, only.distributor) : undefined,
        only ? inArray(syncOperations.opKey, [...only.opKeys]) : undefined,
      ),
    );
}

export async function appendAdditionId(
  db: Database,
  scope: Scope,
  subscriptionId: string,
  additionId: number,
  at: Date,
) {
  await db
    .update(serviceMappings)
    .set({
      // Newest last, and only the last ADDITION_IDS_KEPT: the operations keep the whole history.
      additionIds: sql`(select coalesce(jsonb_agg(v order by n), '[]'::jsonb) from (
        select v, n from jsonb_array_elements(${serviceMappings.additionIds} || ${JSON.stringify([additionId])}::jsonb)
          with ordinality as e(v, n) order by n desc limit ${ADDITION_IDS_KEPT}) kept)`,
      updatedAt: at,
    })
    .where(and(inScope(serviceMappings, scope), eq(serviceMappings.subscriptionId, subscriptionId)));
}

/** The run whose plan an operation belongs to, if a run (not a member) planned it. */
export async function runOfOperation(db: Database, tenantId: string, planId: string): Promise<string | null> {
  const [row] = await db
    .select({ runId: syncPlans.syncRunId })
    .from(syncPlans)
    .where(and(eq(syncPlans.tenantId, tenantId), eq(syncPlans.id, planId)))
    .limit(1);
  return row?.runId ?? null;
}

/** Not yet in ConnectWise and not given up: planned, held, failed, unknown or being sent. */
export const OUTSTANDING_STATES = ['planned', 'sending', 'failed', 'skipped', 'unknown'] as const;

/** The tenant's operations in some states, oldest change first, for some subscriptions or all. */
function operationsIn(
  db: Database,
  scope: Scope,
  states: readonly OperationState[],
  subscriptionIds?: readonly string[],
): Promise<OperationRow[]> {
  if (subscriptionIds?.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(syncOperations)
    .where(
      and(
        inScope(syncOperations, scope),
        inArray(syncOperations.state, [...states]),
        subscriptionIds ? inArray(syncOperations.subscriptionId, [...subscriptionIds]) : undefined,
      ),
    )
    .orderBy(syncOperations.updatedAt);
}

/** Operations still to be written: planned, held, failed, unknown or being sent. */
export const outstandingOperations = (db: Database, scope: Scope, subscriptionIds?: readonly string[]) =>
  operationsIn(db, scope, OUTSTANDING_STATES, subscriptionIds);

/** Everything the sync has written (or adopted): what drift is measured against. */
export const writtenOperations = (db: Database, scope: Scope, subscriptionIds?: readonly string[]) =>
  operationsIn(db, scope, ['confirmed', 'adopted'], subscriptionIds);

/**
 * A subscription's history of operations in one read, as an assessment needs it: what is still
 * owed, what was written (drift is measured against it), and what a person waived.
 */
export async function operationsOf(db: Database, scope: Scope, subscriptionIds?: readonly string[]) {
  const rows = await operationsIn(
    db,
    scope,
    [...OUTSTANDING_STATES, 'confirmed', 'adopted', 'waived'],
    subscriptionIds,
  );
  const outstanding = new Set<string>(OUTSTANDING_STATES);
  return {
    outstanding: rows.filter((r) => outstanding.has(r.state)),
    written: rows.filter((r) => r.state === 'confirmed' || r.state === 'adopted'),
    waived: rows.filter((r) => r.state === 'waived'),
  };
}

/** A later plan replaced these before they were written. Only operations nobody is sending. */
export async function supersedeOperations(
  db: Database,
  tenantId: string,
  ids: readonly string[],
  at: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(syncOperations)
    .set({ state: 'superseded', updatedAt: at })
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        inArray(syncOperations.id, [...ids]),
        inArray(syncOperations.state, ['planned', 'failed', 'skipped']),
      ),
    );
}

/** Changes what an operation will send, while nobody is sending it and it was never written. */
export async function updateOperationRequest(
  db: Database,
  tenantId: string,
  id: string,
  request: OperationRow['request'],
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<void> {
  await db
    .update(syncOperations)
    .set({ request, updatedAt: at })
    .where(
      and(
        eq(syncOperations.tenantId, tenantId),
        eq(syncOperations.id, id),
        inArray(syncOperations.state, ['planned', 'failed', 'skipped']),
      ),
    );
}

/**
 * A person waives operations: they are not written, not owed, and not offered again. Only
 * operations that are not written and not being written can be waived.
 */
export async function waiveOperations(
  db: Database,
  scope: Scope,
  opKeys: readonly string[],
  waiver: { by: string; at: Date; reason: string },
): Promise<OperationRow[]> {
  if (opKeys.length === 0) return [];
  return db
    .update(syncOperations)
    .set({
      state: 'waived',
      waivedBy: waiver.by,
      waivedAt: waiver.at,
      waivedReason: waiver.reason,
      updatedAt: waiver.at,
    })
    .where(
      and(
        inScope(syncOperations, scope),
        inArray(syncOperations.opKey, [...opKeys]),
        inArray(syncOperations.state, ['planned', 'failed', 'skipped', 'superseded']),
      ),
    )
    .returning();
}

/** The waivers a subscription's operations carry: what the planner no longer offers. */
export const waivedOperations = (db: Database, scope: Scope, subscriptionIds?: readonly string[]) =>
  operationsIn(db, scope, ['waived'], subscriptionIds);

import { and, asc, desc, eq, gt, gte, inArray, lte } from 'drizzle-orm';
import type { ReconcileDecision, ReconcileFigures, ReconcileStatus } from '../../shared/schemas/reconcile.ts';
import type { Database } from '../client.ts';
import { reconciliationEvents, reconciliations, syncOperations } from '../schema.ts';
import { inScope, owned, type Scope } from './scope.ts';

export type ReconciliationRecord = typeof reconciliations.$inferSelect;
export type NewReconciliation = Omit<
  typeof reconciliations.$inferInsert,
  'id' | 'tenantId' | 'distributor' | 'statusChangedAt' | 'decision' | 'decidedBy' | 'decidedAt' | 'note' | 'opKey'
>;

/** JSON with sorted keys: Postgres's jsonb does not keep the order figures were written in. */
function stable(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
    .join(',')}}`;
}

// Every query takes its scope (tenant and distributor) first: no tenant reads another's periods.

export function reconciliationsOf(db: Database, scope: Scope, period: string, subscriptionIds?: readonly string[]) {
  if (subscriptionIds?.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(reconciliations)
    .where(
      and(
        inScope(reconciliations, scope),
        eq(reconciliations.period, period),
        subscriptionIds ? inArray(reconciliations.subscriptionId, [...subscriptionIds]) : undefined,
      ),
    )
    .orderBy(asc(reconciliations.companyName), asc(reconciliations.productName));
}

/** Every distributor's rows of a tenant over a range of periods: the month's picture and its chart. */
export function reconciliationsBetween(db: Database, tenantId: string, from: string, to: string) {
  return db
    .select()
    .from(reconciliations)
    .where(
      and(eq(reconciliations.tenantId, tenantId), gte(reconciliations.period, from), lte(reconciliations.period, to)),
    );
}

/**
 * Stores a check's rows: new ones are inserted, known ones updated in place, and each status
 * change is kept as an event with who made it. Decisions are not touched here.
 */
export async function saveChecked(
  db: Database,
  scope: Scope,
  period: string,
  rows: readonly (NewReconciliation & { status: ReconcileStatus })[],
  actor: string,
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    const known = new Map(
      (
        await tx
          .select({
            id: reconciliations.id,
            sub: reconciliations.subscriptionId,
            status: reconciliations.status,
            reason: reconciliations.reason,
            figures: reconciliations.figures,
          })
          .from(reconciliations)
          .where(and(inScope(reconciliations, scope), eq(reconciliations.period, period)))
      ).map((r) => [r.sub, r]),
    );
    const events: (typeof reconciliationEvents.$inferInsert)[] = [];
    const inserts: (typeof reconciliations.$inferInsert)[] = [];
    for (const row of rows) {
      const old = known.get(row.subscriptionId);
      if (!old) {
        inserts.push({ ...row, ...owned(scope), statusChangedAt: now });
        continue;
      }
      const changed = old.status !== row.status;
      // Most rows read the same on every check: only what changed is written, then one stamp for all.
      if (!changed && old.reason === row.reason && stable(old.figures) === stable(row.figures ?? null)) continue;
      await tx
        .update(reconciliations)
        .set({ ...row, ...(changed ? { statusChangedAt: now } : {}) })
        .where(and(inScope(reconciliations, scope), eq(reconciliations.id, old.id)));
      if (changed)
        events.push({
          tenantId: scope.tenantId,
          reconciliationId: old.id,
          at: now,
          actor,
          fromStatus: old.status,
          toStatus: row.status,
          note: row.reason,
        });
    }
    for (let i = 0; i < inserts.length; i += 500) {
      const made = await tx
        .insert(reconciliations)
        .values(inserts.slice(i, i + 500))
        .returning({ id: reconciliations.id, status: reconciliations.status, reason: reconciliations.reason });
      for (const r of made)
        events.push({
          tenantId: scope.tenantId,
          reconciliationId: r.id,
          at: now,
          actor,
          fromStatus: null,
          toStatus: r.status,
          note: r.reason,
        });
    }
    for (let i = 0; i < events.length; i += 500) await tx.insert(reconciliationEvents).values(events.slice(i, i + 500));
    await tx
      .update(reconciliations)
      .set({ checkedAt: now })
      .where(
        and(
          inScope(reconciliations, scope),
          eq(reconciliations.period, period),
          inArray(
            reconciliations.subscriptionId,
            rows.map((r) => r.subscriptionId),
          ),
        ),
      );
  });
}

/** Records a person's (or the tolerance's) decision on rows of a period, and its event. */
export async function decide(
  db: Database,
  scope: Scope,
  rows: readonly {
    id: string;
    status: ReconcileStatus;
    toStatus: ReconcileStatus;
    opKey?: string | null;
    /** How the row reads after the decision, when the decision alone says it (a rejection). */
    reason?: string;
    /** The figures decided on. */
    figures?: ReconcileFigures | null;
  }[],
  decision: { decision: ReconcileDecision; by: string; note: string | null; at: Date },
): Promise<void> {
  if (rows.length === 0) return;
  await db.transaction(async (tx) => {
    for (const row of rows)
      await tx
        .update(reconciliations)
        .set({
          decision: decision.decision,
          decidedBy: decision.by,
          decidedAt: decision.at,
          note: decision.note,
          status: row.toStatus,
          opKey: row.opKey ?? null,
          ...(row.figures !== undefined ? { decidedFigures: row.figures } : {}),
          ...(row.reason ? { reason: row.reason } : {}),
          ...(row.toStatus !== row.status ? { statusChangedAt: decision.at } : {}),
        })
        .where(and(inScope(reconciliations, scope), eq(reconciliations.id, row.id)));
    await tx.insert(reconciliationEvents).values(
      rows.map((r) => ({
        tenantId: scope.tenantId,
        reconciliationId: r.id,
        at: decision.at,
        actor: decision.by,
        fromStatus: r.status,
        toStatus: r.toStatus,
        note: decision.note ?? decision.decision,
      })),
    );
  });
}

/** A row's history: each status it had and each decision, newest first. */
export function eventsOf(db: Database, tenantId: string, reconciliationIds: readonly string[]) {
  if (reconciliationIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(reconciliationEvents)
    .where(
      and(
        eq(reconciliationEvents.tenantId, tenantId),
        inArray(reconciliationEvents.reconciliationId, [...reconciliationIds]),
      ),
    )
    .orderBy(desc(reconciliationEvents.at), desc(reconciliationEvents.id));
}

/** Status changes since a moment, with their subscription: the digest's "what changed". */
export function changesSince(db: Database, tenantId: string, since: Date) {
  return db
    .select({
      at: reconciliationEvents.at,
      actor: reconciliationEvents.actor,
      fromStatus: reconciliationEvents.fromStatus,
      toStatus: reconciliationEvents.toStatus,
      subscriptionId: reconciliations.subscriptionId,
      period: reconciliations.period,
      companyName: reconciliations.companyName,
      productName: reconciliations.productName,
    })
    .from(reconciliationEvents)
    .innerJoin(
      reconciliations,
      and(
        eq(reconciliations.id, reconciliationEvents.reconciliationId),
        eq(reconciliations.tenantId, reconciliationEvents.tenantId),
      ),
    )
    .where(and(eq(reconciliationEvents.tenantId, tenantId), gt(reconciliationEvents.at, since)))
    .orderBy(asc(reconciliationEvents.at));
}

/** Rows waiting for a person, in every distributor and period: the "before you invoice" view. */
export function awaitingReview(db: Database, tenantId: string) {
  return db
    .select()
    .from(reconciliations)
    .where(and(eq(reconciliations.tenantId, tenantId), eq(reconciliations.status, 'review')))
    .orderBy(asc(reconciliations.period), asc(reconciliations.companyName));
}

/**
 * A recurring line's quantity and price before the sync changed it after a day: how the line
 * stood in a period that has ended. What counts is when the change was made (the write's own
 * record), not the effective date it carries: a change made on 12/06 with an effective date in
 * November was not what ConnectWise billed in November. The earliest such change holds the "before".
 */
export async function recurringBefore(
  db: Database,
  scope: Scope,
  additionIds: readonly number[],
  after: string,
): Promise<Map<number, { quantity: number; unitPriceCents: number }>> {
  if (additionIds.length === 0) return new Map();
  const rows = await db
    .select({ additionId: syncOperations.additionId, summary: syncOperations.summary, made: syncOperations.updatedAt })
    .from(syncOperations)
    .where(
      and(
        inScope(syncOperations, scope),
        eq(syncOperations.type, 'update-recurring'),
        inArray(syncOperations.state, ['confirmed', 'adopted']),
        inArray(syncOperations.additionId, [...additionIds]),
      ),
    );
  const found = new Map<number, { day: string; quantity: number; unitPriceCents: number }>();
  for (const r of rows) {
    const day = r.made.toISOString().slice(0, 10);
    const before = r.summary.before;
    if (r.additionId === null || !before || day <= after) continue;
    const seen = found.get(r.additionId);
    if (!seen || day < seen.day)
      found.set(r.additionId, { day, quantity: before.quantity, unitPriceCents: before.unitPrice.cents });
  }
  return new Map([...found].map(([id, v]) => [id, { quantity: v.quantity, unitPriceCents: v.unitPriceCents }]));
}

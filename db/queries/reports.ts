import { and, eq, inArray, max, ne, notInArray } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { ignoredSubscriptions, serviceMappings, subscriptionStatus } from '../schema.ts';
import { inScope, owned, type Scope } from './scope.ts';

export type ReportView = 'unsynced' | 'linked' | 'unlinked';
export type StatusRecord = typeof subscriptionStatus.$inferSelect;

// Every query takes its scope: no row of another tenant, or of another distributor, can be read or changed.

/**
 * The statuses a report view lists, from the last check: unsynced ones, or those with (linked)
 * or without (unlinked) an agreement. Each view reads only its own rows.
 */
export function reportStatuses(db: Database, scope: Scope, view: ReportView): Promise<StatusRecord[]> {
  const linkedIds = db
    .select({ id: serviceMappings.subscriptionId })
    .from(serviceMappings)
    .where(inScope(serviceMappings, scope));
  const filter =
    view === 'unsynced'
      ? ne(subscriptionStatus.state, 'in-sync')
      : view === 'linked'
        ? inArray(subscriptionStatus.subscriptionId, linkedIds)
        : notInArray(subscriptionStatus.subscriptionId, linkedIds);
  return db
    .select()
    .from(subscriptionStatus)
    .where(and(inScope(subscriptionStatus, scope), filter));
}

/** The statuses of chosen subscriptions (the report's Ignored section). */
export function statusesOf(db: Database, scope: Scope, subscriptionIds: readonly string[]): Promise<StatusRecord[]> {
  if (subscriptionIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(subscriptionStatus)
    .where(and(inScope(subscriptionStatus, scope), inArray(subscriptionStatus.subscriptionId, [...subscriptionIds])));
}

/** When the tenant's subscriptions were last checked, or null before the first check. */
export async function lastCheckedAt(db: Database, scope: Scope): Promise<Date | null> {
  const [row] = await db
    .select({ at: max(subscriptionStatus.checkedAt) })
    .from(subscriptionStatus)
    .where(inScope(subscriptionStatus, scope));
  return row?.at ?? null;
}

export const listIgnored = (db: Database, scope: Scope) =>
  db.select().from(ignoredSubscriptions).where(inScope(ignoredSubscriptions, scope));

/** Hides a subscription from the reports; hiding it twice keeps the first reason. */
export async function ignoreSubscription(
  db: Database,
  scope: Scope,
  v: { subscriptionId: string; reason: string | null; by: string },
): Promise<void> {
  await db
    .insert(ignoredSubscriptions)
    .values({ ...owned(scope), subscriptionId: v.subscriptionId, reason: v.reason, ignoredBy: v.by })
    .onConflictDoNothing();
}

/** Shows a hidden subscription again; false when it was not hidden. */
export async function restoreSubscription(db: Database, scope: Scope, subscriptionId: string): Promise<boolean> {
  const rows = await db
    .delete(ignoredSubscriptions)
    .where(and(inScope(ignoredSubscriptions, scope), eq(ignoredSubscriptions.subscriptionId, subscriptionId)))
    .returning({ id: ignoredSubscriptions.id });
  return rows.length > 0;
}

import { and, eq, inArray, max, ne, notInArray } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { ignoredSubscriptions, serviceMappings, subscriptionStatus } from '../schema.ts';

export type ReportView = 'unsynced' | 'linked' | 'unlinked';
export type StatusRecord = typeof subscriptionStatus.$inferSelect;

// Every query takes the tenant id first: no row of another tenant can be read or changed.

/**
 * The statuses a report view lists, from the last check: unsynced ones, or those with (linked)
 * or without (unlinked) an agreement. Each view reads only its own rows.
 */
export function reportStatuses(db: Database, tenantId: string, view: ReportView): Promise<StatusRecord[]> {
  const linkedIds = db
    .select({ id: serviceMappings.subscriptionId })
    .from(serviceMappings)
    .where(eq(serviceMappings.tenantId, tenantId));
  const filter =
    view === 'unsynced'
      ? ne(subscriptionStatus.state, 'in-sync')
      : view === 'linked'
        ? inArray(subscriptionStatus.subscriptionId, linkedIds)
        : notInArray(subscriptionStatus.subscriptionId, linkedIds);
  return db
    .select()
    .from(subscriptionStatus)
    .where(and(eq(subscriptionStatus.tenantId, tenantId), filter));
}

/** The statuses of chosen subscriptions (the report's Ignored section). */
export function statusesOf(
  db: Database,
  tenantId: string,
  subscriptionIds: readonly string[],
): Promise<StatusRecord[]> {
  if (subscriptionIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(subscriptionStatus)
    .where(
      and(eq(subscriptionStatus.tenantId, tenantId), inArray(subscriptionStatus.subscriptionId, [...subscriptionIds])),
    );
}

/** When the tenant's subscriptions were last checked, or null before the first check. */
export async function lastCheckedAt(db: Database, tenantId: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: max(subscriptionStatus.checkedAt) })
    .from(subscriptionStatus)
    .where(eq(subscriptionStatus.tenantId, tenantId));
  return row?.at ?? null;
}

export const listIgnored = (db: Database, tenantId: string) =>
  db.select().from(ignoredSubscriptions).where(eq(ignoredSubscriptions.tenantId, tenantId));

/** Hides a subscription from the reports; hiding it twice keeps the first reason. */
export async function ignoreSubscription(
  db: Database,
  tenantId: string,
  v: { subscriptionId: string; reason: string | null; by: string },
): Promise<void> {
  await db
    .insert(ignoredSubscriptions)
    .values({ tenantId, subscriptionId: v.subscriptionId, reason: v.reason, ignoredBy: v.by })
    .onConflictDoNothing();
}

/** Shows a hidden subscription again; false when it was not hidden. */
export async function restoreSubscription(db: Database, tenantId: string, subscriptionId: string): Promise<boolean> {
  const rows = await db
    .delete(ignoredSubscriptions)
    .where(and(eq(ignoredSubscriptions.tenantId, tenantId), eq(ignoredSubscriptions.subscriptionId, subscriptionId)))
    .returning({ id: ignoredSubscriptions.id });
  return rows.length > 0;
}

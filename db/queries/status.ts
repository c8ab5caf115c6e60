import { and, eq, isNotNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../client.ts';
import { subscriptionStatus } from '../schema.ts';
import { inScope, owned, type Scope } from './scope.ts';

export type StatusRow = typeof subscriptionStatus.$inferInsert;

/**
 * Saves the latest check of each subscription. `out_of_sync_since` (the oldest unbilled change)
 * is kept while it stays out of sync, so the report can say for how long; it clears once in sync.
 */
export async function saveStatuses(
  db: Database,
  scope: Scope,
  rows: Omit<StatusRow, 'tenantId' | 'distributor'>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((r) => ({ ...r, ...owned(scope) }));
    await db
      .insert(subscriptionStatus)
      .values(chunk)
      .onConflictDoUpdate({
        target: [subscriptionStatus.tenantId, subscriptionStatus.distributor, subscriptionStatus.subscriptionId],
        set: {
          distributorCompanyId: sql`excluded.distributor_company_id`,
          companyName: sql`excluded.company_name`,
          productId: sql`excluded.product_id`,
          productName: sql`excluded.product_name`,
          billingTerm: sql`excluded.billing_term`,
          usage: sql`excluded.usage`,
          cwCompanyId: sql`excluded.cw_company_id`,
          cwAgreementId: sql`excluded.cw_agreement_id`,
          cwAgreementName: sql`excluded.cw_agreement_name`,
          cwAdditionId: sql`excluded.cw_addition_id`,
          state: sql`excluded.state`,
          cwQuantity: sql`excluded.cw_quantity`,
          distributorQuantity: sql`excluded.distributor_quantity`,
          monthlyDifference: sql`excluded.monthly_difference`,
          unitPrice: sql`excluded.unit_price`,
          usagePeriod: sql`excluded.usage_period`,
          usageTotalCents: sql`excluded.usage_total_cents`,
          reason: sql`excluded.reason`,
          nextStep: sql`excluded.next_step`,
          commitment: sql`excluded.commitment`,
          // The earliest unbilled change seen while it stays out of sync (least() skips a null).
          outOfSyncSince: sql`case when excluded.state = 'in-sync' then null else least(${subscriptionStatus.outOfSyncSince}, excluded.out_of_sync_since) end`,
          checkedAt: sql`excluded.checked_at`,
        },
      });
  }
}

export const statusesFor = (db: Database, scope: Scope) =>
  db.select().from(subscriptionStatus).where(inScope(subscriptionStatus, scope));

/**
 * After a whole-tenant check, drops what that check no longer saw (a company unbound, a
 * subscription gone, over-billing corrected): the report lists only what is true now.
 */
export async function dropUnseenStatuses(db: Database, scope: Scope, checkedAt: Date): Promise<void> {
  await db
    .delete(subscriptionStatus)
    .where(and(inScope(subscriptionStatus, scope), lt(subscriptionStatus.checkedAt, checkedAt)));
}

/**
 * After the pod looks at one agreement again, drops its possible over-billing that is no longer
 * there (mapped since, or corrected in Manage), so the report does not keep a fixed one.
 */
export async function dropOverBillingExcept(
  db: Database,
  scope: Scope,
  agreementId: number,
  keep: readonly string[],
): Promise<void> {
  await db
    .delete(subscriptionStatus)
    .where(
      and(
        inScope(subscriptionStatus, scope),
        eq(subscriptionStatus.cwAgreementId, agreementId),
        eq(subscriptionStatus.state, 'over-billing'),
        keep.length > 0 ? notInArray(subscriptionStatus.subscriptionId, [...keep]) : undefined,
      ),
    );
}

/** A tenant's commitments as the last check stored them: one distributor's, or every one's. */
export const commitmentStatuses = (db: Database, tenantId: string, distributor?: string) =>
  db
    .select()
    .from(subscriptionStatus)
    .where(
      and(
        eq(subscriptionStatus.tenantId, tenantId),
        distributor ? eq(subscriptionStatus.distributor, distributor) : undefined,
        isNotNull(subscriptionStatus.commitment),
      ),
    );

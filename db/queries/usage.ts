import { and, eq, inArray } from 'drizzle-orm';
import type { UsageSettingsInput } from '../../shared/schemas/usage.ts';
import type { Database } from '../client.ts';
import { productMappings, usageSettings } from '../schema.ts';
import { inScope, owned, type Scope } from './scope.ts';
import { recordSettingChange } from './settings.ts';

export type UsageSettingsRow = typeof usageSettings.$inferSelect;

/** The usage settings of some subscriptions, by subscription id. */
export async function usageSettingsFor(
  db: Database,
  scope: Scope,
  subscriptionIds: readonly string[],
): Promise<Map<string, UsageSettingsRow>> {
  if (subscriptionIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(usageSettings)
    .where(and(inScope(usageSettings, scope), inArray(usageSettings.subscriptionId, [...subscriptionIds])));
  return new Map(rows.map((r) => [r.subscriptionId, r]));
}

/**
 * Saves what a member set for one usage subscription; fields left out keep their value. The
 * change is kept in the settings history. `approved` when the member holds the settings right:
 * the arrears run bills only with approved values, so a change by anyone else (a Technician's
 * option in her own review) leaves the row unapproved until a member who may saves it again.
 */
export async function saveUsageSettings(
  db: Database,
  scope: Scope,
  subscriptionId: string,
  input: UsageSettingsInput,
  by: string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
  change: { approved: boolean; label: string },
): Promise<UsageSettingsRow> {
  const set = {
    ...(input.option !== undefined && { option: input.option }),
    ...(input.flatPriceCents !== undefined && { flatPriceCents: input.flatPriceCents }),
    ...(input.markupBp !== undefined && { markupBp: input.markupBp }),
    ...(input.thresholdCents !== undefined && { thresholdCents: input.thresholdCents }),
    updatedBy: by,
    updatedAt: at,
    approvedBy: change.approved ? by : null,
  };
  return db.transaction(async (tx) => {
    const [old] = await tx
      .select()
      .from(usageSettings)
      .where(and(inScope(usageSettings, scope), eq(usageSettings.subscriptionId, subscriptionId)))
      .for('update');
    const [row] = await tx
      .insert(usageSettings)
      .values({ ...owned(scope), subscriptionId, ...set })
      .onConflictDoUpdate({
        target: [usageSettings.tenantId, usageSettings.distributor, usageSettings.subscriptionId],
        set,
      })
      .returning();
    await recordSettingChange(tx, {
      tenantId: scope.tenantId,
      subject: `usage:${subscriptionId}`,
      label: change.label,
      changedBy: by,
      changedAt: at,
      before: old ? valuesOf(old) : null,
      after: { ...valuesOf(row!), ...(change.approved ? {} : { approved: false }) },
    });
    return row!;
  });
}

const valuesOf = (r: UsageSettingsRow) => ({
  option: r.option,
  flatPriceCents: r.flatPriceCents,
  markupBp: r.markupBp,
  thresholdCents: r.thresholdCents,
});

/** A product binding, locked against other saves until the transaction ends: its "before" stays true. */
async function lockedBinding(tx: Pick<Database, 'select'>, scope: Scope, mappingId: string) {
  const [row] = await tx
    .select()
    .from(productMappings)
    .where(and(inScope(productMappings, scope), eq(productMappings.id, mappingId)))
    .for('update');
  return row;
}

/** Turns a bound product's usage sync on or off; an unbound one stays off until it is bound. */
export async function setUsageSync(db: Database, scope: Scope, mappingId: string, on: boolean, by: string, at: Date) {
  return db.transaction(async (tx) => {
    const old = await lockedBinding(tx, scope, mappingId);
    const [row] = await tx
      .update(productMappings)
      .set({ usageSync: on, updatedAt: at })
      .where(
        and(inScope(productMappings, scope), eq(productMappings.id, mappingId), eq(productMappings.status, 'mapped')),
      )
      .returning();
    if (row && old!.usageSync !== on)
      await recordSettingChange(tx, {
        tenantId: scope.tenantId,
        subject: `usage-sync:${mappingId}`,
        label: `Usage sync of ${bindingName(row)}`,
        changedBy: by,
        changedAt: at,
        before: { usageSync: old!.usageSync },
        after: { usageSync: on },
      });
    return row;
  });
}

/** The product's markup, for every company that has none of its own, saved by a member with the settings right. */
export async function setProductMarkup(
  db: Database,
  scope: Scope,
  mappingId: string,
  markupBp: number | null,
  by: string,
  at: Date,
) {
  return db.transaction(async (tx) => {
    const old = await lockedBinding(tx, scope, mappingId);
    if (!old) return undefined;
    const [row] = await tx
      .update(productMappings)
      .set({ markupBp, markupApprovedBy: by, updatedAt: at })
      .where(and(inScope(productMappings, scope), eq(productMappings.id, mappingId)))
      .returning();
    await recordSettingChange(tx, {
      tenantId: scope.tenantId,
      subject: `markup:${mappingId}`,
      label: `Markup of ${bindingName(row!)}`,
      changedBy: by,
      changedAt: at,
      before: { markupBp: old.markupBp },
      after: { markupBp },
    });
    return row;
  });
}

const bindingName = (r: typeof productMappings.$inferSelect) =>
  r.subProduct ? `${r.distributorProductName} - ${r.subProduct}` : r.distributorProductName;

import { and, eq, inArray } from 'drizzle-orm';
import type { UsageSettingsInput } from '../../shared/schemas/usage.ts';
import type { Database } from '../client.ts';
import { productMappings, usageSettings } from '../schema.ts';
import { inScope, owned, type Scope } from './scope.ts';

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

/** Saves what a member set for one usage subscription; fields left out keep their value. */
export async function saveUsageSettings(
  db: Database,
  scope: Scope,
  subscriptionId: string,
  input: UsageSettingsInput,
  by: string,
  /** When the write happens, by the clock the caller was given. */
  at: Date,
): Promise<UsageSettingsRow> {
  const set = {
    ...(input.option !== undefined && { option: input.option }),
    ...(input.flatPriceCents !== undefined && { flatPriceCents: input.flatPriceCents }),
    ...(input.markupBp !== undefined && { markupBp: input.markupBp }),
    ...(input.thresholdCents !== undefined && { thresholdCents: input.thresholdCents }),
    updatedBy: by,
    updatedAt: at,
  };
  const [row] = await db
    .insert(usageSettings)
    .values({ ...owned(scope), subscriptionId, ...set })
    .onConflictDoUpdate({
      target: [usageSettings.tenantId, usageSettings.distributor, usageSettings.subscriptionId],
      set,
    })
    .returning();
  return row!;
}

/** Turns a bound product's usage sync on or off; an unbound one stays off until it is bound. */
export async function setUsageSync(db: Database, scope: Scope, mappingId: string, on: boolean, at: Date) {
  const [row] = await db
    .update(productMappings)
    .set({ usageSync: on, updatedAt: at })
    .where(
      and(inScope(productMappings, scope), eq(productMappings.id, mappingId), eq(productMappings.status, 'mapped')),
    )
    .returning();
  return row;
}

/** The product's markup, for every company that has none of its own. */
export async function setProductMarkup(
  db: Database,
  scope: Scope,
  mappingId: string,
  markupBp: number | null,
  at: Date,
) {
  const [row] = await db
    .update(productMappings)
    .set({ markupBp, updatedAt: at })
    .where(and(inScope(productMappings, scope), eq(productMappings.id, mappingId)))
    .returning();
  return row;
}

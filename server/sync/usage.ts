import type { Database } from '../../db/client.ts';
import { companyMappingById, productBindingsWithSubProducts, serviceMappingFor } from '../../db/queries/mappings.ts';
import type { Scope } from '../../db/queries/scope.ts';
import { getSettings } from '../../db/queries/settings.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { usageSettingsFor } from '../../db/queries/usage.ts';
import { arrearsPeriod, currentUsageDay } from '../../shared/billing/usage/period.ts';
import { latestLines, planUsage, type UsageBinding, type UsagePlanInput } from '../../shared/billing/usage/plan.ts';
import type { Subscription } from '../../shared/schemas/distributor.ts';
import type { UsageOption, UsageReading } from '../../shared/schemas/usage.ts';
import type { CwClient } from '../connectwise/client.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import type { Distributor } from '../distributors/types.ts';
import { AppError } from '../errors.ts';
import { mapLimit } from '../http/limit.ts';
import { readSubscription } from './load.ts';
import { ownLines } from './shared-lines.ts';
import { usagePanel } from './usage-panel.ts';

/** Pax8 strikes a month's usage on the 3rd and invoices on the 4th: the default final day. */
export const DEFAULT_USAGE_FINAL_DAY = 4;

/**
 * A subscription's usage as of some days: its summaries once, then each summary's lines on
 * each day (the lines of a day are that day's running totals). The fewest reads there are.
 */
export async function readUsage(
  distributor: Distributor,
  subscriptionId: string,
  days: readonly string[],
): Promise<UsageReading[]> {
  const summaries = (await distributor.usageSummaries(subscriptionId)).items;
  const perDay = await Promise.all(
    days.map(async (day) => ({
      day,
      summaries: await mapLimit(summaries, 4, async (s) => ({
        id: s.id,
        resourceGroup: s.resourceGroup || s.id,
        lines: latestLines((await distributor.usageLines(s.id, day)).items),
      })),
    })),
  );
  return perDay;
}

export interface LoadedUsage {
  input: UsagePlanInput;
  /** This month so far, for the panel; null on the first of the month. */
  current: UsageReading | null;
  companyName: string;
  settings: {
    option: UsageOption | null;
    flatPriceCents: number | null;
    markupBp: number | null;
    productMarkupBp: number | null;
    thresholdCents: number | null;
  };
}

/** Whether a subscription bills in arrears: Pax8 serves usage products with $0 rates. */
export const isUsage = (s: Pick<Subscription, 'unitPrice' | 'unitCost'>) => s.unitPrice === 0 && s.unitCost === 0;

/**
 * Everything the usage planner needs for one subscription, read fresh: the mapping, the
 * bindings and their sync switches, the member's settings, last month's usage as of its last
 * day (and this month's so far when `withCurrent`), and ConnectWise's agreement as it is now.
 */
export async function loadUsage(
  db: Database,
  tenant: Tenant,
  cw: CwClient,
  distributor: Distributor,
  subscriptionId: string,
  today: string,
  options: { option?: UsageOption; withCurrent?: boolean; subscription?: Subscription } = {},
): Promise<LoadedUsage> {
  if (!distributor.capabilities.usage)
    throw new AppError(
      'conflict',
      `${distributor.displayName} does not report usage, so there is nothing to bill in arrears.`,
      {
        reason: 'no_usage',
      },
    );
  const mine: Scope = { tenantId: tenant.id, distributor: distributor.kind };
  const mapping = await serviceMappingFor(db, mine, subscriptionId);
  if (!mapping) {
    await readSubscription(distributor, subscriptionId);
    throw new AppError('conflict', 'This subscription is not mapped to an agreement yet; choose its agreement first.', {
      reason: 'unmapped',
    });
  }
  if (mapping.status === 'paused')
    throw new AppError('conflict', "The company is unbound, so this subscription's mapping is paused.", {
      reason: 'paused',
    });
  const subscription = options.subscription ?? (await readSubscription(distributor, subscriptionId));
  if (!isUsage(subscription))
    throw new AppError(
      'conflict',
      `${subscription.productName} is billed by seat, not in arrears; review it as a seat subscription.`,
      {
        reason: 'not_usage',
      },
    );
  const [company, bindings, stored, settings] = await Promise.all([
    mapping.companyMappingId ? companyMappingById(db, mine, mapping.companyMappingId) : undefined,
    productBindingsWithSubProducts(db, mine, subscription.productId),
    usageSettingsFor(db, mine, [subscriptionId]),
    getSettings(db, tenant.id),
  ]);
  const bound = bindings.filter((b) => b.status === 'mapped' && b.cwCatalogItemId !== null);
  const top = bound.find((b) => b.subProduct === '');
  const binding = (b: (typeof bound)[number]): UsageBinding => ({
    catalogItemId: b.cwCatalogItemId!,
    sync: b.usageSync,
  });
  const subProducts = new Map(bound.filter((b) => b.subProduct !== '').map((b) => [b.subProduct, binding(b)]));
  const own = stored.get(subscriptionId);
  const period = arrearsPeriod(today, distributor.usageFinalDay ?? DEFAULT_USAGE_FINAL_DAY, settings.rules.arrearsDay);
  const currentDay = options.withCurrent ? currentUsageDay(today) : null;
  const [readings, agreement, additions] = await Promise.all([
    readUsage(distributor, subscriptionId, [period.to, ...(currentDay ? [currentDay] : [])]),
    cw.agreements.get(mapping.cwAgreementId),
    cw.additions.list(mapping.cwAgreementId),
  ]);
  if (company?.cwCompanyId !== agreement.company.id)
    throw new AppError(
      'conflict',
      `Agreement ${agreement.name} belongs to another ConnectWise company than the one this subscription's company is bound to. Nothing was written; choose one of its own agreements.`,
      { reason: 'wrong_company' },
    );
  const option = options.option ?? own?.option ?? (subProducts.size > 0 ? 'multi-products' : 'usage-summary');
  return {
    companyName: company?.cwCompanyName ?? company?.distributorCompanyName ?? '',
    current: currentDay ? readings[1]! : null,
    settings: {
      option: own?.option ?? null,
      flatPriceCents: own?.flatPriceCents ?? null,
      markupBp: own?.markupBp ?? null,
      productMarkupBp: top?.markupBp ?? null,
      thresholdCents: own?.thresholdCents ?? null,
    },
    input: {
      subscription: { id: subscription.id, productName: subscription.productName, startDate: subscription.startDate },
      option,
      period,
      reading: readings[0]!,
      product: top ? binding(top) : null,
      subProducts,
      markupBp: own?.markupBp ?? top?.markupBp ?? null,
      flatPriceCents: own?.flatPriceCents ?? null,
      thresholdCents: own?.thresholdCents ?? null,
      agreement: toAgreementView(agreement),
      additions: ownLines(additions.map(toAdditionView), distributor.markerPrefix),
      today,
      distributor: { name: distributor.displayName, markerPrefix: distributor.markerPrefix },
    },
  };
}

/** The plan and the panel for a review. */
export function reviewUsage(loaded: LoadedUsage) {
  const plan = planUsage(loaded.input);
  return { plan, panel: usagePanel(loaded, plan) };
}

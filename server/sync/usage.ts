import type { Database } from '../../db/client.ts';
import type { ProductMapping } from '../../db/queries/mappings.ts';
import { companyMappingById, productBindingsWithSubProducts } from '../../db/queries/mappings.ts';
import type { Scope } from '../../db/queries/scope.ts';
import { getSettings } from '../../db/queries/settings.ts';
import { type UsageSettingsRow, usageSettingsFor } from '../../db/queries/usage.ts';
import type { AdditionView } from '../../shared/billing/additions.ts';
import { ownLines } from '../../shared/billing/assessment/shared-lines.ts';
import { arrearsPeriod, currentUsageDay } from '../../shared/billing/usage/period.ts';
import {
  isUsage,
  latestLines,
  planUsage,
  type UsageBinding,
  type UsagePlanInput,
} from '../../shared/billing/usage/plan.ts';
import { microsToCents, parseMicros } from '../../shared/money.ts';
import type { Subscription } from '../../shared/schemas/distributor.ts';
import type { AgreementView } from '../../shared/schemas/mapping.ts';
import type { SyncRules } from '../../shared/schemas/settings.ts';
import type { UsageOption, UsagePeriod, UsageReading } from '../../shared/schemas/usage.ts';
import type { CwClient } from '../connectwise/client.ts';
import { where } from '../connectwise/conditions.ts';
import type { CwAddition, CwAgreement } from '../connectwise/types.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import type { Distributor } from '../distributors/types.ts';
import { AppError } from '../errors.ts';
import { mapLimit } from '../http/limit.ts';
import { mappedService, readSubscription, type SubscriptionReads } from './load.ts';
import type { LoadedUsage } from './loaded-usage.ts';
import { usagePanel } from './usage-panel.ts';

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
    days.map(async (day) => {
      const problems = new Set<string>();
      const read = await mapLimit(summaries, 4, async (s) => {
        const lines = await distributor.usageLines(s.id, day);
        // A line no customer owns is never billed to a guess; the review says so.
        for (const p of lines.problems) if (p.effect === 'dropped' && p.field === 'tenant') problems.add(p.message);
        return { id: s.id, resourceGroup: s.resourceGroup || s.id, lines: latestLines(lines.items) };
      });
      return { day, summaries: read, ...(problems.size > 0 ? { problems: [...problems] } : {}) };
    }),
  );
  return perDay;
}

export type { LoadedUsage } from './loaded-usage.ts';

/** The month a distributor's usage is billed for on `today`, final from its day or the tenant's, whichever is later. */
export const usagePeriodOf = (distributor: Distributor, today: string, rules: Pick<SyncRules, 'arrearsDay'>) =>
  arrearsPeriod(today, distributor.usageFinalDay, rules.arrearsDay);

/**
 * A mapped usage subscription of the tenant's distributor, or the 409 (or 404) that says why
 * its usage cannot be billed: no usage at this distributor, not mapped, paused, or billed by seat.
 */
export async function usageSubscription(
  db: Database,
  scope: Scope,
  distributor: Distributor,
  subscriptionId: string,
  known?: Subscription,
) {
  if (!distributor.capabilities.usage)
    throw new AppError(
      'conflict',
      `${distributor.displayName} does not report usage, so there is nothing to bill in arrears.`,
      { reason: 'no_usage' },
    );
  const mapping = await mappedService(db, scope, distributor, subscriptionId);
  const subscription = known ?? (await readSubscription(distributor, subscriptionId));
  if (!isUsage(subscription))
    throw new AppError(
      'conflict',
      `${subscription.productName} is billed by seat, not in arrears; review it as a seat subscription.`,
      { reason: 'not_usage' },
    );
  return { mapping, subscription };
}

/** Whether a subscription bills in arrears, as its distributor's adapter says: never from its amounts. */
/**
 * Everything the usage planner needs for one subscription, read fresh: the mapping, the
 * bindings and their sync switches, the member's settings, last month's usage as of its last
 * day (and this month's so far when `withCurrent`), and ConnectWise's agreement as it is now.
 */
export async function loadUsage(
  reads: SubscriptionReads,
  subscriptionId: string,
  options: {
    option?: UsageOption;
    withCurrent?: boolean;
    /** Already read or worked out by the caller (the arrears run, once for all); here otherwise. */
    subscription?: Subscription;
    period?: UsagePeriod;
    agreement?: CwAgreement;
    additions?: readonly CwAddition[];
    /** Catalog prices already read in this run, shared by its subscriptions (filled as they are read). */
    catalogPrices?: CatalogPrices;
  } = {},
): Promise<LoadedUsage> {
  const { db, tenant, cw, distributor, today } = reads;
  const mine: Scope = { tenantId: tenant.id, distributor: distributor.kind };
  const { mapping, subscription } = await usageSubscription(
    db,
    mine,
    distributor,
    subscriptionId,
    options.subscription,
  );
  const [company, bindings, stored, period] = await Promise.all([
    mapping.companyMappingId ? companyMappingById(db, mine, mapping.companyMappingId) : undefined,
    productBindingsWithSubProducts(db, mine, subscription.productId),
    usageSettingsFor(db, mine, [subscriptionId]),
    options.period ?? getSettings(db, tenant.id).then((settings) => usagePeriodOf(distributor, today, settings.rules)),
  ]);
  const own = stored.get(subscriptionId);
  const currentDay = options.withCurrent ? currentUsageDay(today) : null;
  const [readings, agreement, additions] = await Promise.all([
    readUsage(distributor, subscriptionId, [period.to, ...(currentDay ? [currentDay] : [])]),
    options.agreement?.id === mapping.cwAgreementId ? options.agreement : cw.agreements.get(mapping.cwAgreementId),
    options.additions && options.agreement?.id === mapping.cwAgreementId
      ? options.additions
      : cw.additions.list(mapping.cwAgreementId),
  ]);
  if (company?.cwCompanyId !== agreement.company.id)
    throw new AppError(
      'conflict',
      `Agreement ${agreement.name} belongs to another ConnectWise company than the one this subscription's ` +
        `company is bound to. Nothing was written; choose one of its own agreements.`,
      { reason: 'wrong_company' },
    );
  const catalogPrices = await catalogPricesFor(cw, distributor, readings[0]!, bindings, options.catalogPrices);
  const input = usagePlanInput({
    catalogPrices,
    subscription,
    bindings,
    own,
    option: options.option,
    period,
    reading: readings[0]!,
    agreement: toAgreementView(agreement),
    additions: additions.map(toAdditionView),
    today,
    distributor,
  });
  const top = bindings.find((b) => b.subProduct === '' && b.status === 'mapped');
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
    input,
    standingOption: own?.option ?? defaultOption(input.subProducts),
    unapproved: unapprovedValues(own, top, subscription.productName),
  };
}

/** Values set without the settings right, which the arrears run does not bill with unattended. */
function unapprovedValues(
  own: UsageSettingsRow | undefined,
  top: ProductMapping | undefined,
  productName: string,
): string | null {
  const why: string[] = [];
  const set = own && [own.option, own.flatPriceCents, own.markupBp, own.thresholdCents].some((v) => v !== null);
  if (set && own.approvedBy === null)
    why.push(`the usage settings of ${productName} were saved by ${own.updatedBy} without the settings right`);
  if (top && top.markupBp !== null && top.markupApprovedBy === null)
    why.push(`the markup of ${top.distributorProductName} was saved without the settings right`);
  return why.length === 0
    ? null
    : `${why.join('; and ')}. A member whose role may change settings saves them again before the arrears run bills with them.`;
}

/** Without a member's choice: Multi Products where sub-products are bound, Usage Summary otherwise. */
const defaultOption = (subProducts: ReadonlyMap<string, unknown>): UsageOption =>
  subProducts.size > 0 ? 'multi-products' : 'usage-summary';

/**
 * The usage planner's input from what is stored and read: the product's binding and its
 * sub-products' with their sync switches, the member's option (else Multi Products where
 * sub-products are bound, Usage Summary otherwise), the company's markup over the product's,
 * and the agreement's lines this distributor's sync may read.
 */
export function usagePlanInput(v: {
  catalogPrices?: ReadonlyMap<number, { priceCents: number; costCents: number }>;
  subscription: Subscription;
  bindings: readonly ProductMapping[];
  own: UsageSettingsRow | undefined;
  option?: UsageOption;
  period: UsagePeriod;
  reading: UsageReading;
  agreement: AgreementView;
  additions: readonly AdditionView[];
  today: string;
  distributor: Distributor;
}): UsagePlanInput {
  const bound = v.bindings.filter(
    (b) => b.distributorProductId === v.subscription.productId && b.status === 'mapped' && b.cwCatalogItemId !== null,
  );
  const top = bound.find((b) => b.subProduct === '');
  const binding = (b: ProductMapping): UsageBinding => ({
    catalogItemId: b.cwCatalogItemId!,
    sync: b.usageSync,
    ...(v.catalogPrices?.has(b.cwCatalogItemId!) ? { catalogPrice: v.catalogPrices.get(b.cwCatalogItemId!)! } : {}),
  });
  const subProducts = new Map(bound.filter((b) => b.subProduct !== '').map((b) => [b.subProduct, binding(b)]));
  return {
    subscription: {
      id: v.subscription.id,
      productName: v.subscription.productName,
      startDate: v.subscription.startDate,
      currency: v.subscription.currency,
    },
    option: v.option ?? v.own?.option ?? defaultOption(subProducts),
    period: v.period,
    reading: v.reading,
    product: top ? binding(top) : null,
    subProducts,
    markupBp: v.own?.markupBp ?? top?.markupBp ?? null,
    flatPriceCents: v.own?.flatPriceCents ?? null,
    thresholdCents: v.own?.thresholdCents ?? null,
    agreement: v.agreement,
    additions: ownLines(v.additions, v.distributor.markerPrefix),
    today: v.today,
    distributor: {
      name: v.distributor.displayName,
      markerPrefix: v.distributor.markerPrefix,
      linesPriced: v.distributor.usageLinesPriced ?? true,
    },
  };
}

type CatalogPrice = { priceCents: number; costCents: number } | undefined;
/** Catalog items' prices by id, as read (or being read) once for a whole run. */
export type CatalogPrices = Map<number, Promise<CatalogPrice>>;

/**
 * The prices of the ConnectWise products bound to sub-products the distributor counted but did
 * not price, in one read: none for a distributor that prices its usage (Pax8), so its reads do
 * not grow. A run shares what it has read (`known`), so its subscriptions read each item once.
 */
export async function catalogPricesFor(
  cw: CwClient,
  distributor: Pick<Distributor, 'usageLinesPriced'>,
  reading: UsageReading,
  bindings: readonly ProductMapping[],
  known: CatalogPrices = new Map(),
) {
  if (distributor.usageLinesPriced !== false) return new Map<number, { priceCents: number; costCents: number }>();
  const names = new Set(
    reading.summaries.flatMap((s) => s.lines.filter((l) => l.quantity > 0).map((l) => l.productName)),
  );
  const ids = [
    ...new Set(
      bindings.filter((b) => names.has(b.subProduct) && b.cwCatalogItemId !== null).map((b) => b.cwCatalogItemId!),
    ),
  ];
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) {
    const cents = (n: number | null | undefined) => microsToCents(parseMicros(n ?? 0));
    const read = cw.catalog
      .search({ conditions: where.in('id', missing) })
      .then((items) => new Map(items.map((i) => [i.id, { priceCents: cents(i.price), costCents: cents(i.cost) }])));
    for (const id of missing) {
      const price = read.then((m) => m.get(id));
      // Awaited below or by another subscription; a failure surfaces there, never unhandled,
      // and is not kept: the next subscription asks again.
      price.catch(() => known.delete(id));
      known.set(id, price);
    }
  }
  const prices = new Map<number, { priceCents: number; costCents: number }>();
  for (const id of ids) {
    const price = await known.get(id)!;
    if (price) prices.set(id, price);
  }
  return prices;
}

/** The plan and the panel for a review. */
export function reviewUsage(loaded: LoadedUsage) {
  const plan = planUsage(loaded.input);
  return { plan, panel: usagePanel(loaded, plan) };
}

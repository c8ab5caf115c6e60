import type { Database } from '../../db/client.ts';
import {
  ignoredIds,
  listCompanyMappings,
  listProductMappings,
  listServiceMappings,
  type ServiceMapping,
} from '../../db/queries/mappings.ts';
import type { StatusRow } from '../../db/queries/status.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { type AdditionView, billingAdditions } from '../../shared/billing/additions.ts';
import { type PlanInput, type PlanResult, planSubscription } from '../../shared/billing/planner.ts';
import { microsToCents } from '../../shared/money.ts';
import type { Subscription } from '../../shared/schemas/distributor.ts';
import type { AgreementView } from '../../shared/schemas/mapping.ts';
import type { SyncRules } from '../../shared/schemas/settings.ts';
import type { CwClient } from '../connectwise/client.ts';
import { where } from '../connectwise/conditions.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import type { Distributor } from '../distributors/types.ts';
import { mapLimit } from '../http/limit.ts';

export type AssessedState = 'in-sync' | 'out-of-sync' | 'unmapped' | 'needs-review';

export interface Assessment {
  subscription: Subscription;
  companyName: string;
  cwCompanyId: number | null;
  mapping: ServiceMapping | null;
  agreement: AgreementView | null;
  usage: boolean;
  ignored: boolean;
  state: AssessedState;
  cwQuantity: number | null;
  cwAdditionId: number | null;
  monthlyDifference: number | null;
  reason: string | null;
  plan: PlanResult | null;
  input: PlanInput | null;
}

export interface AssessScope {
  /** Only these distributor companies (the agreement pod); all bound companies otherwise. */
  distributorCompanyIds?: readonly string[];
}

const CHUNK = 150;

/**
 * Compares every subscription of the bound companies with ConnectWise. Reads are batched:
 * all subscriptions in pages, agreements by id in chunks, one additions read per agreement.
 * A subscription whose current addition already matches is in sync without reading its
 * history; only the ones that differ are planned.
 */
export async function assessTenant(
  deps: {
    db: Database;
    tenant: Tenant;
    cw: CwClient;
    distributor: Distributor;
    today: string;
    rules: SyncRules;
    concurrency?: number;
  },
  scope: AssessScope = {},
): Promise<Assessment[]> {
  const { db, tenant, cw, distributor, today } = deps;
  const [companies, products, services, ignored] = await Promise.all([
    listCompanyMappings(db, tenant.id),
    listProductMappings(db, tenant.id),
    listServiceMappings(db, tenant.id),
    ignoredIds(db, tenant.id),
  ]);
  const bound = new Map(
    companies.filter((c) => c.status === 'mapped' && c.cwCompanyId !== null).map((c) => [c.distributorCompanyId, c]),
  );
  const wanted = scope.distributorCompanyIds ? new Set(scope.distributorCompanyIds) : null;
  const subscriptions =
    wanted && wanted.size === 1
      ? (await distributor.subscriptions({ companyId: [...wanted][0]! })).items
      : (await distributor.subscriptions()).items.filter(
          (s) => bound.has(s.companyId) && (!wanted || wanted.has(s.companyId)),
        );
  const byService = new Map(services.map((m) => [m.subscriptionId, m]));
  const catalogOf = new Map(
    products
      .filter((p) => p.subProduct === '' && p.status === 'mapped' && p.cwCatalogItemId !== null)
      .map((p) => [p.distributorProductId, p]),
  );

  const agreementIds = [
    ...new Set(
      subscriptions
        .map((s) => byService.get(s.id))
        .filter((m): m is ServiceMapping => m !== undefined && m.status === 'mapped')
        .map((m) => m.cwAgreementId),
    ),
  ];
  const agreements = new Map<number, AgreementView>();
  for (let i = 0; i < agreementIds.length; i += CHUNK) {
    for (const a of await cw.agreements.list({ conditions: where.in('id', agreementIds.slice(i, i + CHUNK)) }))
      agreements.set(a.id, toAgreementView(a));
  }
  const additionLists = await mapLimit(agreementIds, deps.concurrency ?? 6, async (id) =>
    (await cw.additions.list(id)).map(toAdditionView),
  );
  const additions = new Map<number, AdditionView[]>(agreementIds.map((id, i) => [id, additionLists[i]!]));

  const base = (s: Subscription): Assessment => {
    const company = bound.get(s.companyId);
    return {
      subscription: s,
      companyName: company?.distributorCompanyName ?? s.companyId,
      cwCompanyId: company?.cwCompanyId ?? null,
      mapping: byService.get(s.id) ?? null,
      agreement: null,
      usage: s.unitPrice === 0 && s.unitCost === 0,
      ignored: ignored.has(s.id),
      state: 'unmapped',
      cwQuantity: null,
      cwAdditionId: null,
      monthlyDifference: null,
      reason: null,
      plan: null,
      input: null,
    };
  };

  const toPlan: Assessment[] = [];
  const results = subscriptions.map((s) => {
    const a = base(s);
    const m = a.mapping;
    if (m?.status !== 'mapped') {
      a.reason =
        m?.status === 'paused' ? 'The company is unbound; its mapping is paused.' : 'Not mapped to an agreement yet.';
      return a;
    }
    a.agreement = agreements.get(m.cwAgreementId) ?? null;
    const product = catalogOf.get(s.productId);
    if (!a.agreement)
      return Object.assign(a, {
        state: 'needs-review',
        reason: `Agreement ${m.cwAgreementId} was not found in ConnectWise.`,
      });
    if (!product)
      return Object.assign(a, {
        state: 'needs-review',
        reason: 'The product is not bound to a ConnectWise catalog item.',
      });
    if (a.usage)
      return Object.assign(a, {
        state: 'needs-review',
        reason: 'Billed in arrears from usage; review its usage before invoicing.',
      });
    if (s.quantity === null)
      return Object.assign(a, { state: 'needs-review', reason: 'Pax8 did not say how many seats it has.' });
    const list = additions.get(m.cwAgreementId) ?? [];
    const current = billingAdditions(list, product.cwCatalogItemId!, today, s.commitment?.endDate ?? null);
    const addition = current[0];
    a.cwQuantity = addition?.quantity ?? 0;
    a.cwAdditionId = addition?.id ?? null;
    const price = s.unitPrice === null ? 0 : microsToCents(s.unitPrice);
    a.monthlyDifference =
      s.quantity * price - (addition ? addition.quantity * microsToCents(addition.unitPrice ?? 0) : 0);
    const ended = s.endDate !== null && s.endDate.slice(0, 10) <= today;
    const matches =
      current.length === 1 &&
      !ended &&
      addition!.quantity === s.quantity &&
      microsToCents(addition!.unitPrice ?? 0) === price &&
      microsToCents(addition!.unitCost ?? 0) === (s.unitCost === null ? 0 : microsToCents(s.unitCost)) &&
      (addition!.cancelledDate?.slice(0, 10) ?? null) === (s.commitment?.endDate?.slice(0, 10) ?? null);
    if (matches || (ended && current.length === 0)) return Object.assign(a, { state: 'in-sync' });
    a.input = {
      subscription: s,
      history: [],
      product: { catalogItemId: product.cwCatalogItemId!, label: product.cwCatalogIdentifier ?? s.productName },
      agreement: a.agreement,
      additions: list,
      rules: deps.rules,
      today,
    };
    toPlan.push(a);
    return a;
  });

  // Invoices read the same whoever writes them: the catalog item's description, as the review shows it.
  const itemIds = [...new Set(toPlan.map((a) => a.input!.product.catalogItemId))];
  const labels = new Map<number, string>();
  for (let i = 0; i < itemIds.length; i += CHUNK) {
    for (const item of await cw.catalog.search({
      conditions: where.in('id', itemIds.slice(i, i + CHUNK)),
      fields: 'id,identifier,description',
    }))
      labels.set(item.id, item.description.slice(0, 50));
  }
  for (const a of toPlan) a.input!.product.label = labels.get(a.input!.product.catalogItemId) ?? a.input!.product.label;

  // Only what differs needs its history (for prorates) and a plan.
  await mapLimit(toPlan, deps.concurrency ?? 6, async (a) => {
    a.input!.history = (await distributor.subscriptionHistory(a.subscription.id)).items;
    a.plan = planSubscription(a.input!);
    if (a.plan.status === 'blocked') Object.assign(a, { state: 'needs-review', reason: a.plan.reason });
    else if (a.plan.operations.length === 0) a.state = 'in-sync';
    else Object.assign(a, { state: 'out-of-sync', reason: a.plan.operations.map((o) => o.title).join('; ') });
  });
  return results;
}

/** An assessment as the status row the report, the pod and the history read. */
export function statusRow(tenantId: string, a: Assessment, checkedAt: Date): StatusRow {
  const inSync = a.state === 'in-sync';
  return {
    tenantId,
    subscriptionId: a.subscription.id,
    distributorCompanyId: a.subscription.companyId,
    companyName: a.companyName,
    productName: a.subscription.productName,
    billingTerm: a.subscription.billingTerm,
    usage: a.usage,
    cwCompanyId: a.cwCompanyId,
    cwAgreementId: a.agreement?.id ?? a.mapping?.cwAgreementId ?? null,
    cwAgreementName: a.agreement?.name ?? null,
    cwAdditionId: a.cwAdditionId,
    state: a.state,
    cwQuantity: inSync ? a.subscription.quantity : a.cwQuantity,
    distributorQuantity: a.subscription.quantity,
    monthlyDifference: inSync ? 0 : a.monthlyDifference,
    unitPrice: a.subscription.unitPrice === null ? null : microsToCents(a.subscription.unitPrice),
    reason: inSync ? null : a.reason,
    outOfSyncSince: inSync ? null : checkedAt,
    checkedAt,
  };
}

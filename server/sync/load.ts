import type { Database } from '../../db/client.ts';
import {
  companyMappingById,
  otherDistributorsBilling,
  productMappingsOf,
  serviceMappingFor,
} from '../../db/queries/mappings.ts';
import { waivedOperations } from '../../db/queries/operations.ts';
import type { Scope } from '../../db/queries/scope.ts';
import { getSettings } from '../../db/queries/settings.ts';
import type { Tenant } from '../../db/queries/tenants.ts';
import { billingAdditions } from '../../shared/billing/additions.ts';
import { waiverOf } from '../../shared/billing/assessment/records.ts';
import { ownLines, sharedLineBlocker } from '../../shared/billing/assessment/shared-lines.ts';
import type { PlanInput } from '../../shared/billing/planner.ts';
import { findUpgrades } from '../../shared/billing/upgrades.ts';
import type { ParseProblem, Subscription } from '../../shared/schemas/distributor.ts';
import type { DriftEntry } from '../../shared/schemas/plans.ts';
import type { CwClient } from '../connectwise/client.ts';
import { toAdditionView, toAgreementView } from '../connectwise/views.ts';
import { connectionName } from '../distributors/registry.ts';
import type { Distributor } from '../distributors/types.ts';
import { AppError } from '../errors.ts';
import { VendorError } from '../http/vendor-error.ts';
import { findDrift } from './drift.ts';

export interface Loaded {
  input: PlanInput;
  serviceMappingId: string;
  /** Lines the sync wrote that someone has changed or removed in ConnectWise. */
  drift: DriftEntry[];
  /** History snapshots the distributor sent that could not be read. */
  historyProblems: ParseProblem[];
}

/** Where one subscription's reads come from: the tenant's database, ConnectWise as the caller, its distributor, on a day. */
export interface SubscriptionReads {
  db: Database;
  tenant: Tenant;
  cw: CwClient;
  distributor: Distributor;
  today: string;
}

/**
 * Everything the planner needs for one subscription, read fresh: the sync must compare with
 * ConnectWise as it is now, never with a cached copy.
 */
export async function loadPlanInput(
  reads: SubscriptionReads,
  subscriptionId: string,
  options?: PlanInput['options'],
): Promise<Loaded> {
  const { db, tenant, cw, distributor, today } = reads;
  const mine: Scope = { tenantId: tenant.id, distributor: distributor.kind };
  const mapping = await mappedService(db, mine, distributor, subscriptionId);
  // The subscription as the distributor has it now, read with its company's others: whether it
  // is one side of a full upgrade shows only beside them.
  const company = mapping.companyMappingId ? await companyMappingById(db, mine, mapping.companyMappingId) : undefined;
  const listed = company ? (await distributor.subscriptions({ companyId: company.distributorCompanyId })).items : [];
  const read = listed.find((s) => s.id === subscriptionId) ?? (await readSubscription(distributor, subscriptionId));
  const siblings = listed.some((s) => s.id === read.id)
    ? listed
    : (await distributor.subscriptions({ companyId: read.companyId })).items;
  const upgrade = findUpgrades(siblings).get(read.id);
  const subscription = upgrade ? { ...read, upgrade } : read;
  const products = await productMappingsOf(db, mine, subscription.productId);
  const product = products.find((p) => p.status === 'mapped' && p.cwCatalogItemId !== null);
  if (!product)
    throw new AppError(
      'conflict',
      `${subscription.productName} is not bound to a ConnectWise catalog item; bind it on the Products page first.`,
      { reason: 'product_unmapped' },
    );
  const [history, agreement, additions, settings, item, others] = await Promise.all([
    distributor.subscriptionHistory(subscriptionId),
    cw.agreements.get(mapping.cwAgreementId),
    cw.additions.list(mapping.cwAgreementId),
    getSettings(db, tenant.id),
    cw.catalog.get(product.cwCatalogItemId!),
    otherDistributorsBilling(db, mine),
  ]);
  // Never bill the wrong customer: the agreement must belong to the company the subscription's
  // distributor company is bound to now.
  if (company?.cwCompanyId !== agreement.company.id)
    throw new AppError(
      'conflict',
      `Agreement ${agreement.name} belongs to another ConnectWise company than the one ` +
        `${company?.distributorCompanyName ?? `this ${distributor.displayName} company`} is bound ` +
        `to${company?.cwCompanyName ? ` (${company.cwCompanyName})` : ''}. Nothing was written; choose one of its own agreements.`,
      { reason: 'wrong_company' },
    );
  // Lines another distributor's sync wrote are its own; an unmarked one it may bill is not taken over.
  const views = ownLines(additions.map(toAdditionView), distributor.markerPrefix);
  const shared = sharedLineBlocker(
    others,
    { id: agreement.id, name: agreement.name },
    item.id,
    billingAdditions(views, item.id, today, subscription.commitment?.endDate ?? null),
    connectionName,
  );
  if (shared) throw new AppError('conflict', shared, { reason: 'shared_line' });
  // Lines the sync wrote and someone changed: shown with the plan, and a removed one gets a new key.
  const [{ drift, gone }, waived] = await Promise.all([
    findDrift(db, mine, subscription.id, agreement.id, views),
    waivedOperations(db, mine, [subscription.id]),
  ]);
  return {
    serviceMappingId: mapping.id,
    drift,
    historyProblems: history.problems,
    input: {
      subscription,
      history: history.items,
      product: { catalogItemId: item.id, label: item.description.slice(0, 50) },
      agreement: toAgreementView(agreement),
      additions: views,
      rules: settings.rules,
      today,
      options,
      gone,
      waived: waived.map(waiverOf),
      distributor: { name: distributor.displayName, markerPrefix: distributor.markerPrefix },
    },
  };
}

/** A subscription's mapping to its agreement, or the 409 (or 404) that says why it cannot be planned. */
export async function mappedService(db: Database, scope: Scope, distributor: Distributor, subscriptionId: string) {
  const mapping = await serviceMappingFor(db, scope, subscriptionId);
  if (!mapping) {
    // An id the tenant's distributor does not know is "not found", not "not mapped yet".
    await readSubscription(distributor, subscriptionId);
    throw new AppError('conflict', 'This subscription is not mapped to an agreement yet; choose its agreement first.', {
      reason: 'unmapped',
    });
  }
  if (mapping.status === 'paused')
    throw new AppError('conflict', "The company is unbound, so this subscription's mapping is paused.", {
      reason: 'paused',
    });
  return mapping;
}

/** One subscription from the tenant's distributor, or a 404 that says what the distributor said. */
export async function readSubscription(distributor: Distributor, subscriptionId: string): Promise<Subscription> {
  let subs: Awaited<ReturnType<Distributor['subscription']>>;
  try {
    subs = await distributor.subscription(subscriptionId);
  } catch (error) {
    if (error instanceof VendorError && error.code === 'not_found')
      throw new AppError('not_found', `${distributor.displayName} has no subscription ${subscriptionId}.`);
    throw error;
  }
  const subscription = subs.items[0];
  if (!subscription)
    throw new AppError(
      'not_found',
      `${distributor.displayName} did not return subscription ${subscriptionId}: ` +
        `${subs.problems.map((p) => `${p.field} ${p.message}`).join('; ') || 'not found'}.`,
    );
  return subscription;
}

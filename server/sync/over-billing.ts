import type { ProductMapping } from '../../db/queries/mappings.ts';
import type { StatusRow } from '../../db/queries/status.ts';
import type { AdditionView } from '../../shared/billing/additions.ts';
import { type BoundProduct, type OverBilling, overBillingOn } from '../../shared/billing/over-billing.ts';
import type { AgreementView } from '../../shared/schemas/mapping.ts';
import type { Assessment } from './assess.ts';

/** The catalog items bound to distributor products, each with every product bound to it. */
export function boundProducts(mappings: readonly ProductMapping[]): BoundProduct[] {
  const byItem = new Map<number, BoundProduct & { distributorProductIds: string[] }>();
  for (const p of mappings) {
    if (p.status !== 'mapped' || p.subProduct !== '' || p.cwCatalogItemId === null) continue;
    const item = byItem.get(p.cwCatalogItemId) ?? {
      catalogItemId: p.cwCatalogItemId,
      label: p.cwCatalogIdentifier ?? p.distributorProductName,
      distributorProductIds: [],
    };
    item.distributorProductIds.push(p.distributorProductId);
    byItem.set(p.cwCatalogItemId, item);
  }
  return [...byItem.values()];
}

/**
 * Possible over-billing on the given agreements of one bound company, from the company's
 * assessed subscriptions (which say what each is mapped to and which addition it bills).
 */
export function overBillingIn(
  products: readonly BoundProduct[],
  assessed: readonly Assessment[],
  agreements: readonly { agreement: AgreementView; additions: readonly AdditionView[] }[],
  today: string,
  distributorName: string,
): OverBilling[] {
  const subscriptions = assessed.map((a) => ({
    subscription: a.subscription,
    mappedTo: a.mapping?.status === 'mapped' ? a.mapping.cwAgreementId : null,
    additionId: a.cwAdditionId,
  }));
  return agreements.flatMap(({ agreement, additions }) =>
    agreement.cancelled ? [] : overBillingOn({ agreement, additions, products, subscriptions, today, distributorName }),
  );
}

/** Over-billing as a row of the unsynced report: keyed by the first ConnectWise addition it names. */
export function overBillingRow(
  o: OverBilling,
  company: { distributorCompanyId: string; companyName: string; cwCompanyId: number | null },
  agreementName: string,
  checkedAt: Date,
): Omit<StatusRow, 'tenantId' | 'distributor'> {
  return {
    subscriptionId: overBillingKey(o),
    distributorCompanyId: company.distributorCompanyId,
    companyName: company.companyName,
    productName: o.productName,
    billingTerm: '',
    cwCompanyId: company.cwCompanyId,
    cwAgreementId: o.agreementId,
    cwAgreementName: agreementName,
    cwAdditionId: o.additionIds[0] ?? null,
    state: 'over-billing',
    cwQuantity: o.cwQuantity,
    distributorQuantity: o.distributorQuantity,
    monthlyDifference: o.monthlyDifference,
    reason: o.reason,
    outOfSyncSince: checkedAt,
    checkedAt,
  };
}

export const overBillingKey = (o: Pick<OverBilling, 'agreementId' | 'catalogItemId'>) =>
  `cw:${o.agreementId}:${o.catalogItemId}`;

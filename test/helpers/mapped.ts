import { answer, type Caller } from './api.ts';
import type { Stack } from './stack.ts';

/**
 * Binds a company, its subscriptions' products (where the catalog has them) and maps one
 * monthly subscription to the company's first open agreement, as a technician would.
 */
export async function mapSubscription(
  stack: Stack,
  call: Caller,
  companyName: string,
  pick?: (s: { id: string; productId: string }) => boolean,
  cwName = companyName,
) {
  const world = stack.sandboxes.world;
  const pax8 = world.pax8.companies.find((c) => c.name === companyName)!;
  const cw = world.cw.companies.find((c) => c.name === cwName)!;
  await answer(call['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: cw.id } }));
  const subs = world.pax8.subscriptions.filter(
    (s) => s.companyId === pax8.id && s.billingTerm === 'Monthly' && s.status === 'Active' && s.price > 0,
  );
  const withItem = subs.filter((s) =>
    world.cw.catalog.some((i) => i.identifier === world.pax8.products.find((p) => p.id === s.productId)!.sku),
  );
  const sub = withItem.find((s) => !pick || pick(s)) ?? withItem[0]!;
  const product = world.pax8.products.find((p) => p.id === sub.productId)!;
  const item = world.cw.catalog.find((i) => i.identifier === product.sku)!;
  await answer(
    call['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
  );
  const agreement = world.cw.agreements.find(
    (a) =>
      a.company.id === cw.id && !a.cancelledFlag && a.agreementStatus === 'Active' && a.billingCycle.name === 'Monthly',
  )!;
  const mapped = await answer(
    call['service-mappings'].$put({ json: { subscriptionId: sub.id, cwAgreementId: agreement.id } }),
  );
  if (mapped.status !== 200) throw new Error(`mapping failed: ${JSON.stringify(mapped.body)}`);
  return { sub, product, item, agreement, cwCompany: cw, pax8Company: pax8 };
}

export type Mapped = Awaited<ReturnType<typeof mapSubscription>>;

/**
 * Sets where a mapped subscription stands: ConnectWise bills `cwQuantity` seats on one
 * recurring addition (or nothing, when null), and Pax8's history is `history` (oldest first;
 * the last quantity is the subscription's). Used to put a scenario in place before planning.
 */
export function setBilling(
  stack: Stack,
  m: Mapped,
  cwQuantity: number | null,
  history: [day: string, quantity: number][],
  additionId = 90_000 + Math.floor(Math.random() * 9_000),
) {
  const { pax8, cw } = stack.sandboxes.world;
  pax8.history[m.sub.id] = history.map(([day, quantity]) => ({ ...m.sub, quantity, updatedDate: `${day}T15:00:00Z` }));
  Object.assign(m.sub, {
    quantity: history.at(-1)![1],
    startDate: `${history[0]![0]}T00:00:00Z`,
    endDate: null,
    status: 'Active',
  });
  const others = cw.additions.filter((a) => !(a.agreementId === m.agreement.id && a.product.id === m.item.id));
  cw.additions.splice(0, cw.additions.length, ...others);
  if (cwQuantity !== null) {
    cw.additions.push({
      ...others[0]!,
      id: additionId,
      agreementId: m.agreement.id,
      product: { id: m.item.id, identifier: m.item.identifier, name: m.item.description },
      quantity: cwQuantity,
      unitPrice: m.sub.price,
      unitCost: m.sub.partnerCost,
      effectiveDate: '2026-09-01T00:00:00Z',
      cancelledDate: null,
      serialNumber: null,
      _info: { lastUpdated: '2026-09-01T00:00:00Z', updatedBy: 'jdoe' },
    });
  }
  return m;
}

/** Saves the tenant's settings: the defaults (auto-sync off, daily at 00:00 UTC), with `over` on top. */
export const saveSettings = (call: Caller, over: Record<string, unknown>) =>
  answer(
    call.settings.$put({
      json: {
        autoSync: false,
        schedule: '0 0 * * *',
        timeZone: 'UTC',
        unattendedKinds: [],
        rules: {},
        ...over,
      },
    }),
  );

/** Settings that let the scheduled run write every kind of operation without a person. */
export const allowEverythingUnattended = (call: Caller) =>
  saveSettings(call, { autoSync: true, unattendedKinds: ['increase', 'decrease', 'cancellation', 'prorate'] });

/**
 * Puts possible over-billing on a mapped subscription's agreement: ConnectWise bills `cwSeats`
 * of another bound product (Exchange Online Plan 1), while Pax8 has `pax8Seats` of it on a
 * term no monthly agreement takes, mapped nowhere. Answers the addition's unit price.
 */
export async function overBill(stack: Stack, call: Caller, m: Mapped, cwSeats: number, pax8Seats: number) {
  const { pax8, cw } = stack.sandboxes.world;
  const product = pax8.products.find((p) => p.sku === 'MST-EXO-P1-NCE')!;
  const item = cw.catalog.find((i) => i.identifier === product.sku)!;
  const bound = await answer(
    call['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
  );
  if (bound.status >= 300) throw new Error(`binding failed: ${JSON.stringify(bound.body)}`);
  pax8.subscriptions.push({
    ...m.sub,
    id: `${m.sub.id.slice(0, -4)}e0b1`,
    productId: product.id,
    productName: product.name,
    quantity: pax8Seats,
    billingTerm: '2-Year',
    price: 8,
    partnerCost: 6.4,
    commitmentTerm: { id: 'c2y', term: '2-Year', endDate: '2027-12-31T00:00:00Z' },
  });
  const template = cw.additions.find((a) => a.agreementId === m.agreement.id) ?? cw.additions[0]!;
  cw.additions.push({
    ...template,
    id: 97_001,
    agreementId: m.agreement.id,
    product: { id: item.id, identifier: item.identifier, name: item.description },
    quantity: cwSeats,
    unitPrice: 8,
    unitCost: 6.4,
    effectiveDate: '2026-06-01T00:00:00Z',
    cancelledDate: null,
    serialNumber: null,
  });
  return 800;
}

/**
 * An open monthly agreement and an active catalog item it has no line for: where a new
 * distributor's first subscription is mapped, so the sync adds a line of its own.
 */
export function freeAgreementItem(stack: Stack) {
  const world = stack.sandboxes.world;
  const agreement = world.cw.agreements.find(
    (a) => !a.cancelledFlag && a.agreementStatus === 'Active' && a.billingCycle.name === 'Monthly',
  )!;
  const onAgreement = new Set(
    world.cw.additions.filter((a) => a.agreementId === agreement.id).map((a) => a.product.id),
  );
  const item = world.cw.catalog.find((i) => i.productClass !== 'Bundle' && !i.inactiveFlag && !onAgreement.has(i.id))!;
  return { agreement, item };
}

/** A ConnectWise company's open agreement billed monthly: where its monthly subscriptions are mapped. */
export function openMonthlyAgreement(stack: Stack, cwCompanyId: number) {
  return stack.sandboxes.world.cw.agreements.find(
    (a) =>
      a.company.id === cwCompanyId &&
      !a.cancelledFlag &&
      a.agreementStatus === 'Active' &&
      a.billingCycle.name === 'Monthly',
  )!;
}

/**
 * A line a person put on an agreement by hand (no marker), billing `seats` of a catalog item
 * since November, last changed when `lastUpdated` says.
 */
export function billByHand(
  stack: Stack,
  line: { id: number; agreementId: number; itemId: number; seats: number; price: number; cost: number },
  lastUpdated = '2026-11-20T16:00:00Z',
) {
  const { cw } = stack.sandboxes.world;
  const item = cw.catalog.find((i) => i.id === line.itemId)!;
  cw.additions.push({
    ...cw.additions[0]!,
    id: line.id,
    agreementId: line.agreementId,
    product: { id: item.id, identifier: item.identifier, name: item.description },
    quantity: line.seats,
    unitPrice: line.price,
    unitCost: line.cost,
    effectiveDate: '2026-11-01T00:00:00Z',
    cancelledDate: null,
    serialNumber: null,
    _info: { lastUpdated, updatedBy: 'jdoe' },
  });
}

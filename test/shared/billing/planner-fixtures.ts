import type { AdditionView } from '../../../shared/billing/additions.ts';
import type { PlanInput, PlanResult } from '../../../shared/billing/planner.ts';
import { parseMicros } from '../../../shared/money.ts';
import type { Subscription, SubscriptionSnapshot } from '../../../shared/schemas/distributor.ts';
import type { AgreementView } from '../../../shared/schemas/mapping.ts';
import type { SyncRules } from '../../../shared/schemas/settings.ts';

export const GUIDE_RULES: SyncRules = {
  positiveChange: 'actual-date',
  negativeChange: 'first-of-next-month',
  cancellation: 'last-day-of-month',
  proration: 'separate-one-time',
  prorateMinimumCents: 0,
  arrearsDay: 4,
  reconcileToleranceCents: 0,
  reconcileToleranceBp: 0,
  commitmentHorizonHours: 72,
  renewalNoticeDays: 30,
};
export const LABEL = 'Pax8 - Microsoft Office 365 Enterprise E3 - Includ';

export function subscription(over: Partial<Subscription> & { price?: number; cost?: number } = {}): Subscription {
  const { price = 25, cost = 20, ...rest } = over;
  return {
    id: 'sub-314438',
    companyId: 'oxford',
    productId: 'e3',
    productName: 'Microsoft Office 365 Enterprise E3',
    parentId: null,
    quantity: 2,
    status: 'Active',
    billingTerm: 'Monthly',
    startDate: '2020-06-01T00:00:00.000Z',
    endDate: null,
    createdAt: null,
    updatedAt: null,
    unitPrice: parseMicros(price),
    unitCost: parseMicros(cost),
    currency: 'USD',
    billing: 'seat',
    cancellableUntil: null,
    commitment: null,
    ...rest,
  };
}

export function history(points: [string, number][]): SubscriptionSnapshot[] {
  return points.map(([at, quantity]) => ({
    at: `${at}T15:00:00.000Z`,
    quantity,
    status: 'Active',
    endDate: null,
    unitPrice: null,
    unitCost: null,
  }));
}

export function agreement(over: Partial<AgreementView> = {}): AgreementView {
  return {
    id: 290,
    name: 'Ace Monthly',
    type: 'Managed Services',
    companyId: 19,
    startDate: '2018-11-16T00:00:00Z',
    endDate: null,
    cancelled: false,
    status: 'Active',
    billingCycle: 'Monthly',
    billStartDate: '2018-11-16T00:00:00Z',
    nextInvoiceDate: '2020-10-01T00:00:00Z',
    prorates: false,
    ...over,
  };
}

/** An addition; its amounts are given in dollars, as ConnectWise sends them, and parsed as the client does. */
export function addition(over: Partial<AdditionView> = {}): AdditionView {
  const { unitPrice = 25, unitCost = 20, ...rest } = over;
  return {
    id: 683,
    agreementId: 290,
    catalogItemId: 1201,
    quantity: 1,
    unitPrice: unitPrice === null ? null : parseMicros(unitPrice),
    unitCost: unitCost === null ? null : parseMicros(unitCost),
    effectiveDate: '2020-07-01T00:00:00Z',
    cancelledDate: null,
    invoiceDescription: LABEL,
    marker: null,
    lastUpdated: '2020-07-01T00:00:00Z',
    updatedBy: 'jdoe',
    ...rest,
  };
}

/** Pax8, as the guides' figures come from it: its name in the reasons, and its markers. */
export const PAX8 = { name: 'Pax8', markerPrefix: 'p8s' };

export function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    subscription: subscription(),
    history: [],
    product: { catalogItemId: 1201, label: LABEL },
    agreement: agreement(),
    additions: [],
    rules: GUIDE_RULES,
    today: '2020-09-22',
    distributor: PAX8,
    ...over,
  };
}

/** The plan, failing the test with the planner's reason when it is blocked. */
export function ok(result: PlanResult) {
  if (result.status !== 'ok') throw new Error(`expected a plan, got: ${result.reason}`);
  return result;
}

/** Each operation as type, quantity, unit price in cents, effective and cancelled dates. */
export const brief = (r: PlanResult) =>
  ok(r).operations.map((o) => [
    o.type,
    o.after.quantity,
    o.after.unitPrice.cents,
    o.after.effectiveDate,
    o.after.cancelledDate,
  ]);

/**
 * A StreamOne Ion reseller account as its v3 API serves it: customers, a catalog of products
 * with SKUs and plans, and subscriptions. Records are kept in the wire shape; the sandbox
 * serves them as they are.
 */

export interface IonCustomerRecord {
  /** `accounts/{accountId}/customers/{id}`: Ion names a customer by its path. */
  name: string;
  /** Absent on some list items, as Ion serves them: the id is then read from `name`. */
  id?: string;
  customerOrganization: string;
  customerName: string;
  customerEmail: string;
  customerPhone: string;
  customerAddress: { street: string; city: string; state: string; zip: string; country: string };
  customerStatus: 'ACTIVE' | 'INACTIVE';
  languageCode: string;
  createTime: string;
  updateTime: string;
}

export interface IonPlanRecord {
  id: string;
  displayName: string;
  /** ISO 8601 duration of the commitment: `P1M` (monthly) or `P1Y` (annual). */
  billingTerm: 'P1M' | 'P1Y';
  billingCycle: 'monthly' | 'annual';
  price: { cost: number; msrp: number; currency: string };
}

export interface IonProductRecord {
  name: string;
  id: string;
  displayName: string;
  vendor: 'Microsoft' | 'Google' | 'Adobe';
  unitType: string;
  skus: { id: string; displayName: string; mfgPartNumber: string; plans: IonPlanRecord[] }[];
}

export interface IonSubscriptionRecord {
  id: string;
  customerId: string;
  resellerId: string;
  /** The vendor's own id (Microsoft's subscription GUID). */
  subscriptionId: string;
  subscriptionName: string;
  ccpProductId: string;
  ccpSkuId: string;
  ccpPlanId: string;
  /** A string on the wire, as Ion sends it. */
  subscriptionTotalLicenses: string;
  unitType: string;
  subscriptionStatus: 'active' | 'suspended' | 'cancelled' | 'pending';
  subscriptionPurchasedDate: string;
  subscriptionStartDate: string;
  subscriptionEndDate: string;
  cancellationAllowedUntilDate: string;
  subscriptionBillingType: 'license' | 'usage';
  subscriptionBillingCycle: 'monthly' | 'annual';
  subscriptionBillingTerm: 'P1M' | 'P1Y';
  subscriptionRenewStatus: 'ENABLED' | 'DISABLED';
  ccpProductInfo: {
    productId: string;
    productDisplayName: string;
    skuId: string;
    skuDisplayName: string;
    planId: string;
    planDisplayName: string;
  };
  isTrial: boolean;
  autoRenew: boolean;
  customerName: string;
  lastUpdatedDate: string;
  price: number;
  cost: number;
  currency: string;
  renewalDate: string;
}

/** A row of Ion's billing report: one charge on the partner's monthly invoice. */
export interface IonBillingLineRecord {
  invoiceId: string;
  invoiceDate: string;
  customerId: string;
  subscriptionId: string;
  productId: string;
  skuId: string;
  productName: string;
  chargeType: 'recurring' | 'prorate' | 'credit';
  chargeStartDate: string;
  chargeEndDate: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  total: number;
  costTotal: number;
  currency: string;
}

export interface IonWorld {
  accountId: string;
  /** The refresh token the portal's "Request New Credentials" gave at the start. */
  initialRefreshToken: string;
  customers: IonCustomerRecord[];
  products: IonProductRecord[];
  subscriptions: IonSubscriptionRecord[];
  billingLines: IonBillingLineRecord[];
}

/** A tenant a Sophos partner manages, as `/partner/v1/tenants` lists it. */
export interface SophosTenantRecord {
  id: string;
  name: string;
  showAs: string;
  dataGeography: string;
  dataRegion: string;
  /** `usage`: billed monthly by what it used; `term`: bought licences; `trial`. */
  billingType: 'usage' | 'term' | 'trial';
  partner: { id: string };
  apiHost: string;
  status: 'active' | 'suspended';
  contact: { address: { address1: string; city: string; state: string; postalCode: string; countryCode: string } };
}

/**
 * One item of a month's billing usage, as the Partner API sends it (`accountId`,
 * `billableQuantity`, …: see the adapter's `sophosUsageSchema` for the sources), with the
 * month it belongs to for the sandbox's own filtering (`year`, `month`, not served).
 */
export interface SophosUsageRecord {
  year: number;
  month: number;
  /** The tenant's id; absent for a licence assigned to no tenant (a firewall not yet given to a customer). */
  accountId?: string;
  /** The tenant's name. */
  assignedAccountIdentifier?: string;
  productCode: string;
  sku: string;
  productDescription: string;
  productGroup: string;
  orderedQuantity: number;
  actualQuantity: number;
  /** What is billed for the month. */
  billableQuantity: number;
  /** Sophos's unit price to the partner. */
  unitPrice: number;
  /** The order line's total, shared by every customer on the line: never a customer's. */
  netPrice: number;
  billingStartDate: string;
  billingEndDate: string;
  orderLineItemNumber: string;
}

export interface SophosWorld {
  clientId: string;
  clientSecret: string;
  partnerId: string;
  tenants: SophosTenantRecord[];
  usage: SophosUsageRecord[];
}

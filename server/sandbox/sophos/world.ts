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

/** One line of a month's billing usage: a tenant's (or no tenant's) use of one product. */
export interface SophosUsageRecord {
  year: number;
  month: number;
  /** Absent for a licence no tenant is assigned (a Firewall licence not yet given to a customer). */
  tenant: { id: string; name: string } | null;
  productCode: string;
  sku: string;
  productDescription: string;
  unitOfMeasure: string;
  quantity: number;
}

export interface SophosWorld {
  clientId: string;
  clientSecret: string;
  partnerId: string;
  tenants: SophosTenantRecord[];
  usage: SophosUsageRecord[];
}

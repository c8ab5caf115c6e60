import type {
  DistributorCompany,
  DistributorProduct,
  Invoice,
  InvoiceItem,
  Parsed,
  ProductPrice,
  Subscription,
  SubscriptionSnapshot,
  UsageLine,
  UsageSummary,
} from '../../shared/schemas/distributor.ts';

export interface SubscriptionFilter {
  companyId?: string;
  productId?: string;
  status?: string;
  billingTerm?: string;
}

/** What a distributor's API can tell; the core asks only for what its distributor has. */
export interface DistributorCapabilities {
  /** Usage (arrears) summaries and their lines. */
  usage: boolean;
  /** Invoices and their items. */
  invoices: boolean;
  /** Each subscription's past quantities. Without it, its last change is all that is known. */
  history: boolean;
  /** Creating a company at the distributor from a ConnectWise one. */
  createCompany: boolean;
  /** Its data comes from imported files, not an API: there is nothing to verify or create there. */
  imports?: boolean;
}

/**
 * What the product needs from any distributor. Every list answers with what it could read
 * and the problems it found, so a malformed record is shown to a person instead of vanishing.
 */
export interface Distributor {
  /** The registry's key for it (`pax8`, `ion`): stored on every row that belongs to it. */
  readonly kind: string;
  /** Its name as people know it (`Pax8`, `StreamOne Ion`): the only way the core names it. */
  readonly displayName: string;
  /** Starts the marker of every line its sync writes (`p8s`, `ion`): markers of two distributors never meet. */
  readonly markerPrefix: string;
  readonly capabilities: DistributorCapabilities;
  /**
   * The day of the month from which last month is final: its usage can be billed and its
   * invoice reconciled (Pax8: the 4th, once it has struck the month's usage and invoiced it;
   * Sophos Central: the 6th; StreamOne Ion: the 1st). Each kind declares its own.
   */
  readonly usageFinalDay: number;
  /**
   * Whether its usage lines carry prices (Pax8: yes, so a $0 line is free) or only counts
   * (Sophos Central: each line bills at the bound ConnectWise product's price). Only with
   * `capabilities.usage`.
   */
  readonly usageLinesPriced?: boolean;
  /** Checks the credentials; throws a VendorError naming what is wrong. */
  verify(): Promise<void>;
  companies(): Promise<Parsed<DistributorCompany>>;
  products(filter?: { search?: string; vendorName?: string }): Promise<Parsed<DistributorProduct>>;
  pricing(productId: string, companyId?: string): Promise<Parsed<ProductPrice>>;
  subscriptions(filter?: SubscriptionFilter): Promise<Parsed<Subscription>>;
  subscription(id: string): Promise<Parsed<Subscription>>;
  subscriptionHistory(subscriptionId: string): Promise<Parsed<SubscriptionSnapshot>>;
  usageSummaries(subscriptionId: string): Promise<Parsed<UsageSummary>>;
  usageLines(summaryId: string, usageDate: string): Promise<Parsed<UsageLine>>;
  invoices(range: { from: string; to: string; companyId?: string }): Promise<Parsed<Invoice>>;
  /** An invoice's lines; its date lets a distributor that reports lines by date read that day only. */
  invoiceItems(invoice: Pick<Invoice, 'id' | 'invoiceDate'>): Promise<Parsed<InvoiceItem>>;
  /**
   * The sub-products a usage product bills by (Proofpoint Essentials - Business, - Advanced, …),
   * as this distributor names them for some of its subscriptions, on and before `today`. Absent
   * where products are billed whole.
   */
  subProducts?(subscriptions: readonly Subscription[], today: string): Promise<string[]>;
  /**
   * The reports the partner made in the distributor's portal, one of which the admin chooses as
   * the billing report invoices are read from (StreamOne Ion). Absent where invoices have an API.
   */
  billingReports?(): Promise<{ id: string; name: string; category: string | null }[]>;
  /**
   * Creates a company at the distributor, remembering the ConnectWise company in `externalId`
   * so a write whose answer was lost can be found again instead of made twice.
   */
  createCompany?(input: NewDistributorCompany): Promise<DistributorCompany>;
}

export interface NewDistributorCompany {
  name: string;
  street: string;
  street2: string | null;
  city: string;
  stateOrProvince: string;
  postalCode: string;
  country: string;
  phone: string;
  website: string;
  externalId: string;
}

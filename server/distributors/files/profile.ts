import { z } from 'zod';

/** What a file's charge is, whatever its vendor calls it: each profile maps its own words to one. */
export const FILE_CHARGE_KINDS = ['new', 'renew', 'cancel', 'credit', 'usage'] as const;
export type FileChargeKind = (typeof FILE_CHARGE_KINDS)[number];

const column = z.string().trim().min(1, 'name the column this field is read from');

/**
 * How one vendor's invoice or usage file is read: which column holds each field, how its numbers
 * and dates are written, which of its charge types is which, and how a line's amount is
 * computed. Profiles are versioned: a file is read with the version it was imported under.
 */
export const columnProfileSchema = z.object({
  name: z.string().trim().min(1, 'give the profile a name'),
  version: z.number().int().min(1),
  delimiter: z.enum([',', ';']),
  /** The decimal separator of its amounts: `1.5` or `1,5`. */
  decimal: z.enum(['.', ',']),
  /** How its dates are written besides ISO (`2026-11-01`), which is always read. */
  dates: z.enum(['iso', 'month-day-year', 'day-month-year']),
  /**
   * How a line's amount is computed: Microsoft's stated rule for its reconciliation file, or the
   * unit cost times the quantity, rounded to the cent.
   */
  rule: z.enum(['microsoft-nce', 'quantity-times-unit-cost']),
  columns: z.object({
    customerId: column,
    customerName: column,
    productId: column,
    productName: column,
    subscriptionId: column,
    quantity: column,
    unitCost: column,
    currency: column,
    periodStart: column,
    periodEnd: column,
    chargeType: column,
    invoice: column.optional(),
    /** Microsoft's `PCToBCExchangeRate`: the price list's currency to the billing currency. */
    exchangeRate: column.optional(),
    /** The file's own amount, checked against the rule. */
    subtotal: column.optional(),
    /**
     * What the customer is billed per unit (Microsoft's `UnitPrice`, its list price). Without
     * it, the profile's markup over cost decides the price.
     */
    unitPrice: column.optional(),
    /** The commitment and billing cycle (`1 Year - Monthly`): a year's commitment bills as Annual. */
    term: column.optional(),
  }),
  /**
   * The markup over cost a line without a price column bills at, in hundredths of a percent:
   * a setting, so only a member with the settings right makes or changes a profile.
   */
  markupBasisPoints: z.number().int().min(0).max(1_000_000).optional(),
  /** The file's charge types, compared without case or spaces; any other is refused by row. */
  chargeTypes: z.record(z.string(), z.enum(FILE_CHARGE_KINDS)),
});
export type ColumnProfile = z.infer<typeof columnProfileSchema>;

/**
 * Microsoft Partner Center's new commerce invoice reconciliation file, its columns as the
 * Partner Center documentation ("modern invoice reconciliation file") names them. Its sample
 * charge type is `New`; the others are as public reconciliation scripts read them
 * (`Renew`, `CycleCharge`, `AddQuantity`, `CustomerCredit`, `CancelImmediate`), and `Usage`.
 * A cycle charge bills the next period of a commitment, as a renewal does.
 */
export const MICROSOFT_NCE_PROFILE: ColumnProfile = {
  name: 'Microsoft new commerce reconciliation file',
  version: 1,
  delimiter: ',',
  decimal: '.',
  dates: 'month-day-year',
  rule: 'microsoft-nce',
  columns: {
    customerId: 'CustomerId',
    customerName: 'CustomerName',
    productId: 'ProductId',
    productName: 'ProductName',
    subscriptionId: 'SubscriptionId',
    quantity: 'BillableQuantity',
    unitCost: 'EffectiveUnitPrice',
    currency: 'Currency',
    periodStart: 'ChargeStartDate',
    periodEnd: 'ChargeEndDate',
    chargeType: 'ChargeType',
    invoice: 'InvoiceNumber',
    exchangeRate: 'PCToBCExchangeRate',
    subtotal: 'Subtotal',
    unitPrice: 'UnitPrice',
    term: 'TermAndBillingCycle',
  },
  chargeTypes: {
    new: 'new',
    addquantity: 'new',
    renew: 'renew',
    cyclecharge: 'renew',
    cancelimmediate: 'cancel',
    customercredit: 'credit',
    usage: 'usage',
  },
};

/** A plain layout any distributor's export can be fitted to: one line per charge. */
export const GENERIC_PROFILE: ColumnProfile = {
  name: 'Generic invoice file',
  version: 1,
  delimiter: ',',
  decimal: '.',
  dates: 'iso',
  rule: 'quantity-times-unit-cost',
  columns: {
    customerId: 'customer_id',
    customerName: 'customer_name',
    productId: 'product_id',
    productName: 'product_name',
    subscriptionId: 'subscription_id',
    quantity: 'quantity',
    unitCost: 'unit_cost',
    currency: 'currency',
    periodStart: 'period_start',
    periodEnd: 'period_end',
    chargeType: 'charge_type',
    invoice: 'invoice',
  },
  markupBasisPoints: 2_000,
  chargeTypes: { new: 'new', renew: 'renew', cancel: 'cancel', credit: 'credit', usage: 'usage' },
};

/** The profiles that ship, by the name a source or the import command names them with. */
export const SHIPPED_PROFILES: Readonly<Record<string, ColumnProfile>> = {
  microsoft: MICROSOFT_NCE_PROFILE,
  generic: GENERIC_PROFILE,
};

import { z } from 'zod/mini';
import type { Micros } from '../money.ts';
import type { UsageLine } from './distributor.ts';

/**
 * The four ways a usage subscription becomes ConnectWise additions, as Pax8's own sync offers
 * them: one recurring line per sub-product (Multi Products), one line at a price the member
 * sets (Flat Rate), one line per usage summary, or one line per usage line.
 */
export const USAGE_OPTIONS = ['multi-products', 'flat-rate', 'usage-summary', 'usage-lines'] as const;
export type UsageOption = (typeof USAGE_OPTIONS)[number];

export const USAGE_OPTION_NAMES: Record<UsageOption, string> = {
  'multi-products': 'Multi Products',
  'flat-rate': 'Flat Rate',
  'usage-summary': 'Usage Summary',
  'usage-lines': 'Usage Lines',
};

/** One usage summary (a Proofpoint domain, an Azure subscription) with its lines on one day. */
export interface UsageSummaryReading {
  id: string;
  resourceGroup: string;
  /** The latest daily total of each line on or before the day read: the one that bills. */
  lines: UsageLine[];
}

/** A subscription's usage as read for one day (the last of a period, or yesterday). */
export interface UsageReading {
  day: string;
  summaries: UsageSummaryReading[];
  /** What the distributor sent that bills nobody (a licence assigned to no tenant), in its words. */
  problems?: string[];
}

/** A calendar month billed in arrears, and from when its usage is final. */
export interface UsagePeriod {
  /** `2026-10` */
  month: string;
  from: string;
  to: string;
  /** The first day its usage can be billed: the distributor's final day, or the tenant's arrears day if later. */
  finalFrom: string;
  final: boolean;
}

const percent = (field: string) =>
  z
    .number()
    .check(
      z.int(`${field} is in hundredths of a percent (2500 for 25%)`),
      z.gte(-10_000, `${field} cannot take more than 100% off`),
      z.lte(100_000, `${field} is at most 1000%`),
    );

const cents = (field: string) =>
  z
    .number()
    .check(
      z.int(`${field} is a whole number of cents`),
      z.gte(0, `${field} cannot be negative`),
      z.lte(100_000_000, `${field} is at most $1,000,000.00`),
    );

/** What a member sets for one usage subscription in the review. */
export const usageSettingsSchema = z.object({
  option: z.optional(z.enum(USAGE_OPTIONS)),
  /** Flat Rate's monthly price. */
  flatPriceCents: z.optional(z.nullable(cents('the flat price'))),
  /** This company's markup, over the product's; null falls back to the product's. */
  markupBp: z.optional(z.nullable(percent('the markup'))),
  /** A month whose charges pass this is held for a person. */
  thresholdCents: z.optional(z.nullable(cents('the threshold'))),
});
export type UsageSettingsInput = z.infer<typeof usageSettingsSchema>;

export const productMarkupSchema = z.object({ markupBp: z.nullable(percent('the markup')) });

/** The usage panel's figures for one summary, as Pax8's Usages table shows them. */
export interface UsagePanelRow {
  resourceGroup: string;
  /** This month so far, at the customer's price. */
  currentCents: number;
  /** This month so far, scaled to the whole month. */
  projectedCents: number;
  thresholdCents: number | null;
  overThreshold: boolean;
  /** The period billed (last month), at the customer's price after markup. */
  lastMonthCents: number | null;
  /** What the recurring lines bill from next month, at this month's quantities. */
  projectedRecurringCents: number | null;
  status: 'Active' | 'Inactive';
  lastActive: string | null;
  /** Sum of the period's lines, at cost. */
  costMicros: Micros;
}

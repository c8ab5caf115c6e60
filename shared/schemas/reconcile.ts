import { z } from 'zod/mini';

/**
 * A subscription's billing period against the distributor's invoice, as StreamOne Ion's
 * Billing Reconciliation names them: `pending` (the cut-over date has passed, the invoice is
 * not there yet), `review` (Pending Review: the invoice differs from what ConnectWise bills),
 * `reconciled` (no difference, or one accepted and posted) and `rejected` (a person said no).
 */
export const RECONCILE_STATUSES = ['pending', 'review', 'reconciled', 'rejected'] as const;
export type ReconcileStatus = (typeof RECONCILE_STATUSES)[number];

export const RECONCILE_STATUS_LABEL: Record<ReconcileStatus, string> = {
  pending: 'Pending',
  review: 'Pending Review',
  reconciled: 'Reconciled',
  rejected: 'Rejected',
};

/** `accepted` by a person, `auto` within the tolerance, `rejected` by a person. */
export const RECONCILE_DECISIONS = ['accepted', 'auto', 'rejected'] as const;
export type ReconcileDecision = (typeof RECONCILE_DECISIONS)[number];

/** A billing period: a calendar month, as the distributors invoice. */
export const periodSchema = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'use a month such as 2026-10'));

/** Figures of one comparison, all money in cents. */
export interface ReconcileFigures {
  /** ISO 4217, what both sides are in; absent on rows checked before it was recorded (US dollars). */
  currency?: string;
  invoice: { quantity: number; costCents: number; priceCents: number; unitCostCents: number | null } | null;
  cw: {
    quantity: number;
    unitPriceCents: number;
    unitCostCents: number;
    billedCents: number;
    costCents: number;
    lines: number;
  };
  /** What ConnectWise should bill for the invoice at the agreement's own price and markup. */
  expectedCents: number;
  quantityDifference: number;
  /** Expected minus billed: what Accept posts. */
  differenceCents: number;
  costDifferenceCents: number;
  /** ConnectWise billed minus the distributor's cost. */
  marginCents: number;
}

/** The line Accept posts: its quantity, unit price and cost, in cents. */
export interface AdjustmentLine {
  quantity: number;
  unitPriceCents: number;
  unitCostCents: number;
  derivation: string;
  /** `seats` at the agreement's price (+7 × $6.00), or one line of an `amount`; absent on rows of earlier checks. */
  kind?: 'seats' | 'amount';
}

export interface ReconciliationRow {
  subscriptionId: string;
  period: string;
  status: ReconcileStatus;
  reason: string;
  companyName: string;
  cwCompanyId: number | null;
  productName: string;
  cwAgreementId: number | null;
  figures: ReconcileFigures | null;
  adjustment: AdjustmentLine | null;
  withinTolerance: boolean;
  decision: ReconcileDecision | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  /** The write Accept made, with its state in the adjustment log. */
  opKey: string | null;
  opState: string | null;
  opError: string | null;
  checkedAt: string;
}

export const acceptSchema = z.object({
  period: periodSchema,
  subscriptionIds: z
    .array(z.string().check(z.minLength(1)))
    .check(z.minLength(1, 'choose at least one subscription'), z.maxLength(5000, 'at most 5,000 at once')),
});

export const rejectSchema = z.object({
  period: periodSchema,
  subscriptionIds: acceptSchema.shape.subscriptionIds,
  reason: z
    .string()
    .check(
      z.minLength(3, 'say why the difference is rejected, so the next person knows'),
      z.maxLength(500, 'at most 500 characters'),
    ),
});

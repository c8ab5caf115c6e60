import { z } from 'zod/mini';

/** What a member may change on an operation before confirming it. Money is in cents. */
export const operationEditSchema = z
  .object({
    include: z.boolean(),
    /** Why a person leaves it out: an excluded operation is waived, with who, when and this. Required to exclude. */
    reason: z.optional(z.string().check(z.maxLength(500, 'at most 500 characters'))),
    quantity: z.optional(
      z.number().check(z.refine((n) => Number.isFinite(n) && n !== 0, 'quantity must be a number other than 0')),
    ),
    unitPrice: z.optional(
      z
        .number()
        .check(
          z.int('use whole cents'),
          z.gte(0, 'a price cannot be negative'),
          z.lte(99_999_999, 'at most $999,999.99'),
        ),
    ),
    unitCost: z.optional(
      z
        .number()
        .check(
          z.int('use whole cents'),
          z.gte(0, 'a cost cannot be negative'),
          z.lte(99_999_999, 'at most $999,999.99'),
        ),
    ),
    billCustomer: z.optional(z.enum(['Billable', 'DoNotBill', 'NoCharge'])),
    taxable: z.optional(z.boolean()),
    effectiveDate: z.optional(z.iso.date('use a date such as 2021-03-01')),
    invoiceDescription: z.optional(
      z
        .string()
        .check(
          z.minLength(1, 'an invoice description is required'),
          z.maxLength(6000, 'ConnectWise allows at most 6,000 characters'),
        ),
    ),
  })
  .check(
    z.refine((e) => e.include || (e.reason ?? '').trim().length > 0, {
      message: 'say why it is left out: a change left out is waived, and the Log keeps the reason',
      path: ['reason'],
    }),
  );
export type OperationEdit = z.infer<typeof operationEditSchema>;

export const confirmPlanSchema = z.object({
  subscriptionId: z.string().check(z.minLength(1)),
  /** The basis of the plan the member reviewed; a different one means ConnectWise changed. */
  basis: z.string().check(z.minLength(1)),
  recurring: z._default(z.enum(['update', 'replace']), 'update'),
  edits: z._default(z.record(z.string(), operationEditSchema), {}),
});
export type ConfirmPlanInput = z.infer<typeof confirmPlanSchema>;

/** A person's decision that an operation is not to be written, with who, when and why. */
export interface Waiver {
  key: string;
  by: string;
  at: string;
  reason: string;
}

/**
 * planned → sending (claimed by one writer, under a lease it renews) → confirmed | adopted |
 * failed | unknown. `unknown`: the write had no answer and ConnectWise could not be checked
 * yet; it is re-read before anything else happens to it. `superseded`: a later plan replaced
 * it before it was written (a recurring update to a quantity the distributor no longer has).
 */
export const OPERATION_STATES = [
  'planned',
  'sending',
  'confirmed',
  'adopted',
  'failed',
  'skipped',
  'unknown',
  'superseded',
  'waived',
] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export interface OperationOutcome {
  key: string;
  title: string;
  state: OperationState | 'in-progress';
  additionId: number | null;
  /** What happened and what to do next, in a member's words. */
  error: string | null;
  /** The vendor's own account (method, path, status), for the "details" toggle. */
  detail: string | null;
  fields: { field: string; message: string }[];
  /** Already written by an earlier confirmation; nothing was sent now. */
  already: boolean;
  /** A change the member left out, waived: what it would have billed, and why. */
  waived?: { amountCents: number; reason: string };
}

export interface DriftEntry {
  additionId: number;
  /** `gone`: the line the sync wrote was deleted, or ended by hand; `edited`: its figures were changed. */
  kind: 'gone' | 'edited';
  /** The marker of the sync's write, so a re-plan can tell a line to re-create from one still there. */
  marker: string;
  message: string;
}

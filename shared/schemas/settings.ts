import { z } from 'zod/mini';

/** Operation kinds the scheduled job may write without a person. */
/** `usage`: a usage subscription's arrears lines, written from a final period. */
/** Kinds the scheduled job may write without a person, when the settings allow each. */
export const UNATTENDED_KINDS = ['increase', 'decrease', 'cancellation', 'prorate', 'usage'] as const;
/** Every kind of write; a reconciliation's adjustment is posted only by a person's Accept. */
export const OPERATION_KINDS = [...UNATTENDED_KINDS, 'reconciliation'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export type UnattendedKind = (typeof UNATTENDED_KINDS)[number];

/** The connector guide's sync rules, with its defaults. */
export const syncRulesSchema = z.object({
  positiveChange: z._default(z.enum(['actual-date', 'first-of-current-month']), 'actual-date'),
  negativeChange: z._default(z.enum(['actual-date', 'first-of-next-month']), 'first-of-next-month'),
  cancellation: z._default(z.enum(['per-cancellation-date', 'last-day-of-month']), 'last-day-of-month'),
  proration: z._default(z.enum(['separate-one-time', 'connectwise-prorates']), 'separate-one-time'),
  /**
   * Prorates smaller than this, in cents, are not written (Pax8's own sync offers the same
   * threshold): a standing decision, saved with who made it, and named in every plan it skips.
   */
  prorateMinimumCents: z._default(
    z
      .number()
      .check(
        z.int('the prorate minimum is a whole number of cents'),
        z.gte(0, 'the prorate minimum cannot be negative'),
        z.lte(100_000, 'the prorate minimum is at most $1,000.00'),
      ),
    0,
  ),
  /**
   * The day of the month from which last month's usage is billed (Pax8 invoices on the 4th).
   * Never before the distributor's own final day: an earlier day only waits.
   */
  arrearsDay: z._default(
    z
      .number()
      .check(
        z.int('the arrears day is a day of the month'),
        z.gte(1, 'the arrears day is between 1 and 28'),
        z.lte(28, 'the arrears day is between 1 and 28'),
      ),
    4,
  ),
  /**
   * A reconciliation difference at most this many cents (or this share of what ConnectWise
   * should bill, in basis points) is accepted without a person and logged as such; 0 is off.
   */
  reconcileToleranceCents: z._default(
    z
      .number()
      .check(
        z.int('the tolerance is a whole number of cents'),
        z.gte(0, 'the tolerance cannot be negative'),
        z.lte(100_000, 'the tolerance is at most $1,000.00'),
      ),
    0,
  ),
  reconcileToleranceBp: z._default(
    z
      .number()
      .check(
        z.int('the tolerance is a whole number of hundredths of a percent'),
        z.gte(0, 'the tolerance cannot be negative'),
        z.lte(10_000, 'the tolerance is at most 100%'),
      ),
    0,
  ),
  /** Commitments whose reduction window closes within this many hours are listed first and put in the digest. */
  commitmentHorizonHours: z._default(
    z
      .number()
      .check(
        z.int('the horizon is a whole number of hours'),
        z.gte(1, 'the horizon is at least 1 hour'),
        z.lte(168, 'the horizon is at most 168 hours, the whole window'),
      ),
    72,
  ),
  /** How many days before a commitment renews it is listed for review. */
  renewalNoticeDays: z._default(
    z
      .number()
      .check(
        z.int('the renewal notice is a whole number of days'),
        z.gte(1, 'the renewal notice is at least 1 day'),
        z.lte(90, 'the renewal notice is at most 90 days'),
      ),
    30,
  ),
});
export type SyncRules = z.infer<typeof syncRulesSchema>;

const CRON = /^(\S+\s+){4}\S+$/;

export const tenantSettingsSchema = z.object({
  autoSync: z.boolean(),
  schedule: z
    .string()
    .check(z.regex(CRON, 'schedule must be five cron fields, e.g. "0 0 * * *" for daily at midnight')),
  timeZone: z.string().check(
    z.refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'choose a time zone from the list, such as America/New_York'),
  ),
  unattendedKinds: z.array(z.enum(UNATTENDED_KINDS)).check(z.maxLength(UNATTENDED_KINDS.length, 'list each kind once')),
  rules: syncRulesSchema,
});
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export interface TenantSettingsView extends TenantSettings {
  updatedBy: string | null;
  updatedAt: string | null;
  /**
   * Who, with a role allowed to edit agreements, last saved these settings. Without one the
   * API member writes nothing on the schedule; the scheduled run only checks.
   */
  approvedBy: string | null;
}

import type { UsagePlanInput } from '../../shared/billing/usage/plan.ts';
import type { UsageOption, UsageReading } from '../../shared/schemas/usage.ts';

/** One usage subscription as read for its review or its arrears run: the plan's input and its settings. */
export interface LoadedUsage {
  input: UsagePlanInput;
  /** This month so far, for the panel; null on the first of the month. */
  current: UsageReading | null;
  companyName: string;
  settings: {
    option: UsageOption | null;
    flatPriceCents: number | null;
    markupBp: number | null;
    productMarkupBp: number | null;
    thresholdCents: number | null;
  };
  /** The option the arrears run bills with: the saved one, else the default for its bindings. */
  standingOption: UsageOption;
  /**
   * Why the arrears run may not bill with these values unattended: a markup or usage setting
   * saved before the settings right was checked. Null when every value was saved by a member
   * with that right (or none was set).
   */
  unapproved: string | null;
}

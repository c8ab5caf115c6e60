import type { BillingTerm } from '../schemas/distributor.ts';
import type { AgreementView } from '../schemas/mapping.ts';
import { usDay } from './calendar.ts';

export interface AgreementChoice {
  agreement: AgreementView;
  eligible: boolean;
  /** Why it cannot take this subscription's additions. */
  reason: string | null;
  /** What a member must know before choosing it (it is offered, never chosen for her). */
  warning: string | null;
}

const YEARLY_TERMS: readonly BillingTerm[] = ['Annual', '2-Year', '3-Year'];
export const isYearlyTerm = (term: BillingTerm) => YEARLY_TERMS.includes(term);
const billedYearly = (a: AgreementView) => /year|annual/i.test(a.billingCycle ?? '');

/** An agreement that has ended or been cancelled takes no new additions. */
export function agreementClosed(a: AgreementView, today: string): string | null {
  if (a.cancelled || /cancel/i.test(a.status ?? '')) return 'it is cancelled';
  // ISO days compare as text; this module runs in the pod, which does not ship luxon.
  if (a.endDate && a.endDate.slice(0, 10) < today) return `it ended on ${usDay(a.endDate)}`;
  if (/expired/i.test(a.status ?? '')) return 'it has expired';
  return null;
}

/**
 * The company's agreements a subscription could bill on. Closed agreements are left out
 * unless `showExpired`, and then shown as not eligible; yearly terms (Annual, 2-Year, 3-Year)
 * only go on agreements billed yearly, as the connector guide requires. Each refusal says why.
 */
export function agreementChoices(
  agreements: readonly AgreementView[],
  term: BillingTerm,
  today: string,
  showExpired = false,
): AgreementChoice[] {
  const out: AgreementChoice[] = [];
  for (const agreement of agreements) {
    const closed = agreementClosed(agreement, today);
    if (closed && !showExpired) continue;
    let reason = closed ? `Not offered: ${closed}.` : null;
    if (!reason && isYearlyTerm(term) && !billedYearly(agreement)) {
      reason = `Not offered: ${term} subscriptions may only go on agreements billed yearly; this one is billed ${agreement.billingCycle ?? 'with no cycle'}.`;
    }
    const warning =
      !reason && !isYearlyTerm(term) && billedYearly(agreement)
        ? `Bills 12 months ahead: a ${term} subscription on this yearly agreement is invoiced a year at a time, at 12 times its monthly price.`
        : null;
    out.push({ agreement, eligible: reason === null, reason, warning });
  }
  return out;
}

/**
 * The agreement to use without asking: the only eligible one, or the company's chosen default
 * when it is eligible. Otherwise null: the technician chooses.
 */
export function autoAgreement(choices: readonly AgreementChoice[], companyDefault: number | null): number | null {
  const eligible = choices.filter((c) => c.eligible && c.warning === null);
  if (eligible.length === 1) return eligible[0]!.agreement.id;
  if (companyDefault !== null && eligible.some((c) => c.agreement.id === companyDefault)) return companyDefault;
  return null;
}

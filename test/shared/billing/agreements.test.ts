import { describe, expect, it } from 'vitest';
import { agreementChoices, autoAgreement } from '../../../shared/billing/agreements.ts';
import type { AgreementView } from '../../../shared/schemas/mapping.ts';

const base: AgreementView = {
  id: 1,
  name: 'Ace Monthly',
  type: 'Managed Services',
  companyId: 19,
  startDate: '2018-11-16T00:00:00Z',
  endDate: null,
  cancelled: false,
  status: 'Active',
  billingCycle: 'Monthly',
  billStartDate: '2018-11-16T00:00:00Z',
  nextInvoiceDate: '2020-10-01T00:00:00Z',
  prorates: false,
};
const monthly = base;
const yearly: AgreementView = { ...base, id: 2, name: 'Ace Annual', billingCycle: 'Yearly' };
const cancelled: AgreementView = { ...base, id: 3, cancelled: true, status: 'Cancelled' };
const ended: AgreementView = { ...base, id: 4, endDate: '2020-08-31T00:00:00Z', status: 'Expired' };
const today = '2020-09-22';

describe('agreements a subscription can bill on', () => {
  it('leaves out cancelled and ended agreements unless asked to show them, then says why', () => {
    expect(agreementChoices([monthly, cancelled, ended], 'Monthly', today).map((c) => c.agreement.id)).toEqual([1]);
    const shown = agreementChoices([monthly, cancelled, ended], 'Monthly', today, true);
    expect(shown.map((c) => [c.agreement.id, c.eligible, c.reason])).toEqual([
      [1, true, null],
      [3, false, 'Not offered: it is cancelled.'],
      [4, false, 'Not offered: it ended on 08/31/2020.'],
    ]);
  });

  it('offers yearly terms only agreements billed yearly', () => {
    for (const term of ['Annual', '2-Year', '3-Year'] as const) {
      const choices = agreementChoices([monthly, yearly], term, today);
      expect(choices.filter((c) => c.eligible).map((c) => c.agreement.id)).toEqual([2]);
      expect(choices[0]!.reason).toBe(
        `Not offered: ${term} subscriptions may only go on agreements billed yearly; this one is billed Monthly.`,
      );
    }
    expect(agreementChoices([monthly, yearly], 'Monthly', today).every((c) => c.eligible)).toBe(true);
  });

  it('offers a yearly agreement to a monthly subscription only with a warning that it bills 12 months ahead', () => {
    const [m, y] = agreementChoices([monthly, yearly], 'Monthly', today);
    expect(m!.warning).toBeNull();
    expect(y!.warning).toMatch(/Bills 12 months ahead/);
  });

  it('selects the only eligible agreement, or the company default, or asks', () => {
    expect(autoAgreement(agreementChoices([monthly, cancelled], 'Monthly', today), null)).toBe(1);
    // A warned choice is never made for the member, not even as the company's default.
    expect(autoAgreement(agreementChoices([monthly, yearly], 'Monthly', today), null)).toBe(1);
    expect(autoAgreement(agreementChoices([monthly, yearly], 'Monthly', today), 2)).toBe(1);
    expect(autoAgreement(agreementChoices([yearly], 'Monthly', today), 2)).toBeNull();
    expect(autoAgreement(agreementChoices([monthly, yearly], 'Annual', today), 1)).toBe(2);
  });
});

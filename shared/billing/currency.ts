import type { AgreementView } from '../schemas/mapping.ts';

/**
 * Amounts of one currency are never billed as another's: a subscription whose currency is
 * not its agreement's waits for a person, with both named. An agreement that names no
 * currency is Manage's single-currency setup, and is taken as the subscription's.
 */
export function currencyMismatch(distributor: string, currency: string, agreement: AgreementView): string | null {
  if (!agreement.currency || agreement.currency === currency.toUpperCase()) return null;
  return (
    `${distributor} bills this subscription in ${currency.toUpperCase()}, but agreement ${agreement.name} ` +
    `bills in ${agreement.currency}. Nothing is written across currencies: map it to an agreement in ${currency.toUpperCase()}, or bill it by hand.`
  );
}

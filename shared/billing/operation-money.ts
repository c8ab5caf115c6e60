import { formatCents } from '../money.ts';
import type { AdditionDraft } from './operations.ts';

/**
 * What an operation changes on the customer's invoices, in cents: a recurring line's change a
 * month (its new total less its old one; ending a line takes its whole total away), or a
 * one-time line's total once.
 */
export function operationMoney(op: {
  type: string;
  before: Pick<AdditionDraft, 'totalPrice'> | null;
  after: Pick<AdditionDraft, 'totalPrice' | 'recurring'>;
}): { cents: number; per: 'month' | 'once' } {
  if (op.type === 'cancel-addition')
    return { cents: -(op.before?.totalPrice.cents ?? op.after.totalPrice.cents), per: 'month' };
  if (!op.after.recurring) return { cents: op.after.totalPrice.cents, per: 'once' };
  return { cents: op.after.totalPrice.cents - (op.before?.totalPrice.cents ?? 0), per: 'month' };
}

/** "+$50.00 a month", "−$12.00 a month", "$17.50 once". */
export function describeMoney(m: { cents: number; per: 'month' | 'once' }): string {
  if (m.per === 'once') return `${formatCents(m.cents)} once`;
  return `${m.cents > 0 ? '+' : m.cents < 0 ? '−' : ''}${formatCents(Math.abs(m.cents))} a month`;
}

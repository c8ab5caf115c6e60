import { formatMoney } from '../../../shared/money.ts';
import type { ReadFile, RowProblem } from './read.ts';

/** How many refused rows a preview lists by name; the count says how many more there are. */
const LISTED = 50;

/**
 * A read file as a person checks it before anything is stored: rows read and refused (each by
 * line, column and value), the customers and products it names, and each currency's total by
 * the profile's rule beside the file's own.
 */
export function previewLines(read: ReadFile, fileName: string): string[] {
  const customers = new Set(read.lines.map((l) => l.customer.id));
  const products = new Set(read.lines.map((l) => l.product.id));
  const refusedRows = new Set(read.problems.map((p) => p.row));
  const out = [
    `${fileName} (sha256 ${read.hash.slice(0, 12)}…)`,
    `  ${read.rows} rows read, ${read.lines.length} usable, ${refusedRows.size} refused`,
    `  ${customers.size} customers, ${products.size} products`,
    ...totalLines(read.totals, " by the profile's rule"),
  ];
  if (read.problems.length > 0) {
    out.push('', 'Refused:');
    out.push(...refusedLines(read.problems.slice(0, LISTED)));
    if (read.problems.length > LISTED) out.push(`  … and ${read.problems.length - LISTED} more`);
  }
  return out;
}

/** Each currency's total as a line, beside the file's own where they differ. */
export const totalLines = (totals: ReadFile['totals'], how = '') =>
  totals.map(
    (t) =>
      `  ${t.currency}: ${formatMoney(t.amountCents, t.currency)}${how}` +
      (t.fileAmountCents === t.amountCents
        ? ', as the file totals it'
        : `; the file says ${formatMoney(t.fileAmountCents, t.currency)}`),
  );

/** Each refused row by its line, column and value. */
export const refusedLines = (problems: readonly RowProblem[]) =>
  problems.map((p) => `  line ${p.row}, ${p.column}${p.value ? ` "${p.value}"` : ''}: ${p.message}`);

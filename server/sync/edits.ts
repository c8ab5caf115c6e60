import type { Operation } from '../../shared/billing/operations.ts';
import { lineTotal } from '../../shared/billing/proration.ts';
import { formatCents } from '../../shared/money.ts';
import type { OperationEdit } from '../../shared/schemas/plans.ts';
import { type FieldError, invalidInput } from '../errors.ts';

/** Applies a member's edits; an excluded operation takes those that depend on it along. */
export function applyEdits(ops: readonly Operation[], edits: Record<string, OperationEdit>): Operation[] {
  const problems: FieldError[] = [];
  const excluded = new Set(
    Object.entries(edits)
      .filter(([, e]) => !e.include)
      .map(([k]) => k),
  );
  const out: Operation[] = [];
  for (const op of ops) {
    if (excluded.has(op.key) || (op.dependsOn && excluded.has(op.dependsOn))) {
      excluded.add(op.key);
      continue;
    }
    const e = edits[op.key];
    if (!e) {
      out.push(op);
      continue;
    }
    if (e.effectiveDate !== undefined && e.effectiveDate !== op.after.effectiveDate && !op.effectiveDateEditable) {
      problems.push({
        field: `edits.${op.key}.effectiveDate`,
        message: 'cannot be changed when updating an existing addition: ConnectWise keeps its effective date',
      });
      continue;
    }
    // An edit never turns a charge into a credit, or a credit into a charge.
    if (e.quantity !== undefined && Math.sign(e.quantity) !== Math.sign(op.after.quantity)) {
      problems.push({
        field: `edits.${op.key}.quantity`,
        message: op.after.quantity < 0 ? 'a credit keeps a negative quantity' : 'must be more than 0',
      });
      continue;
    }
    const after = { ...op.after };
    if (e.quantity !== undefined) after.quantity = e.quantity;
    if (e.unitPrice !== undefined)
      after.unitPrice = { cents: e.unitPrice, derivation: `${formatCents(e.unitPrice)} (edited)` };
    if (e.unitCost !== undefined)
      after.unitCost = { cents: e.unitCost, derivation: `${formatCents(e.unitCost)} (edited)` };
    if (e.billCustomer !== undefined) after.billCustomer = e.billCustomer;
    if (e.taxable !== undefined) after.taxable = e.taxable;
    if (e.effectiveDate !== undefined) after.effectiveDate = e.effectiveDate;
    if (e.invoiceDescription !== undefined) after.invoiceDescription = e.invoiceDescription;
    after.totalPrice = lineTotal(after.unitPrice.cents, after.quantity);
    after.totalCost = lineTotal(after.unitCost.cents, after.quantity);
    out.push({ ...op, after });
  }
  if (problems.length > 0) throw invalidInput(problems);
  return out;
}

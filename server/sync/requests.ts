import type { OperationRequest } from '../../db/schema.ts';
import type { AdditionDraft, Operation } from '../../shared/billing/operations.ts';
import { centsToAmount } from '../../shared/money.ts';
import type { NewCwAddition, PatchOperation } from '../connectwise/types.ts';

const cwDay = (d: string | null) => (d ? `${d}T00:00:00Z` : null);

/** The POST body for a new addition, its marker in serialNumber. */
export function createBody(draft: AdditionDraft, marker: string): NewCwAddition {
  return {
    product: { id: draft.catalogItemId },
    billCustomer: draft.billCustomer,
    quantity: draft.quantity,
    unitPrice: centsToAmount(draft.unitPrice.cents),
    unitCost: centsToAmount(draft.unitCost.cents),
    effectiveDate: cwDay(draft.effectiveDate)!,
    cancelledDate: cwDay(draft.cancelledDate),
    taxableFlag: draft.taxable,
    invoiceDescription: draft.invoiceDescription,
    serialNumber: marker,
  };
}

/** Only the fields that change, as a PATCH (paths are case-sensitive in Manage). */
export function patchOps(before: AdditionDraft, after: AdditionDraft): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (before.quantity !== after.quantity) ops.push({ op: 'replace', path: 'quantity', value: after.quantity });
  if (before.unitPrice.cents !== after.unitPrice.cents)
    ops.push({ op: 'replace', path: 'unitPrice', value: centsToAmount(after.unitPrice.cents) });
  if (before.unitCost.cents !== after.unitCost.cents)
    ops.push({ op: 'replace', path: 'unitCost', value: centsToAmount(after.unitCost.cents) });
  if (before.cancelledDate !== after.cancelledDate)
    ops.push({ op: 'replace', path: 'cancelledDate', value: cwDay(after.cancelledDate) });
  if (before.billCustomer !== after.billCustomer)
    ops.push({ op: 'replace', path: 'billCustomer', value: after.billCustomer });
  if (before.taxable !== after.taxable) ops.push({ op: 'replace', path: 'taxableFlag', value: after.taxable });
  if (before.invoiceDescription !== after.invoiceDescription)
    ops.push({ op: 'replace', path: 'invoiceDescription', value: after.invoiceDescription });
  return ops;
}

export function requestFor(op: Operation): OperationRequest {
  if (op.additionId !== null && op.before)
    return { method: 'PATCH', additionId: op.additionId, patch: patchOps(op.before, op.after) };
  return { method: 'POST', body: createBody(op.after, op.marker) };
}

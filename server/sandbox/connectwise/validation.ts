import type { CwAdditionRecord, CwAgreementRecord, CwWorld } from '../world.ts';
import type { CwFieldProblem } from './errors.ts';

type Body = Record<string, unknown>;

const problem = (resource: string, field: string, message: string, code = 'InvalidField'): CwFieldProblem => ({
  code,
  message,
  resource,
  field,
});

function requireRef(body: Body, field: string, resource: string, out: CwFieldProblem[]): number | undefined {
  const v = body[field] as { id?: unknown } | undefined;
  if (!v || typeof v !== 'object' || typeof v.id !== 'number') {
    out.push(problem(resource, field, `${field} is required.`, 'NullValue'));
    return undefined;
  }
  return v.id;
}

function maxLength(body: Body, field: string, max: number, resource: string, out: CwFieldProblem[], required = false) {
  const v = body[field];
  if (v === undefined || v === null || v === '') {
    if (required) out.push(problem(resource, field, `${field} is required.`, 'NullValue'));
    return;
  }
  if (typeof v !== 'string') out.push(problem(resource, field, `${field} must be text.`));
  else if (v.length > max) out.push(problem(resource, field, `${field} cannot be longer than ${max} characters.`));
}

function dateOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? NaN : ms;
}

export const ADDITION_WRITABLE = [
  'product',
  'quantity',
  'lessIncluded',
  'unitPrice',
  'unitCost',
  'billCustomer',
  'effectiveDate',
  'cancelledDate',
  'taxableFlag',
  'serialNumber',
  'invoiceDescription',
  'description',
  'purchaseItemFlag',
  'specialOrderFlag',
  'uom',
  'sequenceNumber',
  'customFields',
] as const;

/**
 * The rules Manage applies to an agreement addition, with its wording where it is known:
 * product and billCustomer required, no bundles, field lengths, no effective date before the
 * agreement's billing start, none inside an invoiced period unless the agreement prorates,
 * and nothing added to a cancelled agreement.
 */
export function validateAddition(
  world: CwWorld,
  agreement: CwAgreementRecord,
  body: Body,
  today: string,
  existing?: CwAdditionRecord,
): CwFieldProblem[] {
  const out: CwFieldProblem[] = [];
  const r = 'addition';
  if (!existing && agreement.cancelledFlag) {
    out.push(problem(r, 'agreement', 'Additions cannot be added to a cancelled agreement.'));
    return out;
  }
  const productId = requireRef(body, 'product', r, out);
  if (productId !== undefined) {
    const item = world.catalog.find((i) => i.id === productId);
    if (!item) out.push(problem(r, 'product', `Product ${productId} was not found in the product catalog.`));
    else if (item.productClass === 'Bundle')
      out.push(problem(r, 'product', 'Bundle products cannot be added as agreement additions.'));
  }
  const bill = body.billCustomer;
  if (bill === undefined || bill === null || bill === '')
    out.push(problem(r, 'billCustomer', 'billCustomer is required.', 'NullValue'));
  else if (!['Billable', 'DoNotBill', 'NoCharge'].includes(bill as string))
    out.push(problem(r, 'billCustomer', 'billCustomer must be Billable, DoNotBill or NoCharge.'));
  for (const f of ['quantity', 'lessIncluded', 'unitPrice', 'unitCost']) {
    const v = body[f];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
      out.push(problem(r, f, `${f} must be a number.`));
  }
  maxLength(body, 'invoiceDescription', 6000, r, out);
  maxLength(body, 'serialNumber', 50, r, out);
  maxLength(body, 'description', 6000, r, out);
  maxLength(body, 'uom', 50, r, out);

  const effective = dateOf(body.effectiveDate ?? `${today}T00:00:00Z`);
  const cancelled = dateOf(body.cancelledDate);
  if (Number.isNaN(effective)) out.push(problem(r, 'effectiveDate', 'effectiveDate is not a valid date.'));
  if (Number.isNaN(cancelled)) out.push(problem(r, 'cancelledDate', 'cancelledDate is not a valid date.'));
  if (effective !== undefined && !Number.isNaN(effective)) {
    const billStart = Date.parse(agreement.billStartDate);
    const nextInvoice = Date.parse(agreement.nextInvoiceDate);
    const effectiveChanged = !existing || body.effectiveDate !== existing.effectiveDate;
    // Like Manage, the date rules apply when an effective date is set, not to a quantity change.
    if (effectiveChanged && effective < billStart)
      out.push(problem(r, 'effectiveDate', 'effectiveDate cannot be less than the agreement billing start date'));
    else if (effectiveChanged && !agreement.prorateFlag && effective < nextInvoice) {
      out.push(
        problem(
          r,
          'effectiveDate',
          'Since this period has already been invoiced there will not be an invoice generated for additional ' +
            'products for this period. Please prorate the agreement or update the start date to on or after the Next Invoice Date.',
        ),
      );
    }
    if (cancelled !== undefined && !Number.isNaN(cancelled) && cancelled < effective) {
      out.push(problem(r, 'cancelledDate', 'cancelledDate cannot be before effectiveDate.'));
    }
  }
  return out;
}

export function validateCompany(world: CwWorld, body: Body): CwFieldProblem[] {
  const out: CwFieldProblem[] = [];
  const r = 'company';
  maxLength(body, 'identifier', 30, r, out, true);
  maxLength(body, 'name', 50, r, out, true);
  maxLength(body, 'addressLine1', 50, r, out);
  maxLength(body, 'city', 50, r, out);
  maxLength(body, 'website', 255, r, out);
  maxLength(body, 'phoneNumber', 30, r, out);
  if (typeof body.identifier === 'string' && /\s/.test(body.identifier))
    out.push(problem(r, 'identifier', 'identifier cannot contain spaces.'));
  if (
    typeof body.identifier === 'string' &&
    world.companies.some((c) => c.identifier.toLowerCase() === (body.identifier as string).toLowerCase())
  ) {
    out.push(problem(r, 'identifier', 'The company identifier is already in use.'));
  }
  return out;
}

export function validateCatalogItem(world: CwWorld, body: Body): CwFieldProblem[] {
  const out: CwFieldProblem[] = [];
  const r = 'catalogItem';
  maxLength(body, 'identifier', 75, r, out, true);
  maxLength(body, 'description', 60, r, out, true);
  maxLength(body, 'customerDescription', 6000, r, out, true);
  maxLength(body, 'manufacturerPartNumber', 50, r, out);
  maxLength(body, 'vendorSku', 50, r, out);
  const sub = requireRef(body, 'subcategory', r, out);
  if (sub !== undefined && !world.subcategories.some((s) => s.id === sub))
    out.push(problem(r, 'subcategory', `Subcategory ${sub} was not found.`));
  const type = requireRef(body, 'type', r, out);
  if (type !== undefined && !world.productTypes.some((t) => t.id === type))
    out.push(problem(r, 'type', `Type ${type} was not found.`));
  if (
    body.productClass !== undefined &&
    !['Agreement', 'Bundle', 'Inventory', 'NonInventory', 'Service'].includes(body.productClass as string)
  ) {
    out.push(problem(r, 'productClass', 'productClass must be Agreement, Bundle, Inventory, NonInventory or Service.'));
  }
  if (
    typeof body.identifier === 'string' &&
    world.catalog.some((i) => i.identifier.toLowerCase() === (body.identifier as string).toLowerCase())
  ) {
    out.push(problem(r, 'identifier', 'The product identifier is already in use.'));
  }
  return out;
}

export function validateHostedSetup(world: CwWorld, body: Body): CwFieldProblem[] {
  const out: CwFieldProblem[] = [];
  const r = 'connectWiseHostedSetup';
  if (typeof body.screenId !== 'number') out.push(problem(r, 'screenId', 'screenId is required.', 'NullValue'));
  else if (!world.hostedScreens.some((s) => s.screenId === body.screenId))
    out.push(problem(r, 'screenId', `Screen ${body.screenId} was not found.`));
  maxLength(body, 'description', 50, r, out, true);
  maxLength(body, 'url', 1024, r, out, true);
  maxLength(body, 'origin', 100, r, out);
  if (!['Tab', 'Pod', 'ToolbarButton'].includes(body.type as string))
    out.push(problem(r, 'type', 'type must be Tab, Pod or ToolbarButton.'));
  return out;
}

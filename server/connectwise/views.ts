import type { AdditionView } from '../../shared/billing/additions.ts';
import { parseMicros } from '../../shared/money.ts';
import type { AgreementView } from '../../shared/schemas/mapping.ts';
import type { CwAddition, CwAgreement } from './types.ts';

export const toAgreementView = (a: CwAgreement): AgreementView => ({
  id: a.id,
  name: a.name,
  type: a.type.name ?? '',
  companyId: a.company.id,
  startDate: a.startDate ?? null,
  endDate: a.endDate ?? null,
  cancelled: a.cancelledFlag,
  status: a.agreementStatus ?? null,
  billingCycle: a.billingCycle?.name ?? null,
  billStartDate: a.billStartDate ?? null,
  nextInvoiceDate: a.nextInvoiceDate ?? null,
  prorates: a.prorateFlag,
  currency: a.currency?.currencyCode?.toUpperCase() ?? null,
});

export const toAdditionView = (a: CwAddition): AdditionView => ({
  id: a.id,
  agreementId: a.agreementId,
  catalogItemId: a.product.id,
  quantity: a.quantity,
  // ConnectWise sends amounts as JSON numbers; they become exact micros here and nowhere else.
  unitPrice: a.unitPrice == null ? null : parseMicros(a.unitPrice),
  unitCost: a.unitCost == null ? null : parseMicros(a.unitCost),
  effectiveDate: a.effectiveDate ?? null,
  cancelledDate: a.cancelledDate ?? null,
  invoiceDescription: a.invoiceDescription ?? null,
  marker: a.serialNumber ?? null,
  lastUpdated: a._info?.lastUpdated ?? null,
  updatedBy: a._info?.updatedBy ?? null,
});

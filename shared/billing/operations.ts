import type { OperationKind } from '../schemas/settings.ts';
import type { Derived } from './proration.ts';

export type BillCustomer = 'Billable' | 'DoNotBill' | 'NoCharge';

export const OPERATION_TYPES = [
  'create-recurring',
  'update-recurring',
  'cancel-addition',
  'create-prorate',
  'create-credit',
  'create-delta',
  'update-delta',
  'create-extra-months',
  /** A usage period billed once (Azure, a usage summary or line). */
  'create-usage',
  /** A reconciliation's difference, posted once when a person accepts it. */
  'create-adjustment',
] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** An addition as the plan would leave it in ConnectWise. Dates are ISO days. */
export interface AdditionDraft {
  catalogItemId: number;
  quantity: number;
  unitPrice: Derived;
  unitCost: Derived;
  totalPrice: Derived;
  totalCost: Derived;
  effectiveDate: string;
  cancelledDate: string | null;
  invoiceDescription: string;
  billCustomer: BillCustomer;
  taxable: boolean;
  recurring: boolean;
  proratedPeriod: { from: string; to: string } | null;
}

export interface Operation {
  /** Stable across re-planning: the same change always gets the same key. */
  key: string;
  /** Written into the addition's serialNumber so a re-read recognises the engine's own write. */
  marker: string;
  type: OperationType;
  /** Which of the unattended kinds this is (settings: increases, decreases, cancellations, prorates). */
  kind: OperationKind;
  title: string;
  reason: string;
  /** The addition it changes (updates and cancellations). */
  additionId: number | null;
  before: AdditionDraft | null;
  after: AdditionDraft;
  /** Another operation that must succeed first (cancel before replace). */
  dependsOn: string | null;
  /** ConnectWise refuses to move an existing addition's effective date. */
  effectiveDateEditable: boolean;
  extraMonths: { from: string; months: number } | null;
}

/** 64-bit FNV-1a as 16 hex digits: small, dependency-free and the same in browser and server. */
export function shortHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * The marker lives in `serialNumber` (50 characters at most): it survives a person editing the
 * description or quantity by hand, means nothing to an invoice, and can be searched with
 * `conditions`. Its prefix says which distributor's sync wrote it (`p8s:` for Pax8, as the first
 * release wrote every marker, `ion:` for StreamOne Ion).
 */
export const markerFor = (key: string, prefix: string) => `${prefix}:${shortHash(key)}`;

/**
 * The key of an operation that re-creates a line the sync wrote and someone removed: the
 * original key is already written, so the new write needs a key (and marker) of its own.
 */
export const againKey = (key: string) => `${key}:again`;

/**
 * The months the extra-months line for months invoiced ahead without the subscription (on its
 * first sync) back-bills, from its key (`…:invoiced:<from>:<months>:<seats>`). */
export function invoicedAheadOf(key: string): { from: string; months: number } | null {
  const [, rest] = key.split(':invoiced:');
  const [from, months] = rest?.split(':') ?? [];
  return from && months ? { from, months: Number(months) } : null;
}

/** A new addition, with nothing before it and nothing it waits on: usage lines, reconciliation posts. */
export function newAddition(o: {
  key: string;
  marker: string;
  type: OperationType;
  kind: OperationKind;
  title: string;
  reason: string;
  after: AdditionDraft;
}): Operation {
  return {
    ...o,
    additionId: null,
    before: null,
    dependsOn: null,
    effectiveDateEditable: true,
    extraMonths: null,
  };
}

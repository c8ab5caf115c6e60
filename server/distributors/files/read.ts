import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { type Decimal, multiply, parseDecimal, roundDown, toCents, toMicros } from './decimal.ts';
import type { ColumnProfile, FileChargeKind } from './profile.ts';

/** One charge of an imported file, in the product's terms. */
export interface FileLine {
  /** The file's line number (its heading is line 1): what a person finds it by. */
  row: number;
  invoice: string | null;
  customer: { id: string; name: string };
  product: { id: string; name: string };
  subscriptionId: string;
  /** As the file writes it, and what it is. */
  chargeType: string;
  kind: FileChargeKind;
  /** Billable quantity, possibly fractional (usage); negative only on a credit or a cancellation. */
  quantity: string;
  unitCostMicros: number;
  /** Cost and price per unit in `currency`, the exchange rate applied as the profile's rule does. */
  billedUnitCostMicros: number;
  billedUnitPriceMicros: number;
  /** The commitment and billing cycle as the file writes it, where the profile reads one. */
  term: string | null;
  currency: string;
  periodStart: string;
  periodEnd: string;
  /** The line's amount by the profile's rule, in cents of `currency`: what the partner pays. */
  amountCents: number;
  /** What the customer is billed for it: the price column by the same rule, or the amount with the markup. */
  priceAmountCents: number;
  /** The file's own amount, where it has one. */
  fileAmountCents: number | null;
}

/** A row the import refuses, named by its line and column with the value found. */
export interface RowProblem {
  row: number;
  column: string;
  value: string;
  message: string;
}

export interface ReadFile {
  /** Every usable line, unless the reader was asked to hand them on instead (`ReadOptions`). */
  lines: FileLine[];
  /** Lines read and usable, kept or not. */
  usable: number;
  problems: RowProblem[];
  /** Data rows read, refused ones included. */
  rows: number;
  /** Each currency's total by the rule, and by the file's own amounts. */
  totals: { currency: string; amountCents: number; fileAmountCents: number }[];
  /** SHA-256 of the bytes read: the same file imported twice is known by it. */
  hash: string;
}

/**
 * Reads an invoice or usage file with a profile, as a stream: UTF-8 with or without a BOM, the
 * profile's delimiter and decimal separator. Every row is checked; a row that cannot be used is
 * refused with its line, its column and the value found, and nothing is defaulted.
 */
export interface ReadOptions {
  /** Each usable line as it is read, the reading waiting for it: a store takes them in chunks. */
  onLine?: (line: FileLine) => void | Promise<void>;
  /** False: the lines are handed to `onLine` and not kept, so memory does not grow with the file. */
  keepLines?: boolean;
}

export async function readInvoiceFile(
  source: Readable | string | Buffer,
  profile: ColumnProfile,
  options: ReadOptions = {},
): Promise<ReadFile> {
  const keep = options.keepLines ?? true;
  const input = typeof source === 'string' || Buffer.isBuffer(source) ? Readable.from(slices(source)) : source;
  const hash = createHash('sha256');
  input.on('data', (chunk: Buffer | string) => hash.update(chunk));
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter: profile.delimiter,
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }),
  );
  // A source that fails (a disk, a part that does not open) ends the read with its error: a pipe
  // alone would leave the parser waiting for more.
  input.once('error', (error) => parser.destroy(error));
  const out: ReadFile = { lines: [], usable: 0, problems: [], rows: 0, totals: [], hash: '' };
  const totals = new Map<string, { amountCents: number; fileAmountCents: number }>();
  let checkedHeadings = false;
  try {
    await readRecords();
  } catch (error) {
    input.destroy();
    // The line's receiver failed (a store): that is its failure, not the file's.
    if (error instanceof ReceiverFailed) throw error.cause;
    // A file the parser cannot read past (an unclosed quote, a wrong delimiter) is refused where it stopped.
    const at = (error as { lines?: number }).lines ?? out.rows + 1;
    out.problems.push({
      row: at,
      column: '(file)',
      value: '',
      message: `cannot be read as CSV: ${(error as Error).message}`,
    });
    input.destroy();
  }
  out.totals = [...totals].map(([currency, t]) => ({ currency, ...t }));
  out.hash = hash.digest('hex');
  return out;

  async function readRecords() {
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      if (!checkedHeadings) {
        checkedHeadings = true;
        const missing = missingColumns(profile, Object.keys(record));
        if (missing.length > 0) {
          out.problems.push(
            ...missing.map((c) => ({ row: 1, column: c, value: '', message: `the file has no column "${c}"` })),
          );
          input.destroy();
          break;
        }
      }
      out.rows++;
      const line = readRow(record, info.lines, profile, out.problems);
      if (!line) continue;
      out.usable++;
      if (keep) out.lines.push(line);
      if (options.onLine)
        await Promise.resolve(options.onLine(line)).catch((error: unknown) => {
          throw new ReceiverFailed(error);
        });
      const t = totals.get(line.currency) ?? { amountCents: 0, fileAmountCents: 0 };
      t.amountCents += line.amountCents;
      t.fileAmountCents += line.fileAmountCents ?? line.amountCents;
      totals.set(line.currency, t);
    }
  }
}

/**
 * A whole file in slices: given in one chunk, the parser would turn all of it into records
 * before the first was read, and a stream would hold the file's every line at once.
 */
function* slices(whole: string | Buffer, size = 64 * 1024) {
  const bytes = typeof whole === 'string' ? Buffer.from(whole) : whole;
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

class ReceiverFailed extends Error {
  constructor(cause: unknown) {
    super('the receiver of a line failed', { cause });
  }
}

/** A file's headings, as the profile builder offers them to choose from. */
export function fileHeadings(sample: string, delimiter: ColumnProfile['delimiter']): string[] {
  try {
    const [first] = parseSync(sample, { bom: true, delimiter, to_line: 1, trim: true }) as string[][];
    return (first ?? []).filter((h) => h !== '');
  } catch {
    return [];
  }
}

function missingColumns(profile: ColumnProfile, headings: string[]): string[] {
  const have = new Set(headings);
  return Object.values(profile.columns).filter((c): c is string => c !== undefined && !have.has(c));
}

/** One row with the profile, or null after naming what is wrong with it. */
function readRow(record: Record<string, string>, row: number, profile: ColumnProfile, problems: RowProblem[]) {
  const c = profile.columns;
  const before = problems.length;
  const refuse = (column: string, message: string) =>
    problems.push({ row, column, value: record[column] ?? '', message });
  const text = (column: string) => {
    const v = record[column] ?? '';
    if (v === '') refuse(column, 'is empty');
    return v;
  };
  const amount = (column: string) => {
    const d = parseDecimal(record[column] ?? '', profile.decimal);
    if (!d) refuse(column, `is not a number written with "${profile.decimal}" as its decimal separator`);
    return d;
  };
  const day = (column: string) => {
    const d = parseDay(record[column] ?? '', profile.dates);
    if (!d) refuse(column, `is not a date (${profile.dates === 'iso' ? 'YYYY-MM-DD' : profile.dates})`);
    return d;
  };
  const chargeType = text(c.chargeType);
  const kind = profile.chargeTypes[chargeType.replace(/\s+/g, '').toLowerCase()];
  if (chargeType && !kind)
    refuse(
      c.chargeType,
      `is a charge type this profile does not know; add it to the profile as new, renew, cancel, credit or usage`,
    );
  const quantity = amount(c.quantity);
  if (quantity && quantity.units < 0n && kind !== 'credit' && kind !== 'cancel')
    refuse(c.quantity, 'is negative on a charge that is not a credit or a cancellation');
  const unitCost = amount(c.unitCost);
  const rate = c.exchangeRate ? amount(c.exchangeRate) : { units: 1n, scale: 0 };
  const fileAmount = c.subtotal ? amount(c.subtotal) : null;
  const unitPrice = c.unitPrice ? amount(c.unitPrice) : null;
  const periodStart = day(c.periodStart);
  const periodEnd = day(c.periodEnd);
  const currency = text(c.currency).toUpperCase();
  if (currency && !/^[A-Z]{3}$/.test(currency)) refuse(c.currency, 'is not a three-letter currency code');
  const fields = {
    customerId: text(c.customerId),
    customerName: text(c.customerName),
    productId: text(c.productId),
    productName: text(c.productName),
    subscriptionId: text(c.subscriptionId),
  };
  if (problems.length > before || !quantity || !unitCost || !rate || !kind || !periodStart || !periodEnd) return null;
  const billedCost = billedUnit(profile, kind, unitCost, rate);
  const amountCents = lineAmount(profile, kind, unitCost, quantity, rate);
  const priceAmountCents = unitPrice
    ? lineAmount(profile, kind, unitPrice, quantity, rate)
    : withMarkup(amountCents, profile.markupBasisPoints ?? 0);
  const fileAmountCents = fileAmount ? toCents(roundDown(fileAmount, 2)) : null;
  if (fileAmountCents !== null && fileAmountCents !== amountCents)
    refuse(c.subtotal!, `does not follow ${profile.name}'s rule, which gives ${(amountCents / 100).toFixed(2)}`);
  if (problems.length > before) return null;
  return {
    row,
    invoice: c.invoice ? record[c.invoice] || null : null,
    customer: { id: fields.customerId, name: fields.customerName },
    product: { id: fields.productId, name: fields.productName },
    subscriptionId: fields.subscriptionId,
    chargeType,
    kind,
    quantity: record[c.quantity]!.replace(',', '.'),
    unitCostMicros: toMicros(unitCost),
    billedUnitCostMicros: billedCost,
    billedUnitPriceMicros: unitPrice
      ? billedUnit(profile, kind, unitPrice, rate)
      : withMarkup(billedCost, profile.markupBasisPoints ?? 0),
    term: c.term ? record[c.term] || null : null,
    currency,
    periodStart,
    periodEnd,
    amountCents,
    priceAmountCents,
    fileAmountCents,
  } satisfies FileLine;
}

/**
 * A line's amount by the profile's rule. Microsoft's, as its documentation states it: usage is
 * ROUNDDOWN(ROUNDDOWN(EffectiveUnitPrice × BillableQuantity, 2) × PCToBCExchangeRate, 2); a
 * licence is ROUNDDOWN(EffectiveUnitPrice × PCToBCExchangeRate, 2) × BillableQuantity.
 */
export function lineAmount(
  profile: Pick<ColumnProfile, 'rule'>,
  kind: FileChargeKind,
  unitCost: Decimal,
  quantity: Decimal,
  rate: Decimal,
): number {
  if (profile.rule === 'microsoft-nce') {
    if (kind === 'usage') return toCents(roundDown(multiply(roundDown(multiply(unitCost, quantity), 2), rate), 2));
    return toCents(roundDown(multiply(roundDown(multiply(unitCost, rate), 2), quantity), 2));
  }
  // Half a cent rounds away from zero, as every amount the product computes does.
  const exact = multiply(multiply(unitCost, quantity), rate);
  const shift = 10n ** BigInt(Math.max(0, exact.scale - 2));
  const half = exact.scale > 2 ? (exact.units < 0n ? -shift / 2n : shift / 2n) : 0n;
  return toCents(roundDown({ units: exact.units + half, scale: exact.scale }, 2));
}

/**
 * A unit amount in the billing currency: Microsoft rounds a licence's converted unit price down
 * to the cent before multiplying by seats; usage keeps micros, as its rule rounds only totals.
 */
function billedUnit(profile: Pick<ColumnProfile, 'rule'>, kind: FileChargeKind, unit: Decimal, rate: Decimal): number {
  const converted = multiply(unit, rate);
  if (profile.rule === 'microsoft-nce' && kind !== 'usage') return toMicros(roundDown(converted, 2));
  return toMicros(converted);
}

/** Cost with a markup in basis points, to the micro, half away from zero. */
export function withMarkup(costMicros: number, basisPoints: number): number {
  const exact = BigInt(costMicros) * BigInt(10_000 + basisPoints);
  const half = exact < 0n ? -5_000n : 5_000n;
  return Number((exact + half) / 10_000n);
}

const FORMATS = { 'month-day-year': 'M/d/yyyy', 'day-month-year': 'd/M/yyyy' } as const;

/** An ISO day from ISO (with or without a time) or the profile's own format; null when neither reads. */
function parseDay(text: string, dates: ColumnProfile['dates']): string | null {
  const t = text.trim();
  const iso = DateTime.fromISO(t, { zone: 'utc' });
  if (iso.isValid) return iso.toISODate();
  if (dates === 'iso') return null;
  const own = DateTime.fromFormat(t.split(' ')[0]!, FORMATS[dates], { zone: 'utc' });
  return own.isValid ? own.toISODate() : null;
}

import { signal } from '@preact/signals';
import { parsePercentBp } from '../../shared/money.ts';
import { ApiError, api, read } from '../api.ts';
import type { ProfileTry } from './imports.ts';
import { fail } from './session.ts';

/** The fields a profile reads, as the builder asks for them; the optional ones may be left out. */
export const PROFILE_FIELDS = [
  { name: 'customerId', label: 'Customer id', required: true },
  { name: 'customerName', label: 'Customer name', required: true },
  { name: 'productId', label: 'Product id', required: true },
  { name: 'productName', label: 'Product name', required: true },
  { name: 'subscriptionId', label: 'Subscription id', required: true },
  { name: 'quantity', label: 'Billable quantity', required: true },
  { name: 'unitCost', label: 'Unit cost', required: true },
  { name: 'currency', label: 'Currency', required: true },
  { name: 'periodStart', label: 'Period start', required: true },
  { name: 'periodEnd', label: 'Period end', required: true },
  { name: 'chargeType', label: 'Charge type', required: true },
  { name: 'unitPrice', label: 'Unit price (else the markup below)', required: false },
  { name: 'invoice', label: 'Invoice number', required: false },
  { name: 'term', label: 'Term and billing cycle', required: false },
  { name: 'subtotal', label: "The file's own amount", required: false },
  { name: 'exchangeRate', label: 'Exchange rate', required: false },
] as const;

export const CHARGE_KINDS = ['new', 'renew', 'cancel', 'credit', 'usage'] as const;

export interface ProfileDraft {
  key: string;
  name: string;
  delimiter: ',' | ';';
  decimal: '.' | ',';
  dates: 'iso' | 'month-day-year' | 'day-month-year';
  columns: Record<string, string>;
  /** The file's words for each kind, comma separated: "Purchase, New". */
  words: Record<(typeof CHARGE_KINDS)[number], string>;
  /** As the admin types it: "20" or "12.5". */
  markup: string;
}

const EMPTY: ProfileDraft = {
  key: '',
  name: '',
  delimiter: ',',
  decimal: '.',
  dates: 'iso',
  columns: {},
  words: { new: 'new', renew: 'renew', cancel: 'cancel', credit: 'credit', usage: 'usage' },
  markup: '',
};

/** What the builder holds: the sample's first rows, their headings, the draft, and what trying it showed. */
export const sample = signal<{ fileName: string; text: string } | null>(null);
export const headings = signal<string[]>([]);
export const draft = signal<ProfileDraft>(EMPTY);
export const tried = signal<ProfileTry | null>(null);
export const builderSaid = signal<{ tone: 'ok' | 'error'; text: string } | null>(null);

/** Only the first rows are sent: enough to choose each column and see them parsed. */
const SAMPLE_CHARS = 64 * 1024;

const failed = (e: unknown) => {
  if (e instanceof ApiError && e.needsReload) return fail(e);
  builderSaid.value = { tone: 'error', text: (e as Error).message };
};

export function resetBuilder() {
  sample.value = null;
  headings.value = [];
  draft.value = EMPTY;
  tried.value = null;
  builderSaid.value = null;
}

/** A semicolon-separated file says so in its heading: more semicolons than commas. */
const delimiterOf = (firstLine: string) =>
  (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';

export async function readSample(file: File) {
  const text = (await file.slice(0, SAMPLE_CHARS).text()).split(/\r?\n/).slice(0, 21).join('\n');
  sample.value = { fileName: file.name, text };
  const delimiter = delimiterOf(text.split('\n')[0] ?? '');
  draft.value = { ...draft.value, delimiter, decimal: delimiter === ';' ? ',' : '.' };
  await loadHeadings();
}

export async function loadHeadings() {
  if (!sample.value) return;
  try {
    const answer = await read(
      api['import-profiles'].headings.$post({ json: { sample: sample.value.text, delimiter: draft.value.delimiter } }),
    );
    headings.value = answer.headings;
  } catch (e) {
    failed(e);
  }
}

export function setDraft(change: Partial<ProfileDraft>) {
  draft.value = { ...draft.value, ...change };
  tried.value = null;
}

/** The draft as the server reads a profile: empty optional columns left out, words to kinds. */
function profileOf(d: ProfileDraft) {
  const columns = Object.fromEntries(Object.entries(d.columns).filter(([, v]) => v !== ''));
  const chargeTypes: Record<string, string> = {};
  for (const kind of CHARGE_KINDS)
    for (const word of d.words[kind].split(','))
      if (word.trim()) chargeTypes[word.replace(/\s+/g, '').toLowerCase()] = kind;
  const markup = d.markup.trim() ? parsePercentBp(d.markup) : undefined;
  return {
    name: d.name,
    delimiter: d.delimiter,
    decimal: d.decimal,
    dates: d.dates,
    rule: 'quantity-times-unit-cost' as const,
    columns,
    chargeTypes,
    ...(markup !== undefined ? { markupBasisPoints: markup } : {}),
  };
}

/** Reads the sample's first rows with the draft, as an import would. */
export async function tryDraft() {
  if (!sample.value) return;
  builderSaid.value = null;
  try {
    tried.value = await read(
      api['import-profiles'].try.$post({ json: { sample: sample.value.text, profile: profileOf(draft.value) } }),
    );
  } catch (e) {
    failed(e);
  }
}

export async function saveDraft(onSaved: (key: string) => void) {
  builderSaid.value = null;
  try {
    const saved = await read(
      api['import-profiles'].$post({ json: { key: draft.value.key, profile: profileOf(draft.value) } }),
    );
    builderSaid.value = {
      tone: 'ok',
      text: `Saved "${saved.profile.name}" as ${saved.key}, version ${saved.version}.`,
    };
    onSaved(saved.key);
  } catch (e) {
    failed(e);
  }
}

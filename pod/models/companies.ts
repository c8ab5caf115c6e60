import { signal } from '@preact/signals';
import type { CompanyRow, MappingStatus, NewCompanyInput } from '../../shared/schemas/mapping.ts';
import { ApiError, api, read } from '../api.ts';
import { type FormError, formError } from './forms.ts';
import { fail } from './session.ts';

export const companies = signal<{ rows: CompanyRow[]; counts: Record<'all' | MappingStatus, number> } | null>(null);
export const companiesError = signal<string | null>(null);
export const filter = signal<'all' | MappingStatus>('all');
/** The search box: matches the distributor's name, the bound company or the suggestion. */
export const search = signal('');
export const selected = signal<Set<string>>(new Set());
/** Per-row outcome of the last bulk action. */
export const rowResults = signal<Record<string, { ok: boolean; message: string }>>({});

export async function loadCompanies() {
  try {
    companies.value = await read(api.companies.$get());
    companiesError.value = null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    companiesError.value = (error as Error).message;
  }
}

export function toggle(id: string) {
  const next = new Set(selected.value);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  selected.value = next;
}

/** Binds each selected row to its suggestion, or clears each; every row reports for itself. */
export async function bulk(mode: 'bind' | 'clear') {
  const rows = companies.value?.rows.filter((r) => selected.value.has(r.distributorCompanyId)) ?? [];
  const items = rows.map((r) => ({
    distributorCompanyId: r.distributorCompanyId,
    cwCompanyId: mode === 'clear' ? null : (r.suggestion?.cwCompanyId ?? null),
  }));
  const skipped = mode === 'bind' ? items.filter((i) => i.cwCompanyId === null) : [];
  const send = items.filter((i) => mode === 'clear' || i.cwCompanyId !== null);
  const results: Record<string, { ok: boolean; message: string }> = {};
  for (const s of skipped)
    results[s.distributorCompanyId] = { ok: false, message: 'No suggestion to bind to; bind it from its company tab.' };
  if (send.length > 0) {
    try {
      const answer = await read(api['company-mappings'].bulk.$post({ json: { items: send } }));
      for (const r of answer.results) results[r.distributorCompanyId] = { ok: r.ok, message: r.message };
    } catch (error) {
      for (const s of send) results[s.distributorCompanyId] = { ok: false, message: (error as Error).message };
    }
  }
  rowResults.value = results;
  selected.value = new Set();
  await loadCompanies();
}

export async function unbindRow(mappingId: string) {
  await read(api['company-mappings'][':id'].$delete({ param: { id: mappingId } }));
  await loadCompanies();
}

export async function createCompany(input: NewCompanyInput): Promise<FormError | null> {
  try {
    await read(api['cw-companies'].$post({ json: input }));
    await loadCompanies();
    return null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) fail(error);
    return formError(error);
  }
}

/** Binds one distributor company to a ConnectWise company from its row, and says how it went on the row. */
export async function bindRow(distributorCompanyId: string, cwCompanyId: number, cwName: string) {
  let result: { ok: boolean; message: string };
  try {
    await read(api['company-mappings'].$post({ json: { distributorCompanyId, cwCompanyId } }));
    result = { ok: true, message: `Bound to ${cwName}.` };
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    result = { ok: false, message: (error as Error).message };
  }
  rowResults.value = { ...rowResults.value, [distributorCompanyId]: result };
  await loadCompanies();
}

export const searchCw = (q: string) => read(api['cw-companies'].$get({ query: { q } }));

/** The rows on screen: the status chip, then the search box. */
export function visibleRows(rows: readonly CompanyRow[]): CompanyRow[] {
  const q = search.value.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (filter.value === 'all' || r.status === filter.value) &&
      (!q ||
        r.name.toLowerCase().includes(q) ||
        (r.cwCompanyName ?? '').toLowerCase().includes(q) ||
        (r.suggestion?.name ?? '').toLowerCase().includes(q)),
  );
}

/** Selects every row on screen, or none. */
export function selectAll(rows: readonly CompanyRow[], on: boolean) {
  selected.value = on ? new Set(rows.map((r) => r.distributorCompanyId)) : new Set();
}

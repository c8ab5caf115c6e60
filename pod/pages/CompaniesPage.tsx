import { useEffect, useState } from 'preact/hooks';
import type { CompanyRow, NewCompanyInput } from '../../shared/schemas/mapping.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { Chips } from '../components/Chips.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Field } from '../components/Field.tsx';
import { Notice } from '../components/Notice.tsx';
import {
  bindRow,
  bulk,
  companies,
  companiesError,
  createCompany,
  filter,
  loadCompanies,
  rowResults,
  search,
  searchCw,
  selectAll,
  selected,
  toggle,
  unbindRow,
  visibleRows,
} from '../models/companies.ts';
import { dname } from '../models/distributor.ts';
import type { FormError } from '../models/forms.ts';
import { hostBridge } from '../models/session.ts';

/** Every company at the distributor, mapped, unmapped or failed; bind or clear several at once. */
export function CompaniesPage() {
  useEffect(() => void loadCompanies(), []);
  const [creating, setCreating] = useState<CompanyRow | null>(null);
  const [unbinding, setUnbinding] = useState<CompanyRow | null>(null);
  const data = companies.value;
  if (companiesError.value)
    return (
      <Notice tone="error" title="Could not load companies.">
        {companiesError.value}
      </Notice>
    );
  if (!data) return <p class="muted">Reading {dname()} and ConnectWise companies…</p>;
  const rows = visibleRows(data.rows);
  const results = rowResults.value;
  return (
    <section>
      <RoleNote actions={['writeAdditions', 'createCompanies']} />
      <Chips counts={data.counts} value={filter.value} onChange={(k) => (filter.value = k)} />
      <input
        type="search"
        class="search"
        aria-label="Search companies"
        placeholder={`Search by ${dname()} or ConnectWise name`}
        value={search.value}
        onInput={(e) => (search.value = e.currentTarget.value)}
      />
      <div class="toolbar">
        <ActionButton action="writeAdditions" disabled={selected.value.size === 0} onClick={() => void bulk('bind')}>
          Bind selected to their suggestions ({selected.value.size})
        </ActionButton>
        <ActionButton action="writeAdditions" disabled={selected.value.size === 0} onClick={() => void bulk('clear')}>
          Clear selected
        </ActionButton>
      </div>
      {unbinding && (
        <Confirm
          confirmLabel="Unbind"
          onCancel={() => setUnbinding(null)}
          onConfirm={() => {
            const id = unbinding.mappingId!;
            setUnbinding(null);
            void unbindRow(id);
          }}
        >
          Unbind {dname()}'s {unbinding.name} from {unbinding.cwCompanyName} in ConnectWise? Its {dname()} subscription
          mappings are kept but paused until it is bound again; other distributors' are not touched.
        </Confirm>
      )}
      {creating && <CreateCompany row={creating} onDone={() => setCreating(null)} />}
      {rows.length === 0 ? (
        <p class="muted">No companies in this view.</p>
      ) : (
        <table data-testid="companies">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Select every company shown"
                  checked={rows.length > 0 && rows.every((r) => selected.value.has(r.distributorCompanyId))}
                  onChange={(e) => selectAll(rows, e.currentTarget.checked)}
                />
              </th>
              <th>{dname()} company</th>
              <th>ConnectWise company</th>
              <th>Status</th>
              <th>Suggestion</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <CompanyLine
                key={r.distributorCompanyId}
                r={r}
                result={results[r.distributorCompanyId]}
                onUnbind={() => setUnbinding(r)}
                onCreate={() => setCreating(r)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One distributor company: its binding, the last bulk action's word on it, its suggestion, and what can be done. */
function CompanyLine(props: {
  r: CompanyRow;
  result: { ok: boolean; message: string } | undefined;
  onUnbind: () => void;
  onCreate: () => void;
}) {
  const { r, result, onUnbind, onCreate } = props;
  return (
    <tr data-testid="company-row" data-name={r.name}>
      <td>
        <input
          type="checkbox"
          aria-label={`Select ${r.name}`}
          checked={selected.value.has(r.distributorCompanyId)}
          onChange={() => toggle(r.distributorCompanyId)}
        />
      </td>
      <td>{r.name}</td>
      <td>
        {r.cwCompanyId ? (
          <button
            type="button"
            class="link"
            onClick={() =>
              void hostBridge()?.request('openScreen', { newTab: true, screen: 'company', id: r.cwCompanyId })
            }
          >
            {r.cwCompanyName}
          </button>
        ) : (
          '—'
        )}
      </td>
      <td>
        <span class={`status ${r.status === 'mapped' ? 'ok' : r.status === 'failed' ? 'bad' : 'neutral'}`}>
          {r.status}
        </span>
        {result && (
          <div class={`small ${result.ok ? 'ok-text' : 'bad-text'}`} data-testid="row-result">
            {result.message}
          </div>
        )}
      </td>
      <td>
        {r.suggestion ? (
          <>
            {r.suggestion.name} ({r.suggestion.score}%)
            <div class="muted small">{r.suggestion.reasons.join(', ')}</div>
          </>
        ) : r.status === 'unmapped' ? (
          <span class="muted">none</span>
        ) : (
          ''
        )}
      </td>
      <td>
        {r.status === 'mapped' ? (
          <ActionButton action="writeAdditions" onClick={onUnbind}>
            Unbind…
          </ActionButton>
        ) : (
          <span class="inline">
            {r.suggestion && (
              <ActionButton
                action="writeAdditions"
                class="primary"
                onClick={() => void bindRow(r.distributorCompanyId, r.suggestion!.cwCompanyId, r.suggestion!.name)}
              >
                Bind
              </ActionButton>
            )}
            <BindTo row={r} />
            {!r.suggestion && (
              <ActionButton action="createCompanies" onClick={onCreate}>
                Create in ConnectWise…
              </ActionButton>
            )}
          </span>
        )}
      </td>
    </tr>
  );
}

/** Reviewed before it is written: the distributor company's details as a new ConnectWise company. */
function CreateCompany({ row, onDone }: { row: CompanyRow; onDone: () => void }) {
  const [form, setForm] = useState<NewCompanyInput>({
    distributorCompanyId: row.distributorCompanyId,
    identifier: row.name.replace(/[^A-Za-z0-9]/g, '').slice(0, 30),
    name: row.name.slice(0, 50),
    website: row.website ?? '',
  });
  const [error, setError] = useState<FormError | null>(null);
  const set = (k: keyof NewCompanyInput) => (v: string) => setForm({ ...form, [k]: v });
  return (
    <form
      class="panel"
      data-testid="create-company"
      onSubmit={async (e) => {
        e.preventDefault();
        const failed = await createCompany(form);
        if (failed) setError(failed);
        else onDone();
      }}
    >
      <h2>Create {row.name} in ConnectWise</h2>
      {error && <div class="notice error">{error.message}</div>}
      <div class="grid">
        <Field
          label="Identifier"
          name="identifier"
          value={form.identifier}
          max={30}
          onInput={set('identifier')}
          error={error?.fields.identifier}
        />
        <Field label="Name" name="name" value={form.name} max={50} onInput={set('name')} error={error?.fields.name} />
        <Field
          label="Address"
          name="addressLine1"
          value={form.addressLine1 ?? ''}
          max={50}
          onInput={set('addressLine1')}
          error={error?.fields.addressLine1}
        />
        <Field
          label="City"
          name="city"
          value={form.city ?? ''}
          max={50}
          onInput={set('city')}
          error={error?.fields.city}
        />
        <Field
          label="Website"
          name="website"
          value={form.website ?? ''}
          onInput={set('website')}
          error={error?.fields.website}
        />
        <Field
          label="Phone"
          name="phoneNumber"
          value={form.phoneNumber ?? ''}
          max={30}
          onInput={set('phoneNumber')}
          error={error?.fields.phoneNumber}
        />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Create and bind
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Binds a distributor company to any ConnectWise company not bound yet, found by name. */
function BindTo({ row }: { row: CompanyRow }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Awaited<ReturnType<typeof searchCw>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!open)
    return (
      <ActionButton action="writeAdditions" onClick={() => setOpen(true)}>
        Bind to…
      </ActionButton>
    );
  return (
    <div class="panel" data-testid="bind-to">
      <form
        class="inline"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            setFound(await searchCw(q));
            setError(null);
          } catch (failure) {
            setError((failure as Error).message);
          }
        }}
      >
        <input
          aria-label={`ConnectWise company for ${row.name}`}
          placeholder="ConnectWise company name"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <button type="button" class="link" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </form>
      {error && <p class="bad-text">{error}</p>}
      {found && found.length === 0 && <p class="muted small">No unbound ConnectWise company has that name.</p>}
      {found?.map((c) => (
        <div key={c.id} class="inline">
          <span>
            {c.name} <span class="muted small">{[c.identifier, c.city].filter(Boolean).join(' · ')}</span>
          </span>
          <ActionButton
            action="writeAdditions"
            onClick={() => {
              setOpen(false);
              void bindRow(row.distributorCompanyId, c.id, c.name);
            }}
          >
            Bind
          </ActionButton>
        </div>
      ))}
    </div>
  );
}

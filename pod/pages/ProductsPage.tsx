import { useEffect, useState } from 'preact/hooks';
import { centsToDecimal, parseCents } from '../../shared/money.ts';
import type { ExportProductInput } from '../../shared/schemas/mapping.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { Chips } from '../components/Chips.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Field } from '../components/Field.tsx';
import { Notice } from '../components/Notice.tsx';
import { EditCatalogPanel, MarkupField, UsageSyncSwitch } from '../components/UsageProductControls.tsx';
import { dname } from '../models/distributor.ts';
import type { FormError } from '../models/forms.ts';
import { view } from '../models/nav.ts';
import {
  bindProduct,
  type CatalogHit,
  catalogSetup,
  exportProduct,
  loadProducts,
  openProducts,
  type ProductPanel,
  type ProductRow,
  pricingOf,
  productFilter,
  productPanel,
  productSearch,
  products,
  productsError,
  searchCatalog,
  showSubProducts,
  subProductNames,
  subProductsError,
  unbindProduct,
} from '../models/products.ts';

/** The distributor's products in use, mapped to catalog items; usage products bind each sub-product. */
export function ProductsPage(props: { focusProductId?: string | undefined }) {
  useEffect(() => void openProducts(), []);
  const panel = productPanel.value;
  const setPanel = (next: ProductPanel) => {
    productPanel.value = next;
  };
  const data = products.value;
  if (productsError.value)
    return (
      <Notice tone="error" title="Could not load products.">
        {productsError.value}{' '}
        <button type="button" onClick={() => void loadProducts()}>
          Try again
        </button>
      </Notice>
    );
  if (!data) return <p class="muted">Reading {dname()} products…</p>;
  const q = productSearch.value.trim().toLowerCase();
  // Opened for one product ("Bind product…"): that product alone, whatever filter was chosen
  // before, and no filter shown as chosen; searching or a filter goes back to the whole list.
  const focused =
    props.focusProductId && !q ? data.rows.find((r) => r.distributorProductId === props.focusProductId) : undefined;
  const rows = focused
    ? [focused]
    : data.rows
        .filter((r) => productFilter.value === 'all' || r.status === productFilter.value)
        .filter((r) => !q || `${r.name} ${r.sku ?? ''} ${r.vendorName}`.toLowerCase().includes(q));
  return (
    <section>
      <RoleNote actions={['writeAdditions', 'exportProducts', 'editProducts']} />
      <Chips
        counts={data.counts}
        value={focused ? null : productFilter.value}
        onChange={(k) => {
          productFilter.value = k;
          if (focused) view.value = { page: 'products' };
        }}
      />
      {focused && (
        <p class="notice" data-testid="products-focus">
          Showing {focused.name} only.{' '}
          <button type="button" class="link" onClick={() => (view.value = { page: 'products' })}>
            Show every product
          </button>
        </p>
      )}
      <input
        class="search"
        value={productSearch.value}
        onInput={(e) => (productSearch.value = e.currentTarget.value)}
        placeholder="Search products, SKUs, vendors"
        aria-label="Search products"
      />
      {subProductsError.value && (
        <Notice tone="error" title="Could not read sub-products.">
          {subProductsError.value}
        </Notice>
      )}
      {panel?.kind === 'bind' && <BindPanel row={panel.row} onDone={() => setPanel(null)} />}
      {panel?.kind === 'export' && <ExportPanel row={panel.row} onDone={() => setPanel(null)} />}
      {panel?.kind === 'edit' && <EditCatalogPanel row={panel.row} onDone={() => setPanel(null)} />}
      {panel?.kind === 'unbind' && (
        <Confirm
          confirmLabel="Unbind"
          onCancel={() => setPanel(null)}
          onConfirm={() => {
            void unbindProduct(panel.row.mappingId!);
            setPanel(null);
          }}
        >
          Unbind {panel.row.name} from {panel.row.cwCatalogIdentifier}? Subscriptions of this product will not sync
          until it is bound again{panel.row.usage ? ', and its usage sync turns off until then' : ''}.
        </Confirm>
      )}
      {rows.length === 0 ? (
        <p class="muted">No products in this view.</p>
      ) : (
        <table data-testid="products">
          <thead>
            <tr>
              <th>{dname()} product</th>
              <th>SKU</th>
              <th class="num">Subs</th>
              <th>Status</th>
              <th>ConnectWise item</th>
              <th>Usage sync</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <ProductRows key={`${r.distributorProductId}:${r.subProduct}`} r={r} all={data.rows} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BindPanel({ row, onDone }: { row: ProductRow; onDone: () => void }) {
  const [q, setQ] = useState(row.sku ?? row.name.split(' ').slice(0, 2).join(' '));
  const [hits, setHits] = useState<CatalogHit[] | null>(null);
  const [error, setError] = useState<FormError | null>(null);
  const search = async () => {
    try {
      setHits(await searchCatalog(q));
      setError(null);
    } catch (failure) {
      setError({ message: `The catalog could not be searched: ${(failure as Error).message}`, fields: {} });
    }
  };
  useEffect(() => void search(), []);
  return (
    <div class="panel" data-testid="bind-panel">
      <h2>Bind {row.name} to a ConnectWise catalog item</h2>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <input
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
          aria-label="Search the catalog"
          placeholder="Description, identifier, part number or SKU"
        />
        <button type="submit">Search</button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </form>
      {error && <div class="notice error">{error.message}</div>}
      {hits && hits.length === 0 && <p class="muted">No catalog item matches “{q}”. Export the product instead.</p>}
      {hits && hits.length > 0 && (
        <table>
          <tbody>
            {hits.map((h) => (
              <tr key={h.id} data-testid="catalog-hit">
                <td>{h.identifier}</td>
                <td>{h.description}</td>
                <td class="muted">{h.productClass}</td>
                <td>
                  <button
                    type="button"
                    disabled={h.productClass === 'Bundle'}
                    title={h.productClass === 'Bundle' ? 'Bundles cannot be agreement additions' : ''}
                    onClick={async () => {
                      const failed = await bindProduct(row.distributorProductId, row.subProduct, h.id);
                      if (failed) setError(failed);
                      else onDone();
                    }}
                  >
                    Choose
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The guide's export form: white-label description, price and cost from the chosen term's pricing. */
function ExportPanel({ row, onDone }: { row: ProductRow; onDone: () => void }) {
  const [setup, setSetup] = useState<Awaited<ReturnType<typeof catalogSetup>> | null>(null);
  const [pricing, setPricing] = useState<Awaited<ReturnType<typeof pricingOf>>>([]);
  const [error, setError] = useState<FormError | null>(null);
  // Amounts are typed as text and parsed to cents on submit, so nothing is ever a float.
  const [amounts, setAmounts] = useState({ price: '0.00', cost: '0.00' });
  const [form, setForm] = useState<ExportProductInput>({
    distributorProductId: row.distributorProductId,
    subProduct: row.subProduct,
    identifier: (row.sku ?? row.name).slice(0, 75),
    description: `${dname()} - ${row.name}`.slice(0, 60),
    customerDescription: row.name,
    priceCents: 0,
    costCents: 0,
    subcategoryId: 0,
    typeId: 0,
    productClass: 'Service',
    vendorSku: row.sku ?? '',
    taxable: true,
  });
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useExportStart(row, attempt, { setSetup, setPricing, setLoadError, setForm, setAmounts });
  if (loadError)
    return (
      <div class="panel">
        <Notice tone="error" title={`Could not read the catalog setup or ${dname()}'s pricing.`}>
          {loadError}{' '}
          <button type="button" onClick={() => setAttempt(attempt + 1)}>
            Try again
          </button>{' '}
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </Notice>
      </div>
    );
  if (!setup) return <div class="panel">Reading the catalog setup…</div>;
  return (
    <form
      class="panel"
      data-testid="export-panel"
      onSubmit={async (e) => {
        e.preventDefault();
        const parsed = amountFields(amounts);
        if ('fields' in parsed) return setError({ message: 'Check the amounts.', fields: parsed.fields });
        const failed = await exportProduct({ ...form, ...parsed });
        if (failed) setError(failed);
        else onDone();
      }}
    >
      <h2>Export {row.name} as a new catalog item</h2>
      {error && <div class="notice error">{error.message}</div>}
      <ExportFields
        form={form}
        setForm={setForm}
        amounts={amounts}
        setAmounts={setAmounts}
        pricing={pricing}
        setup={setup}
        error={error}
      />
      <div class="actions">
        <button type="submit" class="primary">
          Export and bind
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The typed price and cost as cents, or the field to fix. */
function amountFields(amounts: { price: string; cost: string }) {
  const fields: Record<string, string> = {};
  const cents = (key: 'priceCents' | 'costCents', text: string) => {
    try {
      const value = parseCents(text);
      if (value < 0) fields[key] = 'cannot be negative';
      return value;
    } catch {
      fields[key] = 'use an amount such as 19.35';
      return 0;
    }
  };
  const out = { priceCents: cents('priceCents', amounts.price), costCents: cents('costCents', amounts.cost) };
  return Object.keys(fields).length > 0 ? { fields } : out;
}

/** One of the catalog's own lists (subcategory, type, unit of measure), chosen by id. */
function SetupSelect(props: {
  label: string;
  name: string;
  value: number | undefined;
  options: { id: number; name: string }[];
  onChange: (e: Event) => void;
}) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <select name={props.name} value={props.value} onChange={props.onChange}>
        {props.options.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What the export form starts from: the catalog's setup, the distributor's pricing, and the first term's amounts. */
function useExportStart(
  row: ProductRow,
  attempt: number,
  to: {
    setSetup: (s: Awaited<ReturnType<typeof catalogSetup>>) => void;
    setPricing: (p: Awaited<ReturnType<typeof pricingOf>>) => void;
    setLoadError: (e: string | null) => void;
    setForm: (f: (prev: ExportProductInput) => ExportProductInput) => void;
    setAmounts: (a: { price: string; cost: string }) => void;
  },
) {
  const { setSetup, setPricing, setLoadError, setForm, setAmounts } = to;
  useEffect(() => {
    void (async () => {
      let s: Awaited<ReturnType<typeof catalogSetup>>;
      let p: Awaited<ReturnType<typeof pricingOf>>;
      try {
        [s, p] = await Promise.all([catalogSetup(), pricingOf(row.distributorProductId)]);
        setLoadError(null);
      } catch (failure) {
        setLoadError((failure as Error).message);
        return;
      }
      setSetup(s);
      setPricing(p);
      const first = p[0];
      setForm((f) => ({
        ...f,
        subcategoryId: s.subcategories[0]?.id ?? 0,
        typeId: s.types[0]?.id ?? 0,
        unitOfMeasureId: s.unitsOfMeasure[0]?.id,
      }));
      if (first) setAmounts({ price: centsToDecimal(first.unitPrice), cost: centsToDecimal(first.unitCost) });
    })();
  }, [row.distributorProductId, attempt]);
}

/** The export form's fields, as the guide's export screen has them; amounts are typed as text and parsed on submit. */
function ExportFields(props: {
  form: ExportProductInput;
  setForm: (f: ExportProductInput) => void;
  amounts: { price: string; cost: string };
  setAmounts: (a: { price: string; cost: string }) => void;
  pricing: Awaited<ReturnType<typeof pricingOf>>;
  setup: Awaited<ReturnType<typeof catalogSetup>>;
  error: FormError | null;
}) {
  const { form, setForm, amounts, setAmounts, pricing, setup, error } = props;
  const set = (k: keyof ExportProductInput) => (v: string) => setForm({ ...form, [k]: v });
  const amount = (k: 'price' | 'cost') => (v: string) => setAmounts({ ...amounts, [k]: v });
  const pick = (k: 'subcategoryId' | 'typeId' | 'categoryId' | 'unitOfMeasureId') => (e: Event) =>
    setForm({ ...form, [k]: Number((e.currentTarget as HTMLSelectElement).value) });
  return (
    <>
      <div class="grid">
        <Field
          label="Description"
          name="description"
          value={form.description}
          max={60}
          onInput={set('description')}
          error={error?.fields.description}
        />
        <Field
          label="Identifier"
          name="identifier"
          value={form.identifier}
          max={75}
          onInput={set('identifier')}
          error={error?.fields.identifier}
        />
        <label class="field">
          <span>Term</span>
          <select
            name="term"
            onChange={(e) => {
              const p = pricing[Number(e.currentTarget.value)];
              if (p) setAmounts({ price: centsToDecimal(p.unitPrice), cost: centsToDecimal(p.unitCost) });
            }}
          >
            {pricing.map((p, i) => (
              <option key={p.billingTerm} value={i}>
                {p.billingTerm}
                {p.usage ? ' (usage)' : ''}
              </option>
            ))}
          </select>
        </label>
        <Field
          label="Unit price"
          name="price"
          value={amounts.price}
          onInput={amount('price')}
          error={error?.fields.priceCents}
        />
        <Field
          label="Unit cost"
          name="cost"
          value={amounts.cost}
          onInput={amount('cost')}
          error={error?.fields.costCents}
        />
        <Field
          label="Vendor SKU"
          name="vendorSku"
          value={form.vendorSku ?? ''}
          max={50}
          onInput={set('vendorSku')}
          error={error?.fields.vendorSku}
        />
        <SetupSelect
          label="Subcategory"
          name="subcategoryId"
          value={form.subcategoryId}
          options={setup.subcategories}
          onChange={pick('subcategoryId')}
        />
        <SetupSelect label="Type" name="typeId" value={form.typeId} options={setup.types} onChange={pick('typeId')} />
        <label class="field">
          <span>Class</span>
          <select
            name="productClass"
            value={form.productClass}
            onChange={(e) =>
              setForm({ ...form, productClass: e.currentTarget.value as ExportProductInput['productClass'] })
            }
          >
            {['Service', 'NonInventory', 'Agreement', 'Inventory'].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <SetupSelect
          label="Unit of measure"
          name="unitOfMeasureId"
          value={form.unitOfMeasureId}
          options={setup.unitsOfMeasure}
          onChange={pick('unitOfMeasureId')}
        />
      </div>
      <Field
        label="Customer description"
        name="customerDescription"
        multiline
        value={form.customerDescription}
        max={6000}
        onInput={set('customerDescription')}
        error={error?.fields.customerDescription}
      />
    </>
  );
}

/** One product's row, with the actions its state allows, and its sub-products not bound yet when asked for. */
function ProductRows({ r, all }: { r: ProductRow; all: ProductRow[] }) {
  const open = (next: ProductPanel) => {
    productPanel.value = next;
  };
  return (
    <>
      <tr data-testid="product-row" data-name={r.name} class={r.subProduct ? 'sub' : ''}>
        <td>
          {r.subProduct ? '↳ ' : ''}
          {r.name}
          {r.usage && !r.subProduct && <span class="muted small"> usage</span>}
        </td>
        <td>{r.subProduct ? '' : r.sku}</td>
        <td class="num">{r.subProduct ? '' : r.subscriptions}</td>
        <td>
          <span class={`status ${r.status === 'mapped' ? 'ok' : r.status === 'failed' ? 'bad' : 'neutral'}`}>
            {r.status}
          </span>
        </td>
        <td>{r.cwCatalogIdentifier ?? '—'}</td>
        <td>
          {r.usage && <UsageSyncSwitch row={r} />}
          {r.usage && !r.subProduct && <MarkupField row={r} />}
        </td>
        <td class="actions">
          {r.status === 'mapped' ? (
            <>
              <ActionButton action="editProducts" onClick={() => open({ kind: 'edit', row: r })}>
                Edit in ConnectWise…
              </ActionButton>
              <ActionButton action="writeAdditions" onClick={() => open({ kind: 'unbind', row: r })}>
                Unbind…
              </ActionButton>
            </>
          ) : (
            <>
              <ActionButton action="writeAdditions" onClick={() => open({ kind: 'bind', row: r })}>
                Bind…
              </ActionButton>
              <ActionButton action="exportProducts" onClick={() => open({ kind: 'export', row: r })}>
                Export…
              </ActionButton>
            </>
          )}
          {r.usage && !r.subProduct && (
            <button type="button" class="link" onClick={() => void showSubProducts(r)}>
              Sub-products
            </button>
          )}
        </td>
      </tr>
      {!r.subProduct &&
        subProductNames.value[r.distributorProductId]
          ?.filter(
            (name) => !all.some((x) => x.distributorProductId === r.distributorProductId && x.subProduct === name),
          )
          .map((name) => (
            <tr key={name} class="sub" data-testid="product-row" data-name={name}>
              <td>↳ {name}</td>
              <td />
              <td />
              <td>
                <span class="status neutral">unmapped</span>
              </td>
              <td>—</td>
              <td />
              <td class="actions">
                <ActionButton
                  action="writeAdditions"
                  onClick={() =>
                    open({
                      kind: 'bind',
                      row: { ...r, subProduct: name, name, status: 'unmapped', mappingId: null },
                    })
                  }
                >
                  Bind…
                </ActionButton>
                <ActionButton
                  action="exportProducts"
                  onClick={() =>
                    open({
                      kind: 'export',
                      row: { ...r, subProduct: name, name, sku: null, status: 'unmapped', mappingId: null },
                    })
                  }
                >
                  Export…
                </ActionButton>
              </td>
            </tr>
          ))}
    </>
  );
}

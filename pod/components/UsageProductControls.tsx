import { useEffect, useState } from 'preact/hooks';
import { formatPercent } from '../../shared/billing/usage/markup.ts';
import { centsToDecimal, parseCents, parsePercentBp } from '../../shared/money.ts';
import type { FormError } from '../models/forms.ts';
import {
  type CatalogItemDetails,
  catalogItem,
  editCatalogItem,
  type ProductRow,
  setProductMarkup,
  setUsageSync,
} from '../models/products.ts';
import { whyNot } from '../models/session.ts';
import { ActionButton } from './Allowed.tsx';
import { Notice } from './Notice.tsx';

/**
 * A product's usage Sync switch, as Sophos Central's PSA integration has it: on once bound, off
 * when unbound (and only binding it again turns it back on), and a member may turn it off.
 */
export function UsageSyncSwitch({ row }: { row: ProductRow }) {
  const [error, setError] = useState<FormError | null>(null);
  const bound = row.status === 'mapped' && row.mappingId !== null;
  return (
    <label
      class="check-inline"
      title={bound ? (whyNot('changeSettings') ?? '') : 'Bind it first: usage is synced only for a bound product.'}
    >
      <input
        type="checkbox"
        role="switch"
        aria-checked={row.usageSync}
        aria-label={`Usage sync for ${row.name}`}
        checked={row.usageSync}
        disabled={!bound || whyNot('changeSettings') !== null}
        onChange={async (e) => setError(await setUsageSync(row.mappingId!, e.currentTarget.checked))}
      />{' '}
      {row.usageSync ? 'On' : 'Off'}
      {error && <span class="bad-text small"> {error.message}</span>}
    </label>
  );
}

/** The product's markup over cost, for every company that sets none of its own. */
export function MarkupField({ row }: { row: ProductRow }) {
  const [text, setText] = useState(row.markupBp === null ? '' : String(row.markupBp / 100));
  const [error, setError] = useState<string | null>(null);
  if (row.status !== 'mapped' || !row.mappingId) return null;
  return (
    <form
      class="inline"
      onSubmit={async (e) => {
        e.preventDefault();
        let bp: number | null;
        try {
          bp = text.trim() === '' ? null : parsePercentBp(text);
        } catch (bad) {
          return setError((bad as Error).message);
        }
        const failed = await setProductMarkup(row.mappingId!, bp);
        setError(failed?.message ?? null);
      }}
    >
      <label class="small">
        Markup %{' '}
        <input
          size={5}
          inputMode="decimal"
          value={text}
          placeholder="none"
          aria-label={`Markup for ${row.name}`}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      <ActionButton action="changeSettings" type="submit" class="small">
        Set
      </ActionButton>
      {row.markupBp !== null && <span class="muted small">{formatPercent(row.markupBp)}</span>}
      {error && <span class="bad-text small">{error}</span>}
    </form>
  );
}

/** The bound ConnectWise catalog item's details, edited in ConnectWise as the member. */
export function EditCatalogPanel({ row, onDone }: { row: ProductRow; onDone: () => void }) {
  const [item, setItem] = useState<CatalogItemDetails | null>(null);
  const [form, setForm] = useState({ description: '', customerDescription: '', price: '', cost: '' });
  const [error, setError] = useState<FormError | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    void catalogItem(row.cwCatalogItemId!)
      .then((i) => {
        setItem(i);
        setForm({
          description: i.description,
          customerDescription: i.customerDescription,
          price: centsToDecimal(i.priceCents),
          cost: centsToDecimal(i.costCents),
        });
      })
      .catch((failure: Error) => setLoadError(failure.message));
  }, [row.cwCatalogItemId]);
  if (loadError)
    return (
      <Notice tone="error" title="Could not read the catalog item from ConnectWise.">
        {loadError}{' '}
        <button type="button" onClick={onDone}>
          Close
        </button>
      </Notice>
    );
  if (!item) return <div class="panel">Reading {row.cwCatalogIdentifier} from ConnectWise…</div>;
  const field = (k: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="panel"
      data-testid="edit-catalog-panel"
      onSubmit={async (e) => {
        e.preventDefault();
        let priceCents: number;
        let costCents: number;
        try {
          priceCents = parseCents(form.price);
          costCents = parseCents(form.cost);
        } catch (failure) {
          return setError({ message: (failure as Error).message, fields: {} });
        }
        const failed = await editCatalogItem(item.id, {
          description: form.description,
          customerDescription: form.customerDescription,
          priceCents,
          costCents,
        });
        if (failed) setError(failed);
        else onDone();
      }}
    >
      <h2>
        Edit {item.identifier} in ConnectWise <span class="muted">(bound to {row.name})</span>
      </h2>
      <label class="field">
        <span>Description</span>
        <input maxLength={60} value={form.description} onInput={field('description')} />
        {error?.fields.description && <span class="field-error">{error.fields.description}</span>}
      </label>
      <label class="field">
        <span>Customer description</span>
        <textarea maxLength={6000} value={form.customerDescription} onInput={field('customerDescription')} />
      </label>
      <div class="inline">
        <label class="field">
          <span>Price $</span>
          <input inputMode="decimal" value={form.price} onInput={field('price')} />
        </label>
        <label class="field">
          <span>Cost $</span>
          <input inputMode="decimal" value={form.cost} onInput={field('cost')} />
        </label>
      </div>
      {error && (
        <div class="notice error" role="alert">
          {error.message}
        </div>
      )}
      <div class="actions">
        <ActionButton action="editProducts" type="submit" class="primary">
          Save to ConnectWise
        </ActionButton>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

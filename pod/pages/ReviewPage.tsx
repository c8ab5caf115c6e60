import { useEffect } from 'preact/hooks';
import type { Operation } from '../../shared/billing/operations.ts';
import { centsToDecimal, formatCents, microsToCents, parseCents } from '../../shared/money.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { Notice } from '../components/Notice.tsx';
import { view } from '../models/nav.ts';
import {
  confirm,
  confirmError,
  confirming,
  edit,
  edits,
  loadReview,
  outcomes,
  type ReviewData,
  recurringMode,
  review,
} from '../models/review.ts';

const us = (iso: string | null) => (iso ? `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}` : '');

/** The guide's Review page: one card per operation, Pax8 beside ConnectWise, editable before confirming. */
export function ReviewPage({ subscriptionId, onBack }: { subscriptionId: string; onBack?: () => void }) {
  const leave = onBack ?? (() => (view.value = { page: 'company' }));
  useEffect(() => void loadReview(subscriptionId), [subscriptionId]);
  const r = review.value;
  const back = (
    <button type="button" class="link" onClick={leave}>
      {onBack ? '← Back' : '← Back to the company'}
    </button>
  );
  if (!r || r.kind === 'loading') return <p class="muted">Planning from Pax8 and ConnectWise as they are now…</p>;
  if (r.kind === 'error')
    return (
      <>
        {back}
        <Notice tone="error" title="Could not plan this subscription.">
          {r.message}
        </Notice>
      </>
    );
  const { plan, context, drift } = r.data;
  const done = outcomes.value;
  return (
    <section data-testid="review">
      <RoleNote actions={['writeAdditions']} />
      {back}
      <h2>
        Review: {context.subscription.productName}{' '}
        <span class="muted">
          · {context.subscription.billingTerm} · {context.subscription.quantity ?? '?'} seats · on{' '}
          {context.agreement.name}
        </span>
      </h2>
      {drift.length > 0 && (
        <div class="notice error" data-testid="drift">
          <strong>Changed in ConnectWise by hand.</strong> Confirming writes over these edits:
          <ul>
            {drift.map((d) => (
              <li key={d.additionId}>{d.message}</li>
            ))}
          </ul>
        </div>
      )}
      {confirmError.value && (
        <div class="notice error" role="alert" data-testid="confirm-error">
          {confirmError.value}
        </div>
      )}
      {plan.status === 'blocked' ? (
        <Notice tone="error" title="Nothing can be planned.">
          {plan.reason}
        </Notice>
      ) : done ? (
        <Results ops={plan.operations} />
      ) : (
        <>
          {plan.notes.map((n) => (
            <p key={n} class="muted">
              {n}
            </p>
          ))}
          {plan.operations.some(
            (o) =>
              o.type === 'update-recurring' ||
              (o.type === 'cancel-addition' &&
                o.dependsOn === null &&
                plan.operations.some((x) => x.dependsOn === o.key)),
          ) && (
            <div class="inline" role="radiogroup" aria-label="Previous addition found in ConnectWise">
              <strong>Previous addition found in ConnectWise:</strong>
              <label>
                <input
                  type="radio"
                  checked={recurringMode.value === 'update'}
                  onChange={() => {
                    recurringMode.value = 'update';
                    void loadReview(subscriptionId);
                  }}
                />{' '}
                Update it
              </label>
              <label>
                <input
                  type="radio"
                  checked={recurringMode.value === 'replace'}
                  onChange={() => {
                    recurringMode.value = 'replace';
                    void loadReview(subscriptionId);
                  }}
                />{' '}
                Create a new one and cancel the old
              </label>
            </div>
          )}
          {plan.synced.length > 0 && (
            <p class="muted" data-testid="synced">
              {plan.synced.map((s) => (
                <span key={s.additionId} class="status ok synced">
                  ⛓ synced {us(s.at)} {s.delta > 0 ? '+' : ''}
                  {s.delta} (#{s.additionId})
                </span>
              ))}
            </p>
          )}
          {plan.waived.length > 0 && (
            <ul class="muted small" data-testid="waived">
              {plan.waived.map((w) => (
                <li key={w.key}>
                  {w.title.replace(/^Creating /, '')} {formatCents(w.totalPrice.cents)}
                  {w.proratedPeriod ? ` for ${us(w.proratedPeriod.from)}–${us(w.proratedPeriod.to)}` : ''} waived by{' '}
                  {w.by} on {us(w.at.slice(0, 10))}
                  {w.reason ? `: ${w.reason}` : ''}
                </li>
              ))}
            </ul>
          )}
          {r.data.carried.length > 0 && (
            <section data-testid="carried">
              <h2>Still owed from earlier</h2>
              <ul>
                {r.data.carried.map((c) => {
                  const excluded = edits.value[c.key]?.include === false;
                  return (
                    <li key={c.key} class={excluded ? 'excluded' : ''}>
                      {c.title} {formatCents(c.totalPrice.cents)}{' '}
                      <span class="muted small">
                        ({c.state}
                        {c.error ? `: ${c.error}` : ''})
                      </span>{' '}
                      <label class="check-inline">
                        <input
                          type="checkbox"
                          checked={excluded}
                          onChange={(ev) => edit(c.key, { include: !ev.currentTarget.checked })}
                        />{' '}
                        Exclude from this sync (waive)
                      </label>
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
          {plan.operations.length === 0 && r.data.carried.length === 0 && drift.length === 0 ? (
            <Notice title="In sync.">ConnectWise already bills what Pax8 says. Nothing to write.</Notice>
          ) : plan.operations.length === 0 && r.data.carried.length === 0 ? (
            <Notice title="Nothing to write.">A line the sync wrote was changed in ConnectWise; see above.</Notice>
          ) : (
            <>
              {plan.operations.map((op) => (
                <OperationCard key={op.key} op={op} data={r.data} />
              ))}
              <Totals ops={plan.operations} />
              <div class="actions">
                <ActionButton
                  action="writeAdditions"
                  class="primary"
                  disabled={confirming.value}
                  onClick={() => void confirm(subscriptionId)}
                >
                  {confirming.value ? 'Writing…' : 'Confirm sync'}
                </ActionButton>
                <button type="button" onClick={leave}>
                  Cancel
                </button>
              </div>
            </>
          )}
        </>
      )}
    </section>
  );
}

function Totals({ ops }: { ops: Operation[] }) {
  const included = ops.filter((o) => edits.value[o.key]?.include !== false && o.type !== 'cancel-addition');
  const sum = (recurring: boolean, f: 'totalPrice' | 'totalCost') =>
    included.filter((o) => o.after.recurring === recurring).reduce((n, o) => n + o.after[f].cents, 0);
  return (
    <table class="totals" data-testid="totals">
      <tbody>
        <tr>
          <th>Recurring price</th>
          <td class="num">{formatCents(sum(true, 'totalPrice'))}</td>
          <th>Recurring cost</th>
          <td class="num">{formatCents(sum(true, 'totalCost'))}</td>
        </tr>
        <tr>
          <th>Non-recurring price</th>
          <td class="num">{formatCents(sum(false, 'totalPrice'))}</td>
          <th>Non-recurring cost</th>
          <td class="num">{formatCents(sum(false, 'totalCost'))}</td>
        </tr>
      </tbody>
    </table>
  );
}

function OperationCard({ op, data }: { op: Operation; data: ReviewData }) {
  const e = edits.value[op.key];
  const included = e?.include !== false;
  const a = { ...op.after, ...(e?.quantity !== undefined ? { quantity: e.quantity } : {}) };
  const unitPrice = e?.unitPrice ?? a.unitPrice.cents;
  const unitCost = e?.unitCost ?? a.unitCost.cents;
  const description = e?.invoiceDescription ?? a.invoiceDescription;
  const sub = data.context.subscription;
  const recurring = a.recurring ? 'Recurring' : 'Non-Recurring';
  const descriptions = {
    Short: data.context.productLabel,
    Long: `${data.context.productLabel} - ${sub.productName}`.slice(0, 6000),
    ...(data.context.existingDescription ? { Existing: data.context.existingDescription } : {}),
  };
  const qtyBad = !Number.isFinite(a.quantity) || a.quantity === 0;
  return (
    <article class={`card${included ? '' : ' excluded'}`} data-testid="operation" data-type={op.type}>
      <header>
        <strong>{op.title}.</strong> <span class="muted">{op.reason}</span>
        <label class="check">
          <input
            type="checkbox"
            checked={!included}
            onChange={(ev) => edit(op.key, { include: !ev.currentTarget.checked })}
          />{' '}
          Exclude from this sync (waive)
        </label>
        {!included && (
          <input
            class="waive-reason"
            aria-label="Why it is waived"
            placeholder="Why (kept with your name in the Log)"
            maxLength={500}
            value={e?.reason ?? ''}
            onInput={(ev) => edit(op.key, { reason: ev.currentTarget.value })}
          />
        )}
      </header>
      <table>
        <thead>
          <tr>
            <th />
            <th>Pax8</th>
            <th>ConnectWise</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>Product name</th>
            <td>{sub.productName}</td>
            <td>{data.context.productLabel}</td>
          </tr>
          <tr>
            <th>Invoice description</th>
            <td>N/A</td>
            <td>
              <div class="inline">
                {Object.entries(descriptions).map(([k, v]) => (
                  <button key={k} type="button" class="link" onClick={() => edit(op.key, { invoiceDescription: v })}>
                    {k}
                  </button>
                ))}
              </div>
              <textarea
                rows={2}
                aria-label="Invoice description"
                value={description}
                onInput={(ev) => edit(op.key, { invoiceDescription: ev.currentTarget.value })}
              />
              <span class={description.length > 6000 ? 'count over' : 'count'}>{description.length}/6000</span>
            </td>
          </tr>
          <tr>
            <th>Term</th>
            <td>{sub.billingTerm}</td>
            <td>{a.recurring ? sub.billingTerm : 'One-Time'}</td>
          </tr>
          <tr>
            <th>Quantity</th>
            <td>{sub.quantity ?? '?'} units</td>
            <td>
              <input
                type="number"
                step="1"
                class="small-input"
                aria-label="Quantity"
                aria-invalid={qtyBad}
                value={a.quantity}
                onInput={(ev) => edit(op.key, { quantity: Number(ev.currentTarget.value) })}
              />{' '}
              units
              {qtyBad && <span class="field-error"> a quantity other than 0 is required</span>}
              {op.extraMonths && (
                <span class="muted">
                  {' '}
                  · from {op.extraMonths.from.slice(0, 7)}, {op.extraMonths.months} month
                  {op.extraMonths.months > 1 ? 's' : ''}
                </span>
              )}
            </td>
          </tr>
          <tr>
            <th>Unit cost</th>
            <td>{sub.unitCost === null ? '—' : formatCents(microsToCents(sub.unitCost))}</td>
            <td>
              <Money value={unitCost} label="Unit cost" onChange={(c) => edit(op.key, { unitCost: c })} />{' '}
              <span class="muted small">{e?.unitCost === undefined ? a.unitCost.derivation : 'edited'}</span>
            </td>
          </tr>
          <tr>
            <th>Unit price</th>
            <td>{sub.unitPrice === null ? '—' : formatCents(microsToCents(sub.unitPrice))}</td>
            <td>
              <Money value={unitPrice} label="Unit price" onChange={(c) => edit(op.key, { unitPrice: c })} />{' '}
              <span class="muted small">{e?.unitPrice === undefined ? a.unitPrice.derivation : 'edited'}</span>
            </td>
          </tr>
          <tr>
            <th>{recurring} cost</th>
            <td>{a.recurring ? '' : '$0.00'}</td>
            <td data-testid="total-cost">
              {formatCents(Math.round(unitCost * a.quantity))} ({formatCents(unitCost)} × {a.quantity}{' '}
              {Math.abs(a.quantity) === 1 ? 'unit' : 'units'})
            </td>
          </tr>
          <tr>
            <th>{recurring} price</th>
            <td>{a.recurring ? '' : '$0.00'}</td>
            <td data-testid="total-price">
              {formatCents(Math.round(unitPrice * a.quantity))} ({formatCents(unitPrice)} × {a.quantity}{' '}
              {Math.abs(a.quantity) === 1 ? 'unit' : 'units'})
            </td>
          </tr>
          <tr>
            <th>Effective date</th>
            <td />
            <td>
              {op.effectiveDateEditable ? (
                <input
                  type="date"
                  aria-label="Effective date"
                  value={e?.effectiveDate ?? a.effectiveDate}
                  onInput={(ev) => edit(op.key, { effectiveDate: ev.currentTarget.value })}
                />
              ) : (
                <span>
                  {us(a.effectiveDate)}{' '}
                  <span class="muted small">Cannot be changed when updating an existing addition</span>
                </span>
              )}
            </td>
          </tr>
          {a.cancelledDate && (
            <tr>
              <th>End date</th>
              <td />
              <td>{us(a.cancelledDate)}</td>
            </tr>
          )}
          {a.proratedPeriod && (
            <tr>
              <th>Prorated period</th>
              <td>N/A</td>
              <td>
                {us(a.proratedPeriod.from)} - {us(a.proratedPeriod.to)}
              </td>
            </tr>
          )}
          <tr>
            <th>Bill customer</th>
            <td>N/A</td>
            <td>
              <select
                aria-label="Bill customer"
                value={e?.billCustomer ?? a.billCustomer}
                onChange={(ev) => edit(op.key, { billCustomer: ev.currentTarget.value as 'Billable' })}
              >
                {['Billable', 'DoNotBill', 'NoCharge'].map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </td>
          </tr>
          <tr>
            <th>Taxable</th>
            <td>N/A</td>
            <td>
              <input
                type="checkbox"
                aria-label="Taxable"
                checked={e?.taxable ?? a.taxable}
                onChange={(ev) => edit(op.key, { taxable: ev.currentTarget.checked })}
              />{' '}
              {String(e?.taxable ?? a.taxable)}
            </td>
          </tr>
        </tbody>
      </table>
    </article>
  );
}

function Money({ value, label, onChange }: { value: number; label: string; onChange: (cents: number) => void }) {
  return (
    <span>
      $
      <input
        type="number"
        step="0.01"
        min="0"
        class="small-input"
        aria-label={label}
        value={centsToDecimal(value)}
        onChange={(ev) => {
          const text = ev.currentTarget.value;
          if (/^\d+(\.\d{1,2})?$/.test(text)) onChange(parseCents(text));
        }}
      />
    </span>
  );
}

function Results({ ops }: { ops: Operation[] }) {
  const list = outcomes.value ?? [];
  const ok = list.filter((o) => o.state === 'confirmed' || o.state === 'adopted').length;
  return (
    <div data-testid="results">
      <div class={`notice ${ok === list.length ? 'ok' : 'error'}`} role="status">
        {ok} of {list.length} written to ConnectWise
        {ok < list.length ? '; the rest are in the log, where they can be retried once fixed.' : '.'}
      </div>
      <table>
        <tbody>
          {list.map((o) => (
            <tr key={o.key} data-testid="outcome">
              <td>
                {o.title}
                {ops.find((x) => x.key === o.key)?.after.proratedPeriod
                  ? ` (${us(ops.find((x) => x.key === o.key)!.after.proratedPeriod!.from)})`
                  : ''}
              </td>
              <td>
                <span class={`status ${o.state === 'confirmed' || o.state === 'adopted' ? 'ok' : 'bad'}`}>
                  {o.state === 'adopted' ? 'written (adopted after no answer)' : o.state}
                </span>
                {o.already ? <span class="muted small"> already done</span> : ''}
              </td>
              <td>{o.additionId ? `#${o.additionId}` : ''}</td>
              <td class="bad-text">
                {o.error}
                {o.fields.map((f) => (
                  <div key={f.field}>
                    {f.field}: {f.message}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

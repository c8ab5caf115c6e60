import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Operation } from '../../shared/billing/operations.ts';
import { centsToDecimal, formatCents, microsToCents, parseCents } from '../../shared/money.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { Details } from '../components/Details.tsx';
import { day } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import { BackLink, Reviewed, WriteRefused } from '../components/ReviewState.tsx';
import { dname } from '../models/distributor.ts';
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
import { may } from '../models/session.ts';

/**
 * The guide's Review page as a dense grid: a row per change, how each was worked out one click
 * away, and the totals with Confirm always in view at the foot of the frame.
 */
export function ReviewPage({
  subscriptionId,
  onBack,
  onOpenLog,
}: {
  subscriptionId: string;
  onBack?: () => void;
  /** Where "Open in the Log" goes: the tab's Log page, or the pod's own view of it. */
  onOpenLog?: (operations: string[]) => void;
}) {
  const openLog = onOpenLog ?? ((operations: string[]) => (view.value = { page: 'log', operations }));
  const leave = onBack ?? (() => (view.value = { page: 'company' }));
  useEffect(() => void loadReview(subscriptionId), [subscriptionId]);
  const back = <BackLink onBack={onBack} toCompany={leave} />;
  return (
    <Reviewed
      state={review.value}
      back={back}
      reading={`Planning from ${dname()} and ConnectWise as they are now…`}
      refused="Could not plan this subscription."
    >
      {(data) => <PlanReview data={data} back={back} leave={leave} subscriptionId={subscriptionId} openLog={openLog} />}
    </Reviewed>
  );
}

/** The plan as a member reviews it: hand edits it would write over, its options, its operations, and their results. */
function PlanReview(props: {
  data: ReviewData;
  back: ComponentChildren;
  /** Cancel: back to where the review was opened. */
  leave: () => void;
  subscriptionId: string;
  openLog: (operations: string[]) => void;
}) {
  const { back, subscriptionId, openLog } = props;
  const { plan, context, drift } = props.data;
  const done = outcomes.value;
  return (
    <section data-testid="review">
      <RoleNote actions={['writeAdditions']} />
      <div class="review-head">
        {back}
        <h2>
          Review: {context.subscription.productName}{' '}
          <span class="muted">
            · {context.subscription.billingTerm} · {context.subscription.quantity ?? '?'} seats · on{' '}
            {context.agreement.name}
          </span>
        </h2>
      </div>
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
      <WriteRefused error={confirmError.value} testId="confirm-error" />
      {plan.status === 'blocked' ? (
        <Notice tone="error" title="Nothing can be planned.">
          {plan.reason}
        </Notice>
      ) : done ? (
        <Results ops={plan.operations} openLog={openLog} />
      ) : (
        <>
          {plan.notes.map((n) => (
            <p key={n} class="muted">
              {n}
            </p>
          ))}
          <RecurringChoice operations={plan.operations} subscriptionId={subscriptionId} />
          {plan.synced.length > 0 && (
            <p class="muted" data-testid="synced">
              {plan.synced.map((s) => (
                <span key={s.additionId} class="status ok synced">
                  ⛓ synced {day(s.at)} {s.delta > 0 ? '+' : ''}
                  {s.delta} (addition #{s.additionId})
                </span>
              ))}
            </p>
          )}
          {plan.waived.length > 0 && (
            <ul class="muted small" data-testid="waived">
              {plan.waived.map((w) => (
                <li key={w.key}>
                  {w.title.replace(/^Creating /, '')} {formatCents(w.totalPrice.cents)}
                  {w.proratedPeriod ? ` for ${day(w.proratedPeriod.from)}–${day(w.proratedPeriod.to)}` : ''}
                  {w.extraMonths
                    ? ` for ${w.extraMonths.months} month${w.extraMonths.months > 1 ? 's' : ''} from ${day(w.extraMonths.from)}, not billed,`
                    : ''}{' '}
                  waived by {w.by} on {day(w.at)}
                  {w.reason ? `: ${w.reason}` : ''}
                </li>
              ))}
            </ul>
          )}
          {props.data.carried.length > 0 && (
            <section data-testid="carried">
              <h2>Still owed from earlier</h2>
              <ul>
                {props.data.carried.map((c) => {
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
          {plan.operations.length === 0 && props.data.carried.length === 0 && drift.length === 0 ? (
            <Notice title="In sync.">ConnectWise already bills what {dname()} says. Nothing to write.</Notice>
          ) : plan.operations.length === 0 && props.data.carried.length === 0 ? (
            <Notice title="Nothing to write.">A line the sync wrote was changed in ConnectWise; see above.</Notice>
          ) : (
            <ChangeGrid data={props.data} subscriptionId={subscriptionId} leave={props.leave} />
          )}
        </>
      )}
    </section>
  );
}

/** Whether a changed recurring line is updated in place or replaced (a new line, the old one cancelled): the guide's choice. */
function RecurringChoice({ operations, subscriptionId }: { operations: Operation[]; subscriptionId: string }) {
  const offered = operations.some(
    (o) =>
      o.type === 'update-recurring' ||
      (o.type === 'cancel-addition' && o.dependsOn === null && operations.some((x) => x.dependsOn === o.key)),
  );
  if (!offered) return null;
  return (
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
  );
}

/** The changes to write, each with its details, their totals, and Confirm (what is left out must say why). */
function ChangeGrid({ data, subscriptionId, leave }: { data: ReviewData; subscriptionId: string; leave: () => void }) {
  const plan = data.plan;
  if (plan.status !== 'ok') return null;
  return (
    <>
      <table class="dense" data-testid="review-grid">
        <thead>
          <tr>
            <th class="pick">
              <input
                type="checkbox"
                aria-label="Include every change in this sync"
                checked={plan.operations.every((o) => edits.value[o.key]?.include !== false)}
                onChange={(ev) => includeAll(plan.operations, ev.currentTarget.checked)}
              />
            </th>
            <th>Change</th>
            <th class="num">Quantity</th>
            <th class="num">Unit price</th>
            <th class="num">Total price</th>
            <th>Effective</th>
            <th>
              <span class="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        {plan.operations.map((op) => (
          <OperationRows key={op.key} op={op} data={data} />
        ))}
      </table>
      <footer class="sticky-foot" data-testid="review-foot">
        <Totals ops={plan.operations} />
        <div class="actions">
          <button type="button" onClick={() => includeAll(plan.operations, true)}>
            Include all
          </button>
          <button type="button" onClick={() => includeAll(plan.operations, false)}>
            Exclude all from this sync
          </button>
          <span class="grow" />
          {unexplained(plan.operations) > 0 && (
            <span class="bad-text small" role="alert" data-testid="waive-reason-needed">
              Say why each change left out is waived.
            </span>
          )}
          <ActionButton
            action="writeAdditions"
            class="primary"
            disabled={confirming.value || unexplained(plan.operations) > 0}
            onClick={() => void confirm(subscriptionId)}
          >
            {confirming.value ? 'Writing…' : 'Confirm sync'}
          </ActionButton>
          <button type="button" onClick={leave}>
            Cancel
          </button>
        </div>
      </footer>
    </>
  );
}

/** Changes left out with no reason yet: a waiver needs one, and the Log keeps it. */
const unexplained = (ops: Operation[]) =>
  ops.filter((o) => edits.value[o.key]?.include === false && !(edits.value[o.key]?.reason ?? '').trim()).length;

/** Includes or excludes every change at once; an excluded change is waived with her name. */
function includeAll(ops: Operation[], include: boolean) {
  for (const op of ops) edit(op.key, { include });
}

/** What the included changes add up to, on one line so it fits the sticky footer. */
function Totals({ ops }: { ops: Operation[] }) {
  const included = ops.filter((o) => edits.value[o.key]?.include !== false && o.type !== 'cancel-addition');
  const sum = (recurring: boolean, f: 'totalPrice' | 'totalCost') =>
    included
      .filter((o) => o.after.recurring === recurring)
      .reduce((n, o) => n + priced(o)[f === 'totalPrice' ? 'price' : 'cost'], 0);
  return (
    <p class="totals" data-testid="totals">
      <span>
        {included.length} of {ops.length} included
      </span>
      <span>
        Recurring <strong>{formatCents(sum(true, 'totalPrice'))}</strong>{' '}
        <span class="muted">cost {formatCents(sum(true, 'totalCost'))}</span>
      </span>
      <span>
        One-time <strong>{formatCents(sum(false, 'totalPrice'))}</strong>{' '}
        <span class="muted">cost {formatCents(sum(false, 'totalCost'))}</span>
      </span>
    </p>
  );
}

/** A change's totals as she has edited them: integer cents, rounded once per line. */
function priced(op: Operation) {
  const e = edits.value[op.key];
  const quantity = e?.quantity ?? op.after.quantity;
  const unitPrice = e?.unitPrice ?? op.after.unitPrice.cents;
  const unitCost = e?.unitCost ?? op.after.unitCost.cents;
  return {
    quantity,
    unitPrice,
    unitCost,
    price: Math.round(unitPrice * quantity),
    cost: Math.round(unitCost * quantity),
  };
}

const units = (n: number) => `${n} ${Math.abs(n) === 1 ? 'unit' : 'units'}`;

/**
 * One change as a grid row, and beneath it, collapsed, how it was worked out: the distributor beside
 * ConnectWise, with every field she may edit before confirming.
 */
function OperationRows({ op, data }: { op: Operation; data: ReviewData }) {
  const [open, setOpen] = useState(false);
  const e = edits.value[op.key];
  const included = e?.include !== false;
  const a = op.after;
  const { quantity, unitPrice, price } = priced(op);
  const qtyBad = !Number.isFinite(quantity) || quantity === 0;
  const detailsId = `derivation-${op.key}`;
  return (
    <tbody class={included ? '' : 'excluded'} data-testid="operation" data-type={op.type}>
      <tr>
        <td class="pick">
          <input
            type="checkbox"
            aria-label={`Include in this sync: ${op.title}`}
            checked={included}
            onChange={(ev) => edit(op.key, { include: ev.currentTarget.checked })}
          />
        </td>
        <td>
          <strong>{op.title}.</strong> <span class="muted">{op.reason}</span>
          {data.refused[op.key] && (
            <div class="bad-text small" data-testid="refused-before">
              ConnectWise refused this on {day(data.refused[op.key]!.at)}: {data.refused[op.key]!.error} It is sent
              again only when you confirm.
            </div>
          )}
          {!included && (
            <input
              class="waive-reason"
              aria-label="Why it is excluded from this sync"
              placeholder="Excluded from this sync and waived. Why? (kept with your name in the Log)"
              maxLength={500}
              value={e?.reason ?? ''}
              onInput={(ev) => edit(op.key, { reason: ev.currentTarget.value })}
            />
          )}
        </td>
        <td class="num">
          <input
            type="number"
            step="1"
            class="small-input num"
            aria-label={`Quantity: ${op.title}`}
            aria-invalid={qtyBad}
            value={quantity}
            onInput={(ev) => edit(op.key, { quantity: Number(ev.currentTarget.value) })}
          />
          {qtyBad && <div class="field-error">a quantity other than 0 is required</div>}
        </td>
        <td class="num">{formatCents(unitPrice)}</td>
        <td class="num" data-testid="total-price">
          {formatCents(price)} ({formatCents(unitPrice)} × {units(quantity)})
        </td>
        <td>{day(e?.effectiveDate ?? a.effectiveDate)}</td>
        <td>
          <button
            type="button"
            class="link"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide details' : 'Details'}
          </button>
        </td>
      </tr>
      <tr id={detailsId} class="derivation" hidden={!open}>
        <td />
        <td colSpan={6}>
          <OperationDetail op={op} data={data} />
        </td>
      </tr>
    </tbody>
  );
}

/** An operation as the guide's Review Changes screen lays it out: the distributor's values beside ConnectWise's, each editable. */
function OperationDetail({ op, data }: { op: Operation; data: ReviewData }) {
  const e = edits.value[op.key];
  const a = op.after;
  const description = e?.invoiceDescription ?? a.invoiceDescription;
  const sub = data.context.subscription;
  const descriptions = {
    Short: data.context.productLabel,
    Long: `${data.context.productLabel} - ${sub.productName}`.slice(0, 6000),
    ...(data.context.existingDescription ? { Existing: data.context.existingDescription } : {}),
  };
  return (
    <table class="detail">
      <thead>
        <tr>
          <th />
          <th>{dname()}</th>
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
          <td>
            {a.recurring ? sub.billingTerm : 'One-Time'}
            {op.extraMonths && (
              <span class="muted">
                {' '}
                · from {day(op.extraMonths.from)}, {op.extraMonths.months} month
                {op.extraMonths.months > 1 ? 's' : ''}
              </span>
            )}
          </td>
        </tr>
        <OperationFigureRows op={op} data={data} />
      </tbody>
    </table>
  );
}

/** An operation's figures and flags beside what the distributor says: quantity, cost, price, dates, billing and tax. */
function OperationFigureRows({ op, data }: { op: Operation; data: ReviewData }) {
  const e = edits.value[op.key];
  const a = op.after;
  const { quantity, unitPrice, unitCost, cost } = priced(op);
  const sub = data.context.subscription;
  const recurring = a.recurring ? 'Recurring' : 'Non-Recurring';
  return (
    <>
      <tr>
        <th>Quantity</th>
        <td>{sub.quantity ?? '?'} units</td>
        <td>{units(quantity)}</td>
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
          {formatCents(cost)} ({formatCents(unitCost)} × {units(quantity)})
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
              {day(a.effectiveDate)}{' '}
              <span class="muted small">Cannot be changed when updating an existing addition</span>
            </span>
          )}
        </td>
      </tr>
      {a.cancelledDate && (
        <tr>
          <th>End date</th>
          <td />
          <td>{day(a.cancelledDate)}</td>
        </tr>
      )}
      {a.proratedPeriod && (
        <tr>
          <th>Prorated period</th>
          <td>N/A</td>
          <td>
            {day(a.proratedPeriod.from)} - {day(a.proratedPeriod.to)}
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
          <label>
            <input
              type="checkbox"
              checked={e?.taxable ?? a.taxable}
              onChange={(ev) => edit(op.key, { taxable: ev.currentTarget.checked })}
            />{' '}
            Taxable
          </label>
        </td>
      </tr>
    </>
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

function Results({ ops, openLog }: { ops: Operation[]; openLog: (operations: string[]) => void }) {
  const all = outcomes.value ?? [];
  // Changes she left out were waived, not written: said apart, with what they would have billed.
  const waived = all.filter((o) => o.waived);
  const list = all.filter((o) => !o.waived);
  const ok = list.filter((o) => o.state === 'confirmed' || o.state === 'adopted').length;
  const failed = list.filter((o) => o.state !== 'confirmed' && o.state !== 'adopted');
  const period = (key: string) => ops.find((x) => x.key === key)?.after.proratedPeriod;
  return (
    <div data-testid="results">
      {waived.length > 0 && (
        <p class="notice" data-testid="waived-result">
          {waived.length} {waived.length === 1 ? 'change' : 'changes'} waived:{' '}
          {formatCents(waived.reduce((n, o) => n + (o.waived?.amountCents ?? 0), 0))}, not billed (
          {waived.map((o) => `${o.title}: ${o.waived?.reason}`).join('; ')}).
        </p>
      )}
      <div class={`notice ${ok === list.length ? 'ok' : 'error'}`} role="status">
        {ok} of {list.length} written to ConnectWise
        {failed.length === 0
          ? '. '
          : may('writeAdditions')
            ? '; the rest wait in the Log, to retry once the cause is fixed, or to waive with a reason. '
            : '; the rest wait in the Log. A member whose ConnectWise role may write agreement additions can retry or waive them. '}
        <button type="button" class="link" data-testid="open-log" onClick={() => openLog(list.map((o) => o.key))}>
          Open {list.length === 1 ? 'it' : 'them'} in the Log
        </button>
      </div>
      <table>
        <tbody>
          {list.map((o) => (
            <tr key={o.key} data-testid="outcome">
              <td>
                {o.title}
                {period(o.key) ? ` (${day(period(o.key)!.from)})` : ''}
              </td>
              <td>
                <span class={`status ${o.state === 'confirmed' || o.state === 'adopted' ? 'ok' : 'bad'}`}>
                  {o.state === 'adopted' ? 'written (adopted after no answer)' : o.state}
                </span>
                {o.already ? <span class="muted small"> already done</span> : ''}
              </td>
              <td>{o.additionId ? `addition #${o.additionId}` : ''}</td>
              <td class="bad-text">
                {o.error}
                {o.fields.map((f) => (
                  <div key={f.field}>
                    {f.field}: {f.message}
                  </div>
                ))}
                <Details text={o.detail} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { agreementChoices, autoAgreement } from '../../shared/billing/agreements.ts';
import { monthName } from '../../shared/billing/calendar.ts';
import { formatCents } from '../../shared/money.ts';
import type { SubscriptionRow } from '../../shared/schemas/mapping.ts';
import { detailOf } from '../api.ts';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Details } from '../components/Details.tsx';
import { day, money, signedMoney, stateExplain, stateLabel, stateTone, when } from '../components/format.ts';
import { lazyPage } from '../components/Lazy.tsx';
import { Notice } from '../components/Notice.tsx';
import {
  bindHere,
  flash,
  loadTab,
  makeDefault,
  mapToAgreement,
  searchDistributor,
  type TabData,
  tab,
  unbind,
  unbindImpact,
} from '../models/company-tab.ts';
import { dname } from '../models/distributor.ts';
import { view } from '../models/nav.ts';
import { hostBridge } from '../models/session.ts';

// The create form loads only when a member opens it.
const CreateDistributorCompany = lazyPage(() =>
  import('../components/CreateDistributorCompany.tsx').then((m) => m.CreateDistributorCompany),
);
// Read only when a member opens a subscription's history.
const SubscriptionHistory = lazyPage(() =>
  import('../components/SubscriptionHistory.tsx').then((m) => m.SubscriptionHistory),
);

/** The Distributors tab on a ConnectWise company: bind it, then map each subscription to an agreement. */
export function CompanyTab(props: { cwCompanyId: number }) {
  useEffect(() => {
    flash.value = null;
    void loadTab(props.cwCompanyId);
  }, [props.cwCompanyId]);
  const t = tab.value;
  if (!t || t.kind === 'loading') return <p class="muted">Reading {dname()} and ConnectWise…</p>;
  if (t.kind === 'error')
    return (
      <Notice tone="error" title="Could not load this company.">
        {t.message}
      </Notice>
    );
  return (
    <>
      {flash.value && (
        <div class={`notice ${flash.value.tone === 'error' ? 'error' : 'ok'}`} role="status" data-testid="flash">
          {flash.value.text}
          <Details text={flash.value.detail} />
        </div>
      )}
      {t.data.binding ? <Bound data={t.data} /> : <Unbound data={t.data} />}
    </>
  );
}

function Unbound({ data }: { data: TabData }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<{ id: string; name: string; website: string | null }[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  return (
    <section data-testid="unbound">
      <RoleNote actions={['writeAdditions']} />
      <p>
        <strong>{data.cwCompany.name}</strong> is not bound to a {dname()} company yet.
      </p>
      <h2>Suggested matches</h2>
      {data.alreadyBound.map((b) => (
        <p class="notice" key={b.name + b.boundToCwCompanyId} data-testid="already-bound">
          The {dname()} company <strong>{b.name}</strong> ({b.score}%) is already bound to the ConnectWise company{' '}
          <button
            type="button"
            class="link"
            onClick={() =>
              void hostBridge()?.request('openScreen', { newTab: true, screen: 'company', id: b.boundToCwCompanyId })
            }
          >
            {b.boundToCwCompanyName ?? `#${b.boundToCwCompanyId}`}
          </button>
          . If that is the wrong one, unbind it there first.
        </p>
      ))}
      {data.suggestions.length === 0 ? (
        <p class="muted">
          {data.alreadyBound.length > 0 ? 'No other' : 'No'} {dname()} company has a similar name or website. Search
          below, or create the link from the Companies page.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{dname()} company</th>
              <th>Match</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.suggestions.map((s) => (
              <tr key={s.distributorCompanyId} data-testid="suggestion">
                <td>{s.name}</td>
                <td>
                  <span class={`status ${s.score >= 90 ? 'ok' : 'warn'}`}>{s.score}%</span>{' '}
                  <span class="muted">{s.reasons.join(', ')}</span>
                  {(s.website || s.city) && (
                    <div class="muted small">{[s.website, s.city].filter(Boolean).join(' · ')}</div>
                  )}
                </td>
                <td>
                  <ActionButton
                    action="writeAdditions"
                    class="primary"
                    onClick={() => void bindHere(s.distributorCompanyId, s.name)}
                  >
                    Bind
                  </ActionButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.newDistributorCompany && <CreateAtDistributor data={data} />}
      <h2>Search {dname()} companies</h2>
      <form
        class="inline"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            setResults(await searchDistributor(q));
            setSearchError(null);
          } catch (failure) {
            setSearchError((failure as Error).message);
          }
        }}
      >
        <input
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
          placeholder="Company name"
          aria-label={`Search ${dname()} companies`}
        />
        <button type="submit">Search</button>
      </form>
      {searchError && (
        <Notice tone="error" title={`${dname()} could not be searched.`}>
          {searchError}
        </Notice>
      )}
      {results && results.length === 0 && (
        <p class="muted">
          No {dname()} company matches “{q}”.
        </p>
      )}
      {results && results.length > 0 && (
        <table>
          <tbody>
            {results.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td class="muted">{r.website}</td>
                <td>
                  <ActionButton action="writeAdditions" onClick={() => void bindHere(r.id, r.name)}>
                    Bind
                  </ActionButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** No company at the distributor for this customer yet: make one from the ConnectWise record, then bind. */
function CreateAtDistributor({ data }: { data: TabData }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <p>
        <ActionButton action="writeAdditions" onClick={() => setOpen(true)}>
          Create in {dname()}…
        </ActionButton>{' '}
        <span class="muted small">when this customer has no {dname()} company yet</span>
      </p>
    );
  return (
    <CreateDistributorCompany
      cwCompanyId={data.cwCompany.id}
      draft={data.newDistributorCompany!}
      onCancel={() => setOpen(false)}
      onDone={(name) => {
        flash.value = { tone: 'ok', text: `Created ${name} in ${dname()} and bound it to ${data.cwCompany.name}.` };
        void loadTab(data.cwCompany.id);
      }}
    />
  );
}

function Bound({ data }: { data: TabData }) {
  const binding = data.binding!;
  const [confirm, setConfirm] = useState<number | null>(null);
  const [showExpired, setShowExpired] = useState(false);
  const counts: Record<string, number> = {};
  for (const s of data.subscriptions) counts[s.state] = (counts[s.state] ?? 0) + 1;
  return (
    <section data-testid="bound">
      <RoleNote actions={['writeAdditions']} />
      <div class="bar">
        <span>
          Bound to the {dname()} company <strong data-testid="bound-to">{binding.name}</strong>
        </span>
        <ActionButton
          action="writeAdditions"
          onClick={async () => {
            try {
              setConfirm(await unbindImpact(binding.mappingId));
            } catch (failure) {
              flash.value = { tone: 'error', text: (failure as Error).message, detail: detailOf(failure) };
            }
          }}
        >
          Unbind…
        </ActionButton>
      </div>
      {confirm !== null && (
        <Confirm
          confirmLabel="Unbind"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void unbind(binding.mappingId);
          }}
        >
          Unbind {data.cwCompany.name} from {dname()}'s {binding.name}? Its {confirm} {dname()} subscription mapping
          {confirm === 1 ? '' : 's'} will be kept but paused: nothing from {dname()} is synced for this company until it
          is bound again. Other distributors are not touched.
        </Confirm>
      )}
      {data.overBilling.length > 0 && (
        <div class="notice error" data-testid="over-billing">
          <strong>Possible over-billing.</strong>
          <ul>
            {data.overBilling.map((o) => (
              <li key={`${o.agreementId}:${o.catalogItemId}`}>
                {o.reason} {o.monthlyDifference !== 0 && <strong>{money(o.monthlyDifference)} a month</strong>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h2>
        Subscriptions <span class="muted">({data.subscriptions.length})</span>
      </h2>
      <p class="muted summary">
        {Object.entries(counts)
          .map(([k, n]) => `${n} ${stateLabel(k).toLowerCase()}`)
          .join(' · ') || `This ${dname()} company has no subscriptions.`}
        <label class="check">
          <input type="checkbox" checked={showExpired} onChange={(e) => setShowExpired(e.currentTarget.checked)} /> Show
          expired agreements
        </label>
      </p>
      {data.subscriptions.length > 0 && (
        <table data-testid="subscriptions">
          <thead>
            <tr>
              <th>Product</th>
              <th>Term</th>
              <th class="num">Qty</th>
              <th class="num">Price</th>
              <th class="num">Cost</th>
              <th>Agreement</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.subscriptions.map((s) => (
              <SubscriptionLine key={s.id} sub={s} data={data} showExpired={showExpired} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SubscriptionLine({ sub, data, showExpired }: { sub: SubscriptionRow; data: TabData; showExpired: boolean }) {
  const choices = agreementChoices(data.agreements, sub.billingTerm, data.today, showExpired);
  const auto = autoAgreement(choices, data.defaultAgreementId);
  const [chosen, setChosen] = useState<number | null>(sub.agreementId ?? auto);
  const eligible = choices.filter((c) => c.eligible);
  const productBound = sub.productMapping?.cwCatalogItemId != null || (sub.usage && sub.subProductsBound);
  const [history, setHistory] = useState(false);
  return (
    <>
      <tr data-testid="subscription" data-subscription={sub.id}>
        <td>
          {sub.productName}{' '}
          <button type="button" class="link small" aria-expanded={history} onClick={() => setHistory(!history)}>
            {history ? 'Hide history' : 'History'}
          </button>
          {!productBound && (
            <div>
              <button
                type="button"
                class="link"
                onClick={() => (view.value = { page: 'products', focusProductId: sub.productId })}
              >
                Bind product…
              </button>
            </div>
          )}
        </td>
        <td>{sub.billingTerm}</td>
        <td class="num">{sub.quantity ?? '?'}</td>
        <td class="num">{sub.usage ? 'usage' : money(sub.unitPrice)}</td>
        <td class="num">{sub.usage ? 'usage' : money(sub.unitCost)}</td>
        <td>
          {choices.length === 0 ? (
            <span class="muted">No agreement can take additions</span>
          ) : (
            <div class="inline">
              <select
                aria-label={`Agreement for ${sub.productName}`}
                value={chosen ?? ''}
                onChange={(e) => setChosen(Number(e.currentTarget.value) || null)}
              >
                <option value="">Choose an agreement…</option>
                {choices.map((c) => (
                  <option
                    key={c.agreement.id}
                    value={c.agreement.id}
                    disabled={!c.eligible}
                    title={c.reason ?? c.warning ?? ''}
                  >
                    {c.agreement.name} · {c.agreement.billingCycle ?? '—'} ·{' '}
                    {c.agreement.prorates ? 'prorates' : 'no proration'} · next invoice{' '}
                    {day(c.agreement.nextInvoiceDate)}
                    {c.reason ? ` — ${c.reason}` : ''}
                    {c.warning ? ' — bills 12 months ahead' : ''}
                  </option>
                ))}
              </select>
              {chosen !== null && chosen !== sub.agreementId && (
                <ActionButton
                  action="writeAdditions"
                  class="primary"
                  onClick={() => void mapToAgreement(sub.id, chosen, sub.productName)}
                >
                  Map
                </ActionButton>
              )}
              {chosen !== null && eligible.length > 1 && data.defaultAgreementId !== chosen && (
                <ActionButton
                  action="writeAdditions"
                  class="link"
                  onClick={() => void makeDefault(data.binding!.mappingId, chosen)}
                >
                  Make default
                </ActionButton>
              )}
            </div>
          )}
          {choices.some((c) => !c.eligible) && (
            <div class="muted small">{choices.filter((c) => !c.eligible).length} not offered; hover for why</div>
          )}
        </td>
        <SubscriptionState sub={sub} productBound={productBound} />
      </tr>
      {history && (
        <tr>
          <td colSpan={7}>
            <SubscriptionHistory subscriptionId={sub.id} />
          </td>
        </tr>
      )}
    </>
  );
}

/** A commitment's term and window, and what ConnectWise does not bill of it. */
function CommitmentNote({ c }: { c: NonNullable<SubscriptionRow['commitment']> }) {
  const window =
    c.state === 'reducible' ? `reducible until ${when(c.windowClosesAt)}` : `committed until ${day(c.endsOn)}`;
  return (
    <div
      class={c.closingSoon && c.unbilledSeats > 0 ? 'small commitment soon' : 'small muted'}
      data-testid="commitment"
    >
      {c.term} commitment, {window}
      {c.unbilledSeats > 0
        ? `: ${c.unbilledSeats} seats not billed, ${formatCents(c.atStakeCents)} ${c.state === 'reducible' ? 'at stake' : "to the term's end"}`
        : ''}
      {c.renewalDue ? ` · renews ${day(c.renewsOn)}, change by ${when(c.changeBy)}` : ''}
    </div>
  );
}

/** A subscription's state with its money, why it differs, its usage month, and the review that settles it. */
function SubscriptionState({ sub, productBound }: { sub: SubscriptionRow; productBound: boolean }) {
  return (
    <td>
      <span class={`status ${stateTone(sub.state)}`} data-testid="state" title={stateExplain(sub.state)}>
        {stateLabel(sub.state)}
      </span>
      {sub.monthlyDifference !== null && sub.monthlyDifference !== 0 && (
        <strong class="small" data-testid="monthly-difference">
          {' '}
          {signedMoney(sub.monthlyDifference)} a month
        </strong>
      )}
      {(sub.difference || sub.error) && <div class="small muted">{sub.difference ?? sub.error}</div>}
      {sub.commitment && <CommitmentNote c={sub.commitment} />}
      {sub.notes.map((n) => (
        <div key={n} class="small muted" data-testid="note">
          {n}
        </div>
      ))}
      {sub.usageMonth && (
        <div class="small" data-testid="usage-month">
          {monthName(`${sub.usageMonth.period}-01`)}: {formatCents(sub.usageMonth.totalCents)}
          {sub.usageMonth.final ? '' : ' so far'}
          {sub.usageMonth.changeCents !== 0 ? ` (${signedMoney(sub.usageMonth.changeCents)} to write)` : ''}
        </div>
      )}
      {sub.usage && sub.agreementId !== null && productBound && sub.state !== 'unmapped' && (
        <div>
          <button
            type="button"
            class={sub.state === 'in-sync' ? '' : 'primary'}
            onClick={() => (view.value = { page: 'review', subscriptionId: sub.id, usage: true })}
          >
            Review usage…
          </button>
        </div>
      )}
      {!sub.usage &&
        sub.agreementId !== null &&
        productBound &&
        (sub.state === 'out-of-sync' || sub.state === 'mapped') && (
          <div>
            <button
              type="button"
              class="primary"
              onClick={() => (view.value = { page: 'review', subscriptionId: sub.id })}
            >
              Review sync…
            </button>
          </div>
        )}
    </td>
  );
}

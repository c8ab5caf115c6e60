import { DistributorSwitch } from '../components/DistributorSwitch.tsx';
import { lazyPage } from '../components/Lazy.tsx';
import { Notice } from '../components/Notice.tsx';
import { type TabItem, Tabs } from '../components/Tabs.tsx';
import { current } from '../models/distributor.ts';
import { type View, view } from '../models/nav.ts';
import { phase, record, screen, session } from '../models/session.ts';
import { AgreementPod } from './AgreementPod.tsx';
import { CompanyTab } from './CompanyTab.tsx';

// The first screens load with the pod; the other pages when first opened.
const ReviewPage = lazyPage(() => import('./ReviewPage.tsx').then((m) => m.ReviewPage));
const UsageReviewPage = lazyPage(() => import('./UsageReviewPage.tsx').then((m) => m.UsageReviewPage));
const CompaniesPage = lazyPage(() => import('./CompaniesPage.tsx').then((m) => m.CompaniesPage));
const ProductsPage = lazyPage(() => import('./ProductsPage.tsx').then((m) => m.ProductsPage));
const LogPage = lazyPage(() => import('./LogPage.tsx').then((m) => m.LogPage));
const ReportPage = lazyPage(() => import('./ReportPage.tsx').then((m) => m.ReportPage));
const ReconcilePage = lazyPage(() => import('./ReconcilePage.tsx').then((m) => m.ReconcilePage));
const SettingsPage = lazyPage(() => import('./SettingsPage.tsx').then((m) => m.SettingsPage));
const ConnectionsPage = lazyPage(() => import('./ConnectionsPage.tsx').then((m) => m.ConnectionsPage));
const ImportsPage = lazyPage(() => import('./ImportsPage.tsx').then((m) => m.ImportsPage));

const PAGES = [
  { key: 'company', label: 'This company' },
  { key: 'companies', label: 'Companies' },
  { key: 'products', label: 'Products' },
  { key: 'report', label: 'Unsynced' },
  { key: 'reconcile', label: 'Reconcile' },
  { key: 'log', label: 'Log' },
  { key: 'settings', label: 'Settings' },
  { key: 'connections', label: 'Connections' },
  { key: 'imports', label: 'Imports' },
] as const satisfies readonly TabItem<Exclude<View['page'], 'review'>>[];

const PLACE_LABEL: Record<string, string> = { company: 'Company', agreement: 'Agreement' };

export function App() {
  const p = phase.value;
  if (p.kind === 'outside-host') {
    return (
      <Notice title="Open this from ConnectWise.">
        This page runs inside ConnectWise Manage: open a company and choose its Distributors tab, or add the “Unsynced
        subscriptions” pod to an agreement.
      </Notice>
    );
  }
  if (p.kind === 'connecting') return <p class="muted">Connecting to ConnectWise…</p>;
  if (p.kind === 'signing-in') return <p class="muted">Signing you in…</p>;
  if (p.kind === 'error') {
    return (
      <Notice tone="error" title={p.title} reload={p.reload}>
        {p.message}
      </Notice>
    );
  }
  const s = session.value!;
  const where = screen.value;
  const rec = record.value;
  const onCompany = where?.screen === 'company';
  const v = view.value;
  const inPod = where?.hostedAs === 'pod';
  const who = (
    <span>
      <strong data-testid="member-name">{s.member.name}</strong> ({s.member.id}) ·{' '}
      <span data-testid="tenant-name">{s.tenant.name}</span>
    </span>
  );
  const what = where && (
    <>
      <span data-testid="screen">
        {PLACE_LABEL[where.screen] ?? where.screen} {inPod ? 'pod' : 'tab'}
      </span>
      {' · '}
      {rec?.kind === 'ready' ? <span data-testid="record-name">{rec.value.name}</span> : `#${where.id}`}
      {rec?.kind === 'ready' && rec.value.detail && <span class="muted"> · {rec.value.detail}</span>}
    </>
  );
  return (
    <section data-signed-in="true" class={inPod ? 'pod-view' : ''}>
      {inPod ? (
        // Manage gives a pod 280 px and already names the agreement above it: every line goes to rows.
        <>
          <div class="visually-hidden">
            <h1>{what}</h1>
            Signed in as {who}
          </div>
          <DistributorSwitch />
        </>
      ) : (
        <div class="bar">
          <h1>{what ?? 'Distributor sync'}</h1>
          <DistributorSwitch />
          <span class="muted small">Signed in as {who}</span>
        </div>
      )}
      {!where && <Notice title="No record yet.">ConnectWise has not said which record this is open on.</Notice>}
      {rec?.kind === 'loading' && <p class="muted">Reading the record from ConnectWise…</p>}
      {rec?.kind === 'error' && (
        <Notice tone="error" title="Could not read this record.">
          {rec.message}
        </Notice>
      )}
      {onCompany && (
        <Tabs
          key={current.value?.kind}
          id="pages"
          label="Distributor sync pages"
          tabs={PAGES}
          selected={v.page === 'review' ? 'company' : v.page}
          onSelect={(page) => {
            view.value = { page };
          }}
        >
          {v.page === 'company' && <CompanyTab cwCompanyId={where.id} />}
          {v.page === 'companies' && <CompaniesPage />}
          {v.page === 'products' && <ProductsPage focusProductId={v.focusProductId} />}
          {v.page === 'review' &&
            (v.usage ? (
              <UsageReviewPage subscriptionId={v.subscriptionId} />
            ) : (
              <ReviewPage subscriptionId={v.subscriptionId} />
            ))}
          {v.page === 'log' && <LogPage operations={v.operations} subscription={v.subscription} run={v.run} />}
          {v.page === 'report' && <ReportPage />}
          {v.page === 'reconcile' && <ReconcilePage />}
          {v.page === 'settings' && <SettingsPage />}
          {v.page === 'connections' && <ConnectionsPage />}
          {v.page === 'imports' && <ImportsPage />}
        </Tabs>
      )}
      {where?.screen === 'agreement' && <AgreementPod key={current.value?.kind} agreementId={where.id} />}
    </section>
  );
}

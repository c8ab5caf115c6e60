import { lazyPage } from '../components/Lazy.tsx';
import { Notice } from '../components/Notice.tsx';
import { type TabItem, Tabs } from '../components/Tabs.tsx';
import { type View, view } from '../models/nav.ts';
import { phase, record, screen, session } from '../models/session.ts';
import { AgreementPod } from './AgreementPod.tsx';
import { CompanyTab } from './CompanyTab.tsx';
import { ReviewPage } from './ReviewPage.tsx';

// The first screens load with the pod; the other pages when first opened.
const CompaniesPage = lazyPage(() => import('./CompaniesPage.tsx').then((m) => m.CompaniesPage));
const ProductsPage = lazyPage(() => import('./ProductsPage.tsx').then((m) => m.ProductsPage));
const LogPage = lazyPage(() => import('./LogPage.tsx').then((m) => m.LogPage));
const ReportPage = lazyPage(() => import('./ReportPage.tsx').then((m) => m.ReportPage));
const SettingsPage = lazyPage(() => import('./SettingsPage.tsx').then((m) => m.SettingsPage));

const PAGES = [
  { key: 'company', label: 'This company' },
  { key: 'companies', label: 'Companies' },
  { key: 'products', label: 'Products' },
  { key: 'report', label: 'Unsynced' },
  { key: 'log', label: 'Log' },
  { key: 'settings', label: 'Settings' },
] as const satisfies readonly TabItem<Exclude<View['page'], 'review'>>[];

const PLACE_LABEL: Record<string, string> = { company: 'Company', agreement: 'Agreement' };

export function App() {
  const p = phase.value;
  if (p.kind === 'outside-host') {
    return (
      <Notice title="Open this from ConnectWise.">
        This page runs inside ConnectWise Manage: open a company and choose its Pax8 tab, or add the “Unsynced
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
  return (
    <section data-signed-in="true">
      <div class="bar">
        <span>
          Signed in as <strong data-testid="member-name">{s.member.name}</strong> ({s.member.id})
        </span>
        <span class="muted" data-testid="tenant-name">
          {s.tenant.name}
        </span>
      </div>
      {where ? (
        <h1>
          <span data-testid="screen">
            {PLACE_LABEL[where.screen] ?? where.screen} {where.hostedAs === 'pod' ? 'pod' : 'tab'}
          </span>
          {' · '}
          {rec?.kind === 'ready' ? <span data-testid="record-name">{rec.value.name}</span> : `#${where.id}`}
          {rec?.kind === 'ready' && rec.value.detail && <span class="muted"> · {rec.value.detail}</span>}
        </h1>
      ) : (
        <Notice title="No record yet.">ConnectWise has not said which record this is open on.</Notice>
      )}
      {rec?.kind === 'loading' && <p class="muted">Reading the record from ConnectWise…</p>}
      {rec?.kind === 'error' && (
        <Notice tone="error" title="Could not read this record.">
          {rec.message}
        </Notice>
      )}
      {onCompany && (
        <Tabs
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
          {v.page === 'review' && <ReviewPage subscriptionId={v.subscriptionId} />}
          {v.page === 'log' && <LogPage />}
          {v.page === 'report' && <ReportPage />}
          {v.page === 'settings' && <SettingsPage />}
        </Tabs>
      )}
      {where?.screen === 'agreement' && <AgreementPod agreementId={where.id} />}
    </section>
  );
}

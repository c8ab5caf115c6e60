import { useEffect, useState } from 'preact/hooks';
import { chooseBillingReport, readBillingReports } from '../models/connections.ts';
import { ActionButton } from './Allowed.tsx';
import { Notice } from './Notice.tsx';

interface Report {
  id: string;
  name: string;
  category: string | null;
}

/**
 * Which of the distributor's reports its invoices are read from (StreamOne Ion's billing
 * report, made by the partner in the Ion portal from a template). Billing reports come first.
 */
export function BillingReportPicker({ kind, displayName }: { kind: string; displayName: string }) {
  const [reports, setReports] = useState<Report[] | null>(null);
  const [chosen, setChosen] = useState('');
  const [said, setSaid] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    readBillingReports(kind).then(
      (r) => {
        setReports(
          [...r.reports].sort(
            (a, b) => Number(b.category === 'BILLING_REPORTS') - Number(a.category === 'BILLING_REPORTS'),
          ),
        );
        setChosen(r.chosen ?? '');
      },
      (e: Error) => setSaid({ tone: 'error', text: e.message }),
    );
  }, [kind]);
  const save = async () => {
    setBusy(true);
    try {
      const r = await chooseBillingReport(kind, chosen);
      setSaid({ tone: 'ok', text: `${displayName}'s invoices are read from "${r.name}".` });
    } catch (e) {
      setSaid({ tone: 'error', text: (e as Error).message });
    }
    setBusy(false);
  };
  const id = `billing-report-${kind}`;
  return (
    <div class="field" data-testid={`billing-report-${kind}`}>
      <label htmlFor={id}>{displayName} billing report</label>
      {reports === null && !said && <span class="muted">Reading {displayName}'s reports…</span>}
      {reports && (
        <div class="actions">
          <select id={id} value={chosen} onChange={(e) => setChosen((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">Choose the report with the invoice lines…</option>
            {reports.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.category ?? 'no category'}, id {r.id})
              </option>
            ))}
          </select>
          <ActionButton action="changeSettings" disabled={busy || chosen === ''} onClick={() => void save()}>
            {busy ? 'Saving…' : 'Use this report'}
          </ActionButton>
        </div>
      )}
      <span class="small muted">
        Reconciliation reads the month's invoice lines from this report: it needs the columns Invoice Number, Customer
        ID, Subscription ID, Charge StartDate, a quantity and Seller Cost.
      </span>
      {said?.tone === 'error' && <Notice tone="error" title={said.text} />}
      {said?.tone === 'ok' && (
        <p class="small" role="status">
          {said.text}
        </p>
      )}
    </div>
  );
}

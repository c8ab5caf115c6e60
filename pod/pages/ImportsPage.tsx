import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useId } from 'preact/hooks';
import { ActionButton, RoleNote } from '../components/Allowed.tsx';
import { money, when } from '../components/format.ts';
import { Notice } from '../components/Notice.tsx';
import { ProfileBuilder } from '../components/ProfileBuilder.tsx';
import {
  confirmImport,
  discardImport,
  type ImportPreview,
  type Imports,
  importBusy,
  importSaid,
  importSource,
  imports,
  importsError,
  loadImports,
  preview,
  uploadFile,
} from '../models/imports.ts';
import { resetBuilder } from '../models/profile-builder.ts';

/**
 * A file source's files: upload one, check its preview (rows refused by line and column, what is
 * not mapped yet, its totals against the file's own, what a corrected file changes), then import
 * it or discard it. The profile builder makes a profile for any vendor's layout.
 */
export function ImportsPage() {
  useEffect(() => void loadImports(), []);
  const building = useSignal(false);
  const profile = useSignal('');
  const data = imports.value;
  if (importsError.value)
    return (
      <Notice tone="error" title="Could not read the imports.">
        {importsError.value}
      </Notice>
    );
  if (!data) return <p class="muted">Reading the imports…</p>;
  if (data.sources.length === 0)
    return (
      <Notice title="No file source is connected.">
        An admin adds one on the Connections page: its name (Microsoft direct, Ingram Micro, …) and the column profile
        its files are read with.
      </Notice>
    );
  const said = importSaid.value;
  return (
    <section data-testid="imports">
      <RoleNote actions={['writeAdditions', 'changeSettings']} />
      <UploadControls sources={data.sources} profile={profile.value} onProfile={(key) => (profile.value = key)}>
        <ActionButton
          action="changeSettings"
          onClick={() => {
            resetBuilder();
            building.value = !building.value;
          }}
        >
          {building.value ? 'Close the profile builder' : 'Make a column profile'}
        </ActionButton>
      </UploadControls>
      {importBusy.value === 'upload' && <p class="muted">Reading the file…</p>}
      {said && (
        <div class={`notice ${said.tone}`} role="status" data-testid="import-said">
          {said.text}
        </div>
      )}
      {building.value && (
        <ProfileBuilder
          onSaved={(key) => {
            profile.value = key;
          }}
        />
      )}
      {preview.value && <PreviewPanel p={preview.value} />}
      <ImportHistory data={data} />
    </section>
  );
}

/**
 * Which source a file goes to (asked only when the tenant has several: each source's files are
 * its own), the profile it is read with, and the file.
 */
function UploadControls(props: {
  sources: Imports['sources'];
  profile: string;
  onProfile: (key: string) => void;
  children: ComponentChildren;
}) {
  const fileId = useId();
  const profileId = useId();
  const sourceId = useId();
  const source = props.sources.find((s) => s.key === importSource.value) ?? props.sources[0]!;
  return (
    <>
      <p data-testid="import-source">
        Files from <strong>{source.name}</strong>, read with the <code>{source.profile}</code> profile unless you choose
        another.
      </p>
      <div class="actions">
        {props.sources.length > 1 && (
          <div class="field">
            <label htmlFor={sourceId}>Import into</label>
            <select
              id={sourceId}
              value={source.key}
              onChange={(e) => {
                importSource.value = (e.currentTarget as HTMLSelectElement).value;
              }}
            >
              {props.sources.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class="field">
          <label htmlFor={profileId}>Read with profile (empty: the source's own)</label>
          <input
            id={profileId}
            type="text"
            value={props.profile}
            onInput={(e) => props.onProfile((e.currentTarget as HTMLInputElement).value.trim())}
          />
        </div>
        <div class="field">
          <label htmlFor={fileId}>Invoice or usage file</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            disabled={importBusy.value !== null}
            onChange={(e) => {
              const file = (e.currentTarget as HTMLInputElement).files?.[0];
              if (file) void uploadFile(file, source.key, props.profile || undefined);
            }}
          />
        </div>
        {props.children}
      </div>
    </>
  );
}

/** What the file would import, before anything is stored. */
function PreviewPanel({ p }: { p: ImportPreview }) {
  return (
    <section class="panel" data-testid="import-preview">
      <h2>
        {p.fileName} <span class="muted small">sha256 {p.hash.slice(0, 12)}…</span>
      </h2>
      <p data-testid="preview-counts">
        {p.rows} rows read, {p.lines} usable, {p.refused.rows} refused · {p.customers.count} customers (
        {p.customers.notMapped.length} not bound yet) · {p.products.count} products ({p.products.notMapped.length} not
        bound yet) · read as {p.profile.name} v{p.profile.version}
      </p>
      <table class="list" data-testid="preview-totals">
        <caption>Totals by the profile's rule, against the file's own</caption>
        <tbody>
          {p.totals.map((t) => (
            <tr key={t.currency}>
              <th>{t.currency}</th>
              <td class="num">{money(t.amountCents, t.currency)}</td>
              <td>
                {t.amountCents === t.fileAmountCents
                  ? 'as the file totals it'
                  : `the file says ${money(t.fileAmountCents, t.currency)}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.alreadyImported && (
        <Notice title="This file is already imported.">
          Importing the same file again changes nothing; it was imported {when(p.alreadyImported.at)} by{' '}
          {p.alreadyImported.by}
          {p.alreadyImported.source !== p.sourceKey ? ', into another file source' : ''}.
        </Notice>
      )}
      {p.refused.count > 0 && (
        <div class="notice error" data-testid="preview-refused">
          <p>
            {p.refused.rows} rows are refused; nothing is stored. Correct the file (or the profile) and upload it again.
          </p>
          <ul>
            {p.refused.listed.map((r) => (
              <li key={`${r.row}-${r.column}`}>
                Line {r.row}, {r.column}
                {r.value ? ` "${r.value}"` : ''}: {r.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {p.revision && <RevisionTable revision={p.revision} />}
      {p.id && (
        <div class="actions">
          <ActionButton
            action="writeAdditions"
            disabled={importBusy.value !== null}
            onClick={() => void confirmImport(p.id!)}
          >
            {p.revision ? 'Import the corrected file' : 'Import this file'}
          </ActionButton>
          <ActionButton
            action="writeAdditions"
            disabled={importBusy.value !== null}
            onClick={() => void discardImport(p.id!)}
          >
            Discard
          </ActionButton>
        </div>
      )}
    </section>
  );
}

function RevisionTable({ revision }: { revision: NonNullable<ImportPreview['revision']> }) {
  return (
    <div data-testid="preview-revision">
      <p>
        This file corrects {revision.supersedes.map((s) => s.fileName).join(', ')}. Importing it replaces that file; the
        next sync and reconciliation bill the difference.
      </p>
      <table class="list">
        <thead>
          <tr>
            <th>Customer</th>
            <th>Product</th>
            <th>Charge</th>
            <th class="num">Before</th>
            <th class="num">After</th>
          </tr>
        </thead>
        <tbody>
          {revision.changes.map((c) => (
            <tr key={`${c.subscriptionId}-${c.chargeType}-${c.period}`}>
              <td>{c.customer}</td>
              <td>{c.product}</td>
              <td>
                {c.chargeType} {c.period}
              </td>
              <td class="num">
                {c.before ? `${c.before.quantity} · ${money(c.before.amountCents, c.currency)}` : '—'}
              </td>
              <td class="num">{c.after ? `${c.after.quantity} · ${money(c.after.amountCents, c.currency)}` : '—'}</td>
            </tr>
          ))}
          {revision.differences.map((d) => (
            <tr key={d.currency}>
              <th colSpan={3}>Total {d.currency}</th>
              <td class="num">{money(d.beforeCents, d.currency)}</td>
              <td class="num">{money(d.afterCents, d.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportHistory({ data }: { data: NonNullable<typeof imports.value> }) {
  if (data.imports.length === 0) return <p class="muted">No file has been imported yet.</p>;
  const several = data.sources.length > 1;
  return (
    <table class="list" data-testid="import-history">
      <caption>Files uploaded, newest first</caption>
      <thead>
        <tr>
          <th>File</th>
          {several && <th>Source</th>}
          <th>State</th>
          <th class="num">Lines</th>
          <th>Totals</th>
          <th>By</th>
          <th>When</th>
        </tr>
      </thead>
      <tbody>
        {data.imports.map((i) => (
          <tr key={i.id}>
            <td>{i.fileName}</td>
            {several && <td>{i.source}</td>}
            <td>{i.state}</td>
            <td class="num">{i.lines}</td>
            <td>{i.totals.map((t) => money(t.amountCents, t.currency)).join(' · ')}</td>
            <td>{i.decidedBy ?? i.uploadedBy}</td>
            <td>{when(i.decidedAt ?? i.uploadedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

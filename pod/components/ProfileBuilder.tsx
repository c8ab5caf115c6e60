import { useId } from 'preact/hooks';
import {
  builderSaid,
  CHARGE_KINDS,
  draft,
  headings,
  loadHeadings,
  PROFILE_FIELDS,
  type ProfileDraft,
  readSample,
  sample,
  saveDraft,
  setDraft,
  tried,
  tryDraft,
} from '../models/profile-builder.ts';
import { ActionButton } from './Allowed.tsx';
import { Field } from './Field.tsx';
import { money } from './format.ts';

/** A labelled choice; `options` are [value, label]. */
function Choice(props: { label: string; value: string; options: [string, string][]; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Makes a column profile from a sample file: the admin picks each field's column from the file's
 * own headings, says how its numbers and dates are written and which of its words is which charge,
 * and sees the first rows read before saving. A profile is a setting (its markup bills unattended).
 */
export function ProfileBuilder(props: { onSaved: (key: string) => void }) {
  const d = draft.value;
  const said = builderSaid.value;
  const columnOptions = (required: boolean): [string, string][] => [
    ['', required ? 'Choose a column' : 'Not in this file'],
    ...headings.value.map((h): [string, string] => [h, h]),
  ];
  return (
    <section class="panel" data-testid="profile-builder">
      <h2>Make a column profile</h2>
      <div class="field">
        <label htmlFor="profile-sample">Sample file</label>
        <input
          id="profile-sample"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) void readSample(file);
          }}
        />
      </div>
      {sample.value && headings.value.length === 0 && (
        <p class="muted">No headings were found in the first line of {sample.value.fileName}.</p>
      )}
      {headings.value.length > 0 && (
        <>
          <div class="grid">
            <Field label="Profile name" name="name" value={d.name} onInput={(name) => setDraft({ name })} />
            <Field label="Profile key" name="key" value={d.key} onInput={(key) => setDraft({ key })} />
            <Choice
              label="Separator"
              value={d.delimiter}
              options={[
                [',', 'Comma'],
                [';', 'Semicolon'],
              ]}
              onChange={(v) => {
                setDraft({ delimiter: v as ProfileDraft['delimiter'] });
                void loadHeadings();
              }}
            />
            <Choice
              label="Decimal separator"
              value={d.decimal}
              options={[
                ['.', 'Point (1.5)'],
                [',', 'Comma (1,5)'],
              ]}
              onChange={(v) => setDraft({ decimal: v as ProfileDraft['decimal'] })}
            />
            <Choice
              label="Dates"
              value={d.dates}
              options={[
                ['iso', '2026-11-30'],
                ['day-month-year', '30/11/2026'],
                ['month-day-year', '11/30/2026'],
              ]}
              onChange={(v) => setDraft({ dates: v as ProfileDraft['dates'] })}
            />
          </div>
          <h3>Columns</h3>
          <div class="grid">
            {PROFILE_FIELDS.map((f) => (
              <Choice
                key={f.name}
                label={f.label}
                value={d.columns[f.name] ?? ''}
                options={columnOptions(f.required)}
                onChange={(v) => setDraft({ columns: { ...d.columns, [f.name]: v } })}
              />
            ))}
            <Field
              label="Markup over cost, % (without a unit price column)"
              name="markup"
              value={d.markup}
              onInput={(markup) => setDraft({ markup })}
            />
          </div>
          <h3>Charge types</h3>
          <p class="muted small">The file's words for each, separated by commas. Any other word is refused by row.</p>
          <div class="grid">
            {CHARGE_KINDS.map((kind) => (
              <Field
                key={kind}
                label={`Words for ${kind}`}
                name={`words-${kind}`}
                value={d.words[kind]}
                onInput={(v) => setDraft({ words: { ...d.words, [kind]: v } })}
              />
            ))}
          </div>
          <div class="actions">
            <ActionButton action="changeSettings" onClick={() => void tryDraft()}>
              Read the first rows
            </ActionButton>
            <ActionButton action="changeSettings" disabled={!tried.value} onClick={() => void saveDraft(props.onSaved)}>
              Save profile
            </ActionButton>
          </div>
        </>
      )}
      {said && (
        <div class={`notice ${said.tone}`} role="status" data-testid="builder-said">
          {said.text}
        </div>
      )}
      <TriedRows />
    </section>
  );
}

/** The sample's first rows as the draft reads them, and any row it refuses. */
function TriedRows() {
  const t = tried.value;
  if (!t) return null;
  return (
    <div data-testid="profile-tried">
      <table class="list">
        <caption>
          {t.lines.length} of {t.rows} sample rows read
        </caption>
        <thead>
          <tr>
            <th>Line</th>
            <th>Customer</th>
            <th>Product</th>
            <th>Charge</th>
            <th class="num">Quantity</th>
            <th class="num">Amount</th>
          </tr>
        </thead>
        <tbody>
          {t.lines.map((l) => (
            <tr key={l.row}>
              <td>{l.row}</td>
              <td>{l.customer.name}</td>
              <td>{l.product.name}</td>
              <td>
                {l.chargeType} ({l.kind})
              </td>
              <td class="num">{l.quantity}</td>
              <td class="num">{money(l.amountCents, l.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {t.problems.length > 0 && (
        <ul class="problems" data-testid="profile-problems">
          {t.problems.map((p) => (
            <li key={`${p.row}-${p.column}`}>
              Line {p.row}, {p.column} {p.value ? `"${p.value}"` : ''}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

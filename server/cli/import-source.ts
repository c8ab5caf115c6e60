import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { tenantsByCompany } from '../../db/queries/tenants.ts';
import { formatMoney } from '../../shared/money.ts';
import {
  chooseSource,
  confirmPreview,
  fileSourcesOf,
  type ImportPreview,
  previewImport,
} from '../distributors/files/imports.ts';
import { refusedLines, totalLines } from '../distributors/files/preview.ts';
import { openRuntime } from '../runtime.ts';

/** The preview as the command prints it: the same counts and lists the pod shows. */
function printed(p: ImportPreview): string[] {
  const out = [
    `${p.fileName} (sha256 ${p.hash.slice(0, 12)}…), read as "${p.profile.name}" v${p.profile.version}`,
    `  ${p.rows} rows read, ${p.lines} usable, ${p.refused.rows} refused`,
    `  ${p.customers.count} customers (${p.customers.notMapped.length} not bound), ${p.products.count} products (${p.products.notMapped.length} not bound)`,
    ...totalLines(p.totals),
    ...refusedLines(p.refused.listed),
  ];
  if (p.alreadyImported) out.push('  This file is already imported: importing it again changes nothing.');
  if (p.revision) {
    out.push(`  Corrects ${p.revision.supersedes.map((s) => s.fileName).join(', ')}:`);
    for (const c of p.revision.changes)
      out.push(
        `    ${c.customer}, ${c.product}, ${c.chargeType} ${c.period}: ` +
          `${c.before ? `${c.before.quantity} · ${formatMoney(c.before.amountCents, c.currency)}` : 'none'} → ` +
          `${c.after ? `${c.after.quantity} · ${formatMoney(c.after.amountCents, c.currency)}` : 'none'}`,
      );
  }
  return out;
}

/**
 * Imports a file into a tenant's file source, named as it was connected: previewed, and with
 * `confirm` imported and written to the Log as the command line's. Answers the exit code.
 */
export async function importIntoSource(options: {
  company: string;
  source: string;
  file: string;
  profile?: string;
  confirm: boolean;
}): Promise<number> {
  const runtime = await openRuntime();
  try {
    const db = runtime.database.db;
    const [tenant] = await tenantsByCompany(db, options.company);
    if (!tenant) {
      process.stderr.write(`--company: no tenant "${options.company}"\n`);
      return 2;
    }
    const source = chooseSource(await fileSourcesOf(db, runtime.secrets, tenant.id), options.source);
    if (typeof source === 'string') {
      process.stderr.write(`--source: ${tenant.name} has ${source}\n`);
      return 2;
    }
    const deps = { db, secrets: runtime.secrets, now: () => runtime.clock.now().toJSDate() };
    const preview = await previewImport(deps, tenant.id, {
      source: source.key,
      fileName: basename(options.file),
      bytes: readFileSync(options.file),
      profileKey: options.profile ?? source.profile,
      by: 'command line',
    });
    process.stdout.write(`${printed(preview).join('\n')}\n`);
    if (preview.refused.count > 0) return 1;
    if (!preview.id) return 0;
    if (!options.confirm) {
      process.stdout.write('Nothing was imported: run it again with --confirm to import it.\n');
      return 0;
    }
    const done = await confirmPreview(deps, tenant.id, preview.id, {
      type: 'scheduled',
      memberId: null,
      name: 'command line (npm run import)',
    });
    process.stdout.write(
      `Imported into ${source.name}${done.supersedes.length > 0 ? ', replacing the file it corrects' : ''}.\n`,
    );
    return 0;
  } finally {
    await runtime.database.close();
  }
}

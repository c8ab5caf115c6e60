import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { previewLines } from '../distributors/files/preview.ts';
import { SHIPPED_PROFILES } from '../distributors/files/profile.ts';
import { readInvoiceFile } from '../distributors/files/read.ts';
import { importIntoSource } from './import-source.ts';

/** The largest file read: a month of a large partner's reconciliation file is well under it. */
const MAX_BYTES = 200 * 1024 * 1024;

/**
 * `npm run import -- --profile microsoft|generic FILE`: reads an invoice or usage file with a
 * column profile and prints its preview (rows read and refused by line and column, customers,
 * products, each currency's total). It stores nothing; exits 1 when any row is refused.
 *
 * `npm run import -- --company ID --source NAME [--profile KEY] [--confirm] FILE`: the same
 * into a tenant's file source, as the pod imports it: previewed (against what is imported and
 * bound already), and with `--confirm` imported and written to the Log.
 */
const { values, positionals } = parseArgs({
  options: {
    profile: { type: 'string' },
    company: { type: 'string' },
    source: { type: 'string' },
    confirm: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const file = positionals[0];
if (!file || !existsSync(file) || !statSync(file).isFile()) {
  process.stderr.write(`FILE: name the invoice or usage file to read (got "${file ?? ''}")\n`);
  process.exit(2);
}
if (statSync(file).size > MAX_BYTES) {
  process.stderr.write(`FILE: ${basename(file)} is larger than ${MAX_BYTES / 1024 / 1024} MB; split it by month\n`);
  process.exit(2);
}
if (values.source || values.company) {
  if (!values.source || !values.company) {
    process.stderr.write('--source and --company go together: the tenant, and the file source it connected\n');
    process.exit(2);
  }
  process.exitCode = await importIntoSource({
    company: values.company,
    source: values.source,
    file,
    profile: values.profile,
    confirm: values.confirm ?? false,
  });
  process.exit();
}
const profile = SHIPPED_PROFILES[values.profile ?? 'microsoft'];
if (!profile) {
  process.stderr.write(`--profile: use one of ${Object.keys(SHIPPED_PROFILES).join(', ')} (got "${values.profile}")\n`);
  process.exit(2);
}
const read = await readInvoiceFile(createReadStream(file), profile);
process.stdout.write(
  `${previewLines(read, `${basename(file)}, read as "${profile.name}"`).join('\n')}\nNothing was stored.\n`,
);
process.exitCode = read.problems.length > 0 ? 1 : 0;

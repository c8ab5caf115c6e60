import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { previewLines } from '../distributors/files/preview.ts';
import { type ColumnProfile, GENERIC_PROFILE, MICROSOFT_NCE_PROFILE } from '../distributors/files/profile.ts';
import { readInvoiceFile } from '../distributors/files/read.ts';

/** The profiles that ship, by the name the command takes. */
const PROFILES: Record<string, ColumnProfile> = { microsoft: MICROSOFT_NCE_PROFILE, generic: GENERIC_PROFILE };

/** The largest file read: a month of a large partner's reconciliation file is well under it. */
const MAX_BYTES = 200 * 1024 * 1024;

/**
 * `npm run import -- --profile microsoft|generic FILE`: reads an invoice or usage file with a
 * column profile and prints its preview (rows read and refused by line and column, customers,
 * products, each currency's total). It stores nothing; exits 1 when any row is refused.
 */
const { values, positionals } = parseArgs({
  options: { profile: { type: 'string', default: 'microsoft' } },
  allowPositionals: true,
});
const profile = PROFILES[values.profile ?? ''];
const file = positionals[0];
if (!profile) {
  process.stderr.write(`--profile: use one of ${Object.keys(PROFILES).join(', ')} (got "${values.profile}")\n`);
  process.exit(2);
}
if (!file || !existsSync(file) || !statSync(file).isFile()) {
  process.stderr.write(`FILE: name the invoice or usage file to read (got "${file ?? ''}")\n`);
  process.exit(2);
}
if (statSync(file).size > MAX_BYTES) {
  process.stderr.write(`FILE: ${basename(file)} is larger than ${MAX_BYTES / 1024 / 1024} MB; split it by month\n`);
  process.exit(2);
}
const read = await readInvoiceFile(createReadStream(file), profile);
process.stdout.write(
  `${previewLines(read, `${basename(file)}, read as "${profile.name}"`).join('\n')}\nNothing was stored.\n`,
);
process.exitCode = read.problems.length > 0 ? 1 : 0;

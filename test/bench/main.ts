import { parseArgs } from 'node:util';
import { benchArrears } from './arrears.ts';
import { benchEngine } from './engine.ts';
import { benchInvoiceFile } from './invoice-file.ts';
import { benchJob } from './job.ts';
import { benchMapping } from './mapping.ts';
import { benchPod } from './pod.ts';
import { benchReconcile } from './reconcile.ts';
import { type Figure, printFigures } from './report.ts';
import { benchScale } from './scale.ts';
import { benchVendorReads } from './vendor-reads.ts';

/**
 * `npm run bench [-- --concurrency 6 --strict]`: prints every figure with its target.
 * Machines here are shared and noisy, so a miss is reported, and fails the run only with --strict.
 */
const { values } = parseArgs({
  options: { concurrency: { type: 'string', default: '6' }, strict: { type: 'boolean', default: false } },
});
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write('--concurrency: use a whole number of at least 1\n');
  process.exit(1);
}

const all: Figure[] = [];
const section = async (title: string, run: () => Promise<Figure[]>) => {
  const figures = await run();
  printFigures(title, figures);
  all.push(...figures);
};

await section(`Vendor reads (50 ms latency, concurrency ${concurrency})`, () => benchVendorReads(concurrency));
await section('The pod in headless Chromium', benchPod);
await section('Mapping', benchMapping);
await section('Addition engine', benchEngine);
await section('Scheduled sync, 500 companies / 5,000 subscriptions, 50 ms latency', () => benchJob());
await section('Arrears job, 500 usage subscriptions (1,000 lines), 50 ms latency', () => benchArrears());
await section("Reconciliation: October's invoice, 5,000 subscriptions, 50 ms latency", benchReconcile);
await section("Invoice file: Microsoft's reconciliation file, 50,000 lines", benchInvoiceFile);
await section('Scale-out on Postgres: 200 tenants × 25 subscriptions, 50 ms latency', benchScale);

const missed = all.filter((f) => f.pass === false);
process.stdout.write(`\n${all.filter((f) => f.pass).length} targets met, ${missed.length} missed\n`);
if (values.strict && missed.length > 0) process.exit(1);

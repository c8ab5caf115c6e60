import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LAUNCHER } from '../helpers/process.ts';
import type { Figure } from './report.ts';

const LINES = 50_000;

/** A 50,000-line Microsoft reconciliation file read as a stream, in a process of its own. */
export async function benchInvoiceFile(): Promise<Figure[]> {
  const entry = fileURLToPath(new URL('./invoice-file-process.ts', import.meta.url));
  const child = spawn(process.execPath, [LAUNCHER, entry, String(LINES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  await new Promise((done) => child.once('exit', done));
  const r = JSON.parse(out) as {
    ms: number;
    rssMb: number;
    lines: number;
    problems: number;
    importMs: number;
    importRssMb: number;
    subscriptions: number;
    onPostgres: boolean;
  };
  const where = r.onPostgres ? 'Postgres' : 'PGlite, no Postgres reachable';
  // Every line is a subscription of its own: four in five billed by seat, the fifth by usage.
  const subscriptions = LINES;
  return [
    {
      name: 'lines read and checked',
      value: r.lines,
      unit: 'lines',
      target: `= ${LINES}, none refused`,
      pass: r.lines === LINES && r.problems === 0,
    },
    { name: 'read, checked and totalled: wall time', value: r.ms, unit: 'ms', target: '≤ 20000', pass: r.ms <= 20_000 },
    { name: 'peak memory of the reading process', value: r.rssMb, unit: 'MB', target: '≤ 300', pass: r.rssMb <= 300 },
    {
      name: `previewed, imported and read back as subscriptions (${where})`,
      value: r.importMs,
      unit: 'ms',
      target: `≤ 20000, ${subscriptions} subscriptions`,
      pass: r.importMs <= 20_000 && r.subscriptions === subscriptions,
    },
    {
      name: 'peak memory with the import',
      value: r.importRssMb,
      unit: 'MB',
      target: '≤ 300',
      pass: r.importRssMb <= 300,
    },
  ];
}

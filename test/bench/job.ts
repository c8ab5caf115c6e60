import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LAUNCHER } from '../helpers/process.ts';
import type { Figure } from './report.ts';

/** The scheduled-sync benchmark, run in job-process.ts so the memory measured is the sync's. */
export async function benchJob(budget = 1000): Promise<Figure[]> {
  const entry = fileURLToPath(new URL('./job-process.ts', import.meta.url));
  const child = spawn(process.execPath, [LAUNCHER, entry, String(budget)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the sync benchmark failed (exit ${code})`);
  const r = JSON.parse(out.trim().split('\n').at(-1)!);
  return [
    { name: `ConnectWise budget for these runs (database: ${r.driver})`, value: r.budget, unit: 'req/min' },
    {
      name: 'steady state: writes',
      value: r.steady.result.writes,
      unit: 'writes',
      target: '= 0',
      pass: r.steady.result.writes === 0,
    },
    {
      name: 'steady state: ConnectWise calls',
      value: r.steady.cw,
      unit: 'calls',
      target: `≤ ${r.minimum.cw} (paged reads)`,
      pass: r.steady.cw <= r.minimum.cw,
    },
    {
      name: 'steady state: Pax8 calls',
      value: r.steady.pax8,
      unit: 'calls',
      target: `≤ ${r.minimum.pax8} (paged reads)`,
      pass: r.steady.pax8 <= r.minimum.pax8,
    },
    { name: 'steady state: wall time', value: r.steady.ms, unit: 'ms', target: '≤ 60000', pass: r.steady.ms <= 60_000 },
    {
      name: `5% changed (${r.changed} subscriptions): writes`,
      value: r.busy.result.writes,
      unit: 'writes',
      target: `= ${r.seenByConnectWise} seen by ConnectWise`,
      pass: r.busy.result.writes === r.seenByConnectWise && r.busy.result.writes > 0,
    },
    {
      name: '5% changed: subscriptions written outside the changed ones',
      value: r.writtenOutsideChanged,
      unit: 'subs',
      target: '= 0',
      pass: r.writtenOutsideChanged === 0,
    },
    { name: '5% changed: left for a person (extra months, conflicts)', value: r.busy.result.needsReview, unit: 'subs' },
    { name: '5% changed: ConnectWise calls', value: r.busy.cw, unit: 'calls' },
    { name: '5% changed: Pax8 calls', value: r.busy.pax8, unit: 'calls' },
    { name: '5% changed: wall time', value: r.busy.ms, unit: 'ms', target: '≤ 60000', pass: r.busy.ms <= 60_000 },
    { name: 'peak memory of the sync process', value: r.peakMb, unit: 'MB', target: '≤ 300', pass: r.peakMb <= 300 },
    {
      name: `unsynced report API (${r.reportRows} rows), median of 20`,
      value: r.reportMs,
      unit: 'ms',
      target: '≤ 150',
      pass: r.reportMs <= 150,
    },
  ];
}

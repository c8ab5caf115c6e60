import { existsSync, readFileSync } from 'node:fs';

/** One measured figure and, where there is one, the target it is held to. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "≤ 27 calls". */
  target?: string;
  pass?: boolean;
}

export function printFigures(title: string, figures: Figure[]) {
  process.stdout.write(`\n${title}\n`);
  for (const f of figures) {
    const value = Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(1);
    const verdict = f.pass === undefined ? '' : f.pass ? '  PASS' : '  MISS';
    process.stdout.write(
      `  ${f.name.padEnd(52)} ${`${value} ${f.unit}`.padStart(14)}${f.target ? `   target ${f.target}` : ''}${verdict}\n`,
    );
  }
}

/**
 * Peak resident memory of this process so far, in MB. Not `maxRSS` where Linux says better: a
 * spawned process starts with its parent's high-water mark (the benchmark's, hundreds of MB),
 * while VmHWM counts only this program's memory since it started.
 */
export function peakRssMb(): number {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const kb = status.match(/^VmHWM:\s+(\d+) kB/m)?.[1];
  return kb ? Number(kb) / 1024 : process.resourceUsage().maxRSS / 1024;
}

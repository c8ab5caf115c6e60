import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LAUNCHER } from '../helpers/process.ts';

export interface BenchVendors {
  cw: string;
  cwSite: string;
  pax8: string;
  pax8Token: string;
  /** StreamOne Ion's base URL, its account, and a refresh token issued for the benchmark. */
  ion: string;
  ionAccount: string;
  ionRefreshToken: string;
  stop: () => void;
}

/** Starts sandbox-process.ts and waits for its URLs. */
export function startBenchVendors(
  latencyMs: number,
  world: 'reads' | 'job' | 'arrears' = 'reads',
): Promise<BenchVendors> {
  const entry = fileURLToPath(new URL('./sandbox-process.ts', import.meta.url));
  const child = spawn(process.execPath, [LAUNCHER, entry, String(latencyMs), world], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`benchmark sandbox exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      resolve({ ...(JSON.parse(line) as Omit<BenchVendors, 'stop'>), stop: () => child.kill('SIGTERM') });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

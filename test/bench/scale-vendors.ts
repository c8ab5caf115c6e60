import { createInterface } from 'node:readline';
import { type RunningSandboxes, startSandboxes } from '../../server/sandbox/start.ts';
import { benchVendorTenant } from './bench-tenant.ts';
import { BENCH_TODAY, jobBenchWorld, jobMappings } from './bench-world.ts';

/**
 * The scale-out benchmark's vendors: one small ConnectWise and Pax8 per tenant (25
 * subscriptions each), 50 ms latency, in a process of their own. ConnectWise bills one seat
 * too few on every fifth mapped subscription, so each run has writes to make. Prints the
 * tenants as one JSON line; on a line "report" on stdin, prints what each ConnectWise saw.
 * Arguments: tenants, latency (ms).
 */
const tenants = Number(process.argv[2] ?? 200);
const latencyMs = Number(process.argv[3] ?? 50);
const running: RunningSandboxes[] = [];
const out = [];
for (let i = 0; i < tenants; i++) {
  const world = jobBenchWorld({ companies: 3, subscriptions: 25, seed: 1000 + i });
  const mappings = jobMappings(world);
  mappings.forEach((m, n) => {
    if (n % 5 !== 0) return;
    const addition = world.cw.additions.find(
      (a) => a.agreementId === m.agreementId && a.product.id === m.catalogItemId,
    );
    if (addition && addition.quantity > 1) addition.quantity -= 1;
  });
  const s = await startSandboxes({
    today: BENCH_TODAY,
    world,
    latencyMs,
    cwRateLimitPerMinute: 1000,
    cwPort: 0,
  });
  running.push(s);
  out.push({
    ...benchVendorTenant(`Scale MSP ${i}`, world, {
      site: s.cw.url,
      pax8: s.pax8.baseUrl,
      pax8Token: s.pax8.tokenUrl,
    }),
    mappings,
  });
}
process.stdout.write(`${JSON.stringify(out)}\n`);

// The benchmark talks on stdin; when it goes away, so do these vendors.
process.stdin.on('end', () => process.exit(0));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'report') return;
  const report = running.map((s) => {
    const log = s.cw.control.log;
    const writes = log.filter((r) => r.method !== 'GET' && r.path.includes('/additions') && r.status < 300).length;
    const markers = s.world.cw.additions.map((a) => a.serialNumber).filter((m) => m?.startsWith('p8s:'));
    // The most requests ConnectWise saw from this tenant in any sliding minute.
    const times = log.map((r) => r.at).sort((a, b) => a - b);
    let maxPerMinute = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 60_000) j++;
      maxPerMinute = Math.max(maxPerMinute, i - j + 1);
    }
    return {
      writes,
      duplicates: markers.length - new Set(markers).size,
      maxPerMinute,
      refused: log.filter((r) => r.status === 429).length,
    };
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
});
process.on('SIGTERM', () => void Promise.all(running.map((s) => s.close())).then(() => process.exit(0)));

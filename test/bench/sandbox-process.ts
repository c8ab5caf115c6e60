import { startSandboxes } from '../../server/sandbox/start.ts';
import { arrearsBenchWorld } from './arrears-world.ts';
import { benchWorld, jobBenchWorld } from './bench-world.ts';

/**
 * The benchmark's vendors in a process of their own, so what is measured is the client and
 * not the sandbox sharing its thread. Prints its URLs as one JSON line, then serves until killed.
 */
const latencyMs = Number(process.argv[2] ?? 50);
const world =
  process.argv[3] === 'job' ? jobBenchWorld() : process.argv[3] === 'arrears' ? arrearsBenchWorld() : benchWorld();
// NOTE: Manage's own 1000/min limit is off here: these figures measure the client, not pacing.
const sandboxes = await startSandboxes({ today: world.today, world, latencyMs, cwRateLimitPerMinute: null });
process.stdout.write(
  `${JSON.stringify({
    cw: sandboxes.cw.url,
    cwSite: sandboxes.cw.site,
    pax8: sandboxes.pax8.baseUrl,
    pax8Token: sandboxes.pax8.tokenUrl,
    ion: sandboxes.ion.url,
    ionAccount: world.ion.accountId,
    ionRefreshToken: sandboxes.ion.issueRefreshToken(),
  })}\n`,
);
process.on('SIGTERM', () => void sandboxes.close().then(() => process.exit(0)));

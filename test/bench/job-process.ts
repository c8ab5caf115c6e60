import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { adjustmentLog, tenants } from '../../db/schema.ts';
import { createApp } from '../../server/app.ts';
import { pinnedDayClock } from '../../server/clock.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { createSharedPacer } from '../../server/jobs/budget.ts';
import { startEngine } from '../../server/jobs/engine.ts';
import { runTenantSync } from '../../server/jobs/run.ts';
import { syncJobs } from '../../server/jobs/sync-jobs.ts';
import { createLogger } from '../../server/logger.ts';
import { createVendors } from '../../server/tenants/vendors.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { LAUNCHER } from '../helpers/process.ts';
import { benchVendorTenant, setupBenchTenant } from './bench-tenant.ts';
import { BENCH_TODAY, jobBenchWorld, jobMappings } from './bench-world.ts';
import { peakRssMb } from './report.ts';
import { median, startBenchVendors } from './sandbox-handle.ts';

/**
 * The scheduled sync of a 500-company, 5,000-subscription tenant, in a process of its own so
 * its peak memory is the sync's: once in steady state, once with 5% of subscriptions changed.
 * Prints one JSON line of figures.
 */
const BUDGET = Number(process.argv[2] ?? 1000);
const vendors = await startBenchVendors(50, 'job');
try {
  const world = jobBenchWorld();
  // Postgres when the machine has one (TEST_DATABASE_URL), so the memory measured is the sync's own.
  const database = await createTestDatabase();
  const db = database.db;
  const key = randomBytes(32).toString('base64');
  const secrets = createSecretBox(Buffer.from(key, 'base64'));
  const mappings = jobMappings(world);
  const tenantId = await setupBenchTenant(
    db,
    secrets,
    benchVendorTenant('Bench MSP', world, { site: vendors.cw, pax8: vendors.pax8, pax8Token: vendors.pax8Token }),
    mappings,
  );
  const tenant = (await db.select().from(tenants).where(eq(tenants.id, tenantId)))[0]!;

  const calls = { cw: 0, pax8: 0 };
  const counted = createVendors({
    sandbox: true,
    now: () => new Date(),
    db,
    secrets,
    cw: { onRequest: () => calls.cw++ },
    distributors: { onRequest: () => calls.pax8++ },
  });
  const clock = pinnedDayClock(BENCH_TODAY);
  const deps = { db, vendors: counted, clock, logger: createLogger('error'), holder: 'bench', concurrency: 6 };
  const agreements = new Set(mappings.map((m) => m.agreementId)).size;
  // Bound companies with a subscription not mapped yet: their agreements are read, 150
  // companies a request, so each such subscription can say whether it could be mapped.
  const mapped = new Set(mappings.map((m) => m.subscriptionId));
  const bound = new Set(mappings.map((m) => m.distributorCompanyId));
  const waiting = new Set(
    world.pax8.subscriptions.filter((s) => bound.has(s.companyId) && !mapped.has(s.id)).map((s) => s.companyId),
  ).size;
  // Companies with a mapped commitment: their ConnectWise status is read, 150 a request, so a
  // commitment of an inactive company counts as unbilled.
  const committed = new Set(
    world.pax8.subscriptions.filter((s) => s.commitmentTerm && mapped.has(s.id)).map((s) => s.companyId),
  ).size;
  const minimum = {
    cw: 1 + Math.ceil(agreements / 150) + agreements + Math.ceil(waiting / 150) + Math.ceil(committed / 150),
    pax8: 1 + Math.ceil(world.pax8.subscriptions.length / 200),
  };

  // Each measured sync runs in a process of its own (over the same Postgres), so the memory
  // measured is the sync's, not this setup's; each starts with the budget's window to itself.
  const syncEntry = fileURLToPath(new URL('./job-sync.ts', import.meta.url));
  const measure = async (): Promise<{
    ms: number;
    cw: number;
    pax8: number;
    result: { writes: number; needsReview: number; runId: string };
    peakMb: number;
  }> => {
    if (!database.url) {
      // NOTE: PGlite cannot be shared between processes; measure in this one.
      calls.cw = 0;
      calls.pax8 = 0;
      const pacer = createSharedPacer(db, tenant.id, BUDGET);
      const started = performance.now();
      const result = (await runTenantSync({ ...deps, pacer: () => pacer }, tenant, {
        trigger: 'scheduled',
        requestedBy: 'benchmark',
      })) as never;
      return {
        ms: performance.now() - started,
        cw: calls.cw,
        pax8: calls.pax8,
        result,
        peakMb: peakRssMb(),
      };
    }
    const child = spawn(process.execPath, [LAUNCHER, syncEntry, database.url, tenant.id, key, String(BUDGET)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.on('exit', resolve));
    return JSON.parse(out.trim().split('\n').at(-1)!);
  };

  const steady = await measure();
  // 5% of subscriptions gain a seat today, in Pax8.
  const changed = world.pax8.subscriptions.filter((_, i) => i % 20 === 0);
  for (const s of changed) {
    await fetch(`${vendors.pax8.replace('/v1', '')}/__sandbox/subscriptions/${s.id}/quantity`, {
      method: 'POST',
      body: JSON.stringify({ quantity: s.quantity + 1, at: `${BENCH_TODAY}T08:00:00Z` }),
    });
  }
  const cwLog = async () =>
    (
      (await (await fetch(`http://${vendors.cwSite}/__sandbox/requests`)).json()) as {
        method: string;
        path: string;
        status: number;
      }[]
    ).filter((r) => r.method !== 'GET' && r.path.includes('/additions') && r.status < 300).length;
  const seenBefore = await cwLog();
  const busy = await measure();
  const seenByConnectWise = (await cwLog()) - seenBefore;
  const written = await db
    .selectDistinct({ id: adjustmentLog.subscriptionId })
    .from(adjustmentLog)
    .where(eq(adjustmentLog.syncRunId, (busy.result as { runId: string }).runId));
  const changedIds = new Set(changed.map((s) => s.id));
  const writtenOutsideChanged = written.filter((w) => !changedIds.has(w.id!)).length;

  // The unsynced report for the tenant, as a member sees it.
  const jobsEngine = await startEngine(database, createLogger('error'));
  const app = createApp({
    database,
    clock,
    logger: createLogger('error'),
    secrets,
    version: 'bench',
    sandbox: true,
    podDir: '/none',
    hostOrigins: async () => [],
    // The report reads; nothing here queues or schedules a job.
    jobs: syncJobs(jobsEngine, clock),
  });
  const login = (await (
    await fetch(`http://${vendors.cwSite}/${world.cw.codebase}login/login.aspx?response=json`, {
      method: 'POST',
      body: new URLSearchParams({ CompanyName: world.cw.companyId, UserName: 'jdoe', Password: 'sandbox' }),
    })
  ).json()) as { Hash: string };
  const session = (await (
    await app.request('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        site: vendors.cwSite,
        companyid: world.cw.companyId,
        memberid: 'jdoe',
        memberHash: login.Hash,
      }),
    })
  ).json()) as { token: string };
  const reportTimes: number[] = [];
  let reportRows = 0;
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    const res = await app.request('/api/reports/unsynced', { headers: { Authorization: `Bearer ${session.token}` } });
    reportRows = ((await res.json()) as { rows: unknown[] }).rows.length;
    if (i > 0) reportTimes.push(performance.now() - t);
  }
  process.stdout.write(
    `${JSON.stringify({
      budget: BUDGET,
      subscriptions: world.pax8.subscriptions.length,
      agreements,
      minimum,
      steady,
      busy,
      changed: changed.length,
      seenByConnectWise,
      writtenSubscriptions: written.length,
      writtenOutsideChanged,
      driver: database.driver,
      reportMs: median(reportTimes),
      reportRows,
      peakMb: Math.max(steady.peakMb, busy.peakMb),
    })}\n`,
  );
  await jobsEngine.stop({ graceful: false });
  await database.close();
} finally {
  vendors.stop();
}

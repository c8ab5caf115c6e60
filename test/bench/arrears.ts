import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { productMappings, tenants } from '../../db/schema.ts';
import { pinnedDayClock } from '../../server/clock.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { runTenantArrears } from '../../server/jobs/arrears.ts';
import { createSharedPacer } from '../../server/jobs/budget.ts';
import { createLogger } from '../../server/logger.ts';
import { createVendors } from '../../server/tenants/vendors.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { ARREARS_SUBSCRIPTIONS, ARREARS_TIERS, arrearsBenchWorld, arrearsMappings } from './arrears-world.ts';
import { benchVendorTenant, setupBenchTenant } from './bench-tenant.ts';
import { BENCH_TODAY } from './bench-world.ts';
import type { Figure } from './report.ts';
import { startBenchVendors } from './sandbox-handle.ts';

/**
 * The arrears job over 500 Proofpoint subscriptions (1,000 sub-product lines), 50 ms latency,
 * within a ConnectWise budget: the first month writes every line, a second run writes nothing
 * and reads no more than the page minimum allows, and a month where 5% of the lines changed
 * writes exactly those.
 */
export async function benchArrears(budget = 2000): Promise<Figure[]> {
  const vendors = await startBenchVendors(50, 'arrears');
  const database = await createTestDatabase();
  try {
    const world = arrearsBenchWorld();
    const db = database.db;
    const secrets = createSecretBox(randomBytes(32));
    const mappings = arrearsMappings(world);
    const tenantId = await setupBenchTenant(
      db,
      secrets,
      benchVendorTenant('Arrears MSP', world, { site: vendors.cw, pax8: vendors.pax8, pax8Token: vendors.pax8Token }),
      mappings,
    );
    const product = mappings[0]!.productId;
    await db.insert(productMappings).values(
      ARREARS_TIERS.map((t) => {
        const item = world.cw.catalog.find((i) => i.identifier === t.identifier)!;
        return {
          tenantId,
          distributor: 'pax8',
          distributorProductId: product,
          subProduct: t.name,
          distributorProductName: t.name,
          cwCatalogItemId: item.id,
          cwCatalogIdentifier: item.identifier,
        };
      }),
    );
    const tenant = (await db.select().from(tenants).where(eq(tenants.id, tenantId)))[0]!;
    const calls = { cw: 0, cwWrites: 0, pax8: 0 };
    const counted = createVendors({
      sandbox: true,
      now: () => new Date(),
      db,
      secrets,
      cw: { onRequest: (r) => void (r.method !== 'GET' ? calls.cwWrites++ : calls.cw++) },
      distributors: { onRequest: () => calls.pax8++ },
    });
    const deps = {
      db,
      vendors: counted,
      clock: pinnedDayClock(BENCH_TODAY),
      logger: createLogger('error'),
      concurrency: 6,
    };
    const run = async () => {
      Object.assign(calls, { cw: 0, cwWrites: 0, pax8: 0 });
      const pacer = createSharedPacer(db, tenantId, budget);
      const started = performance.now();
      const result = await runTenantArrears({ ...deps, pacer: () => pacer }, tenant, {
        trigger: 'scheduled',
        requestedBy: 'benchmark',
      });
      return { ...calls, ms: performance.now() - started, result };
    };
    const agreements = new Set(mappings.map((m) => m.agreementId)).size;
    const minimum = {
      cw: Math.ceil(agreements / 150) + agreements,
      // The token, the subscription pages, and per subscription its summaries and its one summary's lines.
      pax8: 1 + Math.ceil(world.pax8.subscriptions.length / 200) + ARREARS_SUBSCRIPTIONS * 2,
    };
    const first = await run();
    const steady = await run();
    // Pax8 recounts 5% of the subscriptions' Business endpoints for October's last day.
    const changed = mappings.filter((_, i) => i % 20 === 0);
    for (const m of changed)
      await fetch(`${vendors.pax8.replace('/v1', '')}/__sandbox/usage-lines`, {
        method: 'POST',
        body: JSON.stringify({
          subscriptionId: m.subscriptionId,
          productName: ARREARS_TIERS[0]!.name,
          usageDate: '2026-10-31',
          quantity: 90,
        }),
      });
    const busy = await run();
    // A run under a minute holds all its requests in one minute at most; a longer one is averaged.
    const perMinute = (r: { cw: number; cwWrites: number; ms: number }) =>
      Math.round(((r.cw + r.cwWrites) * 60_000) / Math.max(r.ms, 60_000));
    const lines = ARREARS_SUBSCRIPTIONS * ARREARS_TIERS.length;
    return [
      { name: `ConnectWise budget for these runs (database: ${database.driver})`, value: budget, unit: 'req/min' },
      {
        name: `first month: writes (${lines} lines)`,
        value: first.result.writes,
        unit: 'writes',
        target: `= ${lines}`,
        pass: first.result.writes === lines,
      },
      { name: 'first month: wall time', value: first.ms, unit: 'ms' },
      {
        name: 'second run: writes',
        value: steady.result.writes,
        unit: 'writes',
        target: '= 0',
        pass: steady.result.writes === 0,
      },
      {
        name: 'second run: Pax8 reads',
        value: steady.pax8,
        unit: 'calls',
        target: `≤ ${Math.floor(minimum.pax8 * 1.1)} (1.1 × ${minimum.pax8})`,
        pass: steady.pax8 <= minimum.pax8 * 1.1,
      },
      {
        name: 'second run: ConnectWise reads',
        value: steady.cw,
        unit: 'calls',
        target: `≤ ${Math.floor(minimum.cw * 1.1)} (1.1 × ${minimum.cw})`,
        pass: steady.cw <= minimum.cw * 1.1,
      },
      {
        name: `5% changed (${changed.length} lines): writes`,
        value: busy.result.writes,
        unit: 'writes',
        target: `= ${changed.length}`,
        pass: busy.result.writes === changed.length && busy.cwWrites === changed.length,
      },
      { name: '5% changed: wall time', value: busy.ms, unit: 'ms', target: '≤ 120000', pass: busy.ms <= 120_000 },
      {
        name: 'busiest run: ConnectWise requests a minute',
        value: Math.max(perMinute(first), perMinute(steady), perMinute(busy)),
        unit: 'req/min',
        target: `≤ ${budget}`,
        pass: Math.max(perMinute(first), perMinute(steady), perMinute(busy)) <= budget,
      },
    ];
  } finally {
    await database.close();
    vendors.stop();
  }
}

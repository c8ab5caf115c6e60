import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { tenants } from '../../db/schema.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { checkPeriod } from '../../server/reconcile/check.ts';
import { createVendors } from '../../server/tenants/vendors.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { benchVendorTenant, setupBenchTenant } from './bench-tenant.ts';
import { BENCH_TODAY, jobBenchWorld, jobMappings } from './bench-world.ts';
import type { Figure } from './report.ts';
import { startBenchVendors } from './sandbox-handle.ts';

/**
 * Reconciling October for the scheduled-sync tenant (500 companies, 5,000 subscriptions on one
 * Pax8 invoice), 50 ms latency: the wall time of a first check (every row new) and of a second
 * (rows unchanged), and ConnectWise reads against the minimum: agreements 150 a request, and
 * each agreement's additions once.
 */
export async function benchReconcile(): Promise<Figure[]> {
  const vendors = await startBenchVendors(50, 'job');
  const database = await createTestDatabase();
  try {
    const world = jobBenchWorld();
    const db = database.db;
    const secrets = createSecretBox(randomBytes(32));
    const mappings = jobMappings(world);
    const tenantId = await setupBenchTenant(
      db,
      secrets,
      benchVendorTenant('Reconcile MSP', world, { site: vendors.cw, pax8: vendors.pax8, pax8Token: vendors.pax8Token }),
      mappings,
    );
    const tenant = (await db.select().from(tenants).where(eq(tenants.id, tenantId)))[0]!;
    const calls = { cw: 0, pax8: 0 };
    const counted = createVendors({
      sandbox: true,
      now: () => new Date(),
      db,
      secrets,
      cw: { onRequest: () => void calls.cw++ },
      distributors: { onRequest: () => void calls.pax8++ },
    });
    const [connected] = await counted.distributors(tenant);
    const cw = counted.apiMemberCw(tenant);
    const run = async () => {
      Object.assign(calls, { cw: 0, pax8: 0 });
      const started = performance.now();
      const result = await checkPeriod(
        {
          db,
          tenant,
          cw,
          distributor: connected!.distributor,
          today: BENCH_TODAY,
          now: () => new Date(),
          actor: 'benchmark',
          concurrency: 6,
        },
        '2026-10',
      );
      return { ...calls, ms: performance.now() - started, rows: result.rows };
    };
    const first = await run();
    const second = await run();
    const agreements = new Set(first.rows.map((r) => r.cwAgreementId)).size;
    const minimum = Math.ceil(agreements / 150) + agreements;
    const lines = world.pax8.invoiceItems.filter((i) => i.type === 'subscription').length;
    const count = (s: string) => second.rows.filter((r) => r.status === s).length;
    return [
      {
        name: `invoice lines read (${lines} on Pax8's October invoice); rows reconciled`,
        value: first.rows.length,
        unit: 'rows',
        target: `= ${new Set(mappings.map((m) => m.subscriptionId)).size} mapped`,
        pass: first.rows.length === new Set(mappings.map((m) => m.subscriptionId)).size,
      },
      {
        name: 'first check: wall time (every row new)',
        value: first.ms,
        unit: 'ms',
        target: '≤ 60000',
        pass: first.ms <= 60_000,
      },
      {
        name: 'second check: wall time (rows unchanged)',
        value: second.ms,
        unit: 'ms',
        target: '≤ 30000',
        pass: second.ms <= 30_000,
      },
      {
        name: 'ConnectWise reads',
        value: second.cw,
        unit: 'calls',
        target: `≤ ${Math.floor(minimum * 1.1)} (1.1 × ${minimum})`,
        pass: first.cw <= minimum * 1.1 && second.cw <= minimum * 1.1,
      },
      { name: 'Pax8 reads', value: second.pax8, unit: 'calls' },
      {
        name: `statuses: reconciled / pending review / pending`,
        value: count('reconciled'),
        unit: `/ ${count('review')} / ${count('pending')}`,
      },
    ];
  } finally {
    await database.close();
    vendors.stop();
  }
}

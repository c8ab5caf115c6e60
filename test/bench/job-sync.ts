import { eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { tenants } from '../../db/schema.ts';
import { pinnedDayClock } from '../../server/clock.ts';
import { createSecretBox, parseSecretKey } from '../../server/crypto.ts';
import { createSharedPacer } from '../../server/jobs/budget.ts';
import { runTenantSync } from '../../server/jobs/run.ts';
import { createLogger } from '../../server/logger.ts';
import { createVendors } from '../../server/tenants/vendors.ts';
import { BENCH_TODAY } from './bench-world.ts';
import { peakRssMb } from './report.ts';

/**
 * One scheduled sync of the benchmark tenant and nothing else, so this process's peak memory
 * is the sync's. Arguments: database URL, tenant id, base64 key, budget per minute.
 */
const [url, tenantId, key, budget] = process.argv.slice(2) as [string, string, string, string];
const database = await openDatabase({ driver: 'postgres', url, max: 4 });
const [tenant] = await database.db.select().from(tenants).where(eq(tenants.id, tenantId));
const calls = { cw: 0, pax8: 0 };
const vendors = createVendors({
  sandbox: true,
  now: () => new Date(),
  db: database.db,
  secrets: createSecretBox(parseSecretKey(key)),
  cw: { onRequest: () => calls.cw++ },
  distributors: { onRequest: () => calls.pax8++ },
});
const pacer = createSharedPacer(database.db, tenantId, Number(budget));
const started = performance.now();
const result = await runTenantSync(
  {
    db: database.db,
    vendors,
    clock: pinnedDayClock(BENCH_TODAY),
    logger: createLogger('error'),
    pacer: () => pacer,
    concurrency: 6,
  },
  tenant!,
  { trigger: 'scheduled', requestedBy: 'benchmark' },
);
const ms = performance.now() - started;
await database.close();
process.stdout.write(`${JSON.stringify({ ms, cw: calls.cw, pax8: calls.pax8, result, peakMb: peakRssMb() })}\n`);

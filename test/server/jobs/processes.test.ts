import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustmentLog, syncRuns } from '../../../db/schema.ts';
import { pinnedDayClock } from '../../../server/clock.ts';
import { createSecretBox } from '../../../server/crypto.ts';
import { type Jobs, startJobs } from '../../../server/jobs/start.ts';
import { bootstrapSandboxTenant } from '../../../server/sandbox/bootstrap.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { createVendors } from '../../../server/tenants/vendors.ts';
import { createTestDatabase, type TestDatabase, testDriver } from '../../helpers/db.ts';
import { jobReaches } from '../../helpers/jobs.ts';
import { captureLogger } from '../../helpers/logger.ts';
import { runTs } from '../../helpers/process.ts';
import { SANDBOX_TODAY, setFaults, startTestSandboxes } from '../../helpers/sandbox.ts';

/**
 * Real worker processes on the real Postgres: the queue keeps one sync per tenant at a time
 * across them, and a worker killed mid-run leaves a job that another finishes without writing
 * anything twice. (PGlite is single-process by design.)
 */
describe.runIf(testDriver === 'postgres')('sync runs across server processes', () => {
  let s: RunningSandboxes;
  let database: TestDatabase;
  const key = randomBytes(32).toString('base64');
  const env = () => ({
    DATABASE_URL: database.url!,
    APP_SECRET_KEY: key,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'proc-')),
    LOG_LEVEL: 'error',
    // The workers live on the sandboxes' day, as this process does.
    SANDBOX_TODAY,
  });
  let tenantId: string;
  let jobs!: Jobs;
  const marked = () => s.world.cw.additions.filter((a) => a.serialNumber?.startsWith('p8s:'));

  beforeAll(async () => {
    [s, database] = await Promise.all([startTestSandboxes({ companies: 12, subscriptions: 60 }), createTestDatabase()]);
    const secrets = createSecretBox(Buffer.from(key, 'base64'));
    const { setup } = await bootstrapSandboxTenant(
      { now: () => new Date(), db: database.db, secrets },
      s,
      'http://localhost',
    );
    tenantId = setup.tenant.id;
    // Map every subscription whose product has a catalog item, and let the sync write everything.
    const { companyMappings, productMappings, serviceMappings, tenantSettings } = await import('../../../db/schema.ts');
    const w = s.world;
    for (const p of w.pax8.companies) {
      const cw = w.cw.companies.find((c) => c.name === p.name);
      if (!cw) continue;
      const [cm] = await database.db
        .insert(companyMappings)
        .values({
          tenantId,
          distributor: 'pax8',
          distributorCompanyId: p.id,
          distributorCompanyName: p.name,
          cwCompanyId: cw.id,
          cwCompanyName: cw.name,
        })
        .returning();
      const agreement = w.cw.agreements.find(
        (a) =>
          a.company.id === cw.id &&
          !a.cancelledFlag &&
          a.agreementStatus === 'Active' &&
          a.billingCycle.name === 'Monthly',
      )!;
      for (const sub of w.pax8.subscriptions.filter(
        (x) => x.companyId === p.id && x.billingTerm === 'Monthly' && x.price > 0,
      )) {
        const product = w.pax8.products.find((x) => x.id === sub.productId)!;
        const item = w.cw.catalog.find((i) => i.identifier === product.sku);
        if (!item) continue;
        const [pm] = await database.db
          .insert(productMappings)
          .values({
            tenantId,
            distributor: 'pax8',
            distributorProductId: product.id,
            distributorProductName: product.name,
            cwCatalogItemId: item.id,
            cwCatalogIdentifier: item.identifier,
          })
          .onConflictDoUpdate({
            target: [
              productMappings.tenantId,
              productMappings.distributor,
              productMappings.distributorProductId,
              productMappings.subProduct,
            ],
            set: { status: 'mapped' },
          })
          .returning();
        await database.db.insert(serviceMappings).values({
          tenantId,
          distributor: 'pax8',
          subscriptionId: sub.id,
          companyMappingId: cm!.id,
          productMappingId: pm!.id,
          cwAgreementId: agreement.id,
        });
      }
    }
    await database.db.insert(tenantSettings).values({
      tenantId,
      autoSync: true,
      unattendedKinds: ['increase', 'decrease', 'cancellation', 'prorate'],
      approvedBy: 'Jane Doe (jdoe)',
    });
    // This process only sends jobs and watches them; the workers are processes of their own.
    jobs = await startJobs({
      database,
      logger: captureLogger(),
      clock: pinnedDayClock(SANDBOX_TODAY),
      secrets,
      vendors: createVendors({
        sandbox: true,
        now: () => new Date(),
        db: database.db,
        secrets,
      }),
      budgetPerMinute: 600,
    });
  });
  afterAll(async () => {
    await jobs?.stop(1_000);
    await s?.close();
    await database?.close();
  });

  const worker = () => runTs('server/worker.ts', { ...env(), JOB_CONCURRENCY: '2' });
  const ready = async (w: ReturnType<typeof worker>) => {
    await w.waitFor(/worker ready/, 60_000);
    return w;
  };
  const send = (trigger: 'check' | 'command') =>
    jobs.sync.enqueue({ tenantId, trigger, requestedBy: 'command line' }).then((id) => id!);

  it('two workers never run one tenant at once: a second job waits for the first to end', async () => {
    await setFaults(s.cw.url, { latencyMs: 40, rules: [] });
    const workers = await Promise.all([ready(worker()), ready(worker())]);
    try {
      const first = await send('check');
      await jobReaches(jobs.boss, first, ['active']);
      const second = await send('check');
      await jobReaches(jobs.boss, second);
      const runs = (await database.db.select().from(syncRuns)).sort(
        (x, y) => x.startedAt.getTime() - y.startedAt.getTime(),
      );
      expect(runs.length).toBe(2);
      expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
      expect(runs[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await database.db.delete(syncRuns);
    }
  }, 120_000);

  it('a worker killed mid-run: another finishes the job within two minutes, writing nothing twice or missing', async () => {
    await setFaults(s.cw.url, { latencyMs: 150, rules: [] });
    const first = await ready(worker());
    const id = await send('command');
    // Let it write some additions, then kill it without warning.
    for (let i = 0; i < 300 && (await database.db.select().from(adjustmentLog)).length < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    const partial = marked().length;
    expect(partial).toBeGreaterThan(0);
    await setFaults(s.cw.url, { latencyMs: 0, rules: [] });

    const second = await ready(worker());
    try {
      const done = await jobReaches(jobs.boss, id, ['completed', 'failed'], 150_000);
      expect(done.state).toBe('completed');
      expect(Date.now() - killedAt).toBeLessThan(120_000);

      const keys = marked().map((m) => m.serialNumber);
      expect(new Set(keys).size).toBe(keys.length);
      const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.trigger, 'command'));
      expect(runs.map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
      const killed = runs.find((r) => r.status === 'failed')!;
      expect(killed.error).toMatch(/Interrupted/);
      // It ends, at the latest, when the run that took over began: the history shows no overlap.
      const retry = runs.find((r) => r.status === 'succeeded')!;
      expect(killed.finishedAt!.getTime()).toBeLessThanOrEqual(retry.startedAt.getTime());
      // What the killed run wrote before it died is in its history, not lost with it.
      expect(killed.writes).toBeGreaterThan(0);
      // Nothing is missing either: one more run finds nothing left to write.
      const again = await jobReaches(jobs.boss, await send('command'));
      expect(again.output).toMatchObject({ outcome: 'succeeded', writes: 0 });
      expect(marked().length).toBe(keys.length);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 240_000);
});

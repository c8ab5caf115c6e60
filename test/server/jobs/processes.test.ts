import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustmentLog, syncRuns } from '../../../db/schema.ts';
import { createSecretBox } from '../../../server/crypto.ts';
import { bootstrapSandboxTenant } from '../../../server/sandbox/bootstrap.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { createTestDatabase, type TestDatabase, testDriver } from '../../helpers/db.ts';
import { runTs } from '../../helpers/process.ts';
import { setFaults, startTestSandboxes } from '../../helpers/sandbox.ts';

/**
 * Real processes on the real Postgres: the lease must hold across them, and a process killed
 * mid-run must leave nothing that a restart writes twice. (PGlite is single-process by design.)
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
    SCHEDULER: 'false',
  });
  const marked = () => s.world.cw.additions.filter((a) => a.serialNumber?.startsWith('p8s:'));

  beforeAll(async () => {
    [s, database] = await Promise.all([startTestSandboxes({ companies: 12, subscriptions: 60 }), createTestDatabase()]);
    const secrets = createSecretBox(Buffer.from(key, 'base64'));
    const { setup } = await bootstrapSandboxTenant({ db: database.db, secrets }, s, 'http://localhost');
    const tenantId = setup.tenant.id;
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
  });
  afterAll(async () => {
    await s?.close();
    await database?.close();
  });

  it('two processes started together: one runs the tenant, the other is refused', async () => {
    await setFaults(s.cw.url, { latencyMs: 40, rules: [] });
    const a = runTs('server/cli/sync.ts', env(), ['--company', 'sandbox', '--check', '--holder', 'a']);
    const b = runTs('server/cli/sync.ts', env(), ['--company', 'sandbox', '--check', '--holder', 'b']);
    const codes = (await Promise.all([a.exited, b.exited])).sort();
    expect(codes).toEqual([0, 3]);
    expect(a.output() + b.output()).toMatch(/"status":"busy"/);
    expect((await database.db.select().from(syncRuns)).length).toBe(1);
  });

  it('a run killed mid-way and restarted writes nothing twice, and the killed run is accounted for', async () => {
    await setFaults(s.cw.url, { latencyMs: 150, rules: [] });
    const first = runTs('server/cli/sync.ts', env(), ['--company', 'sandbox', '--holder', 'first']);
    // Let it write some additions, then kill it without warning.
    for (let i = 0; i < 200 && (await database.db.select().from(adjustmentLog)).length < 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGKILL');
    await first.exited;
    const partial = marked().length;
    expect(partial).toBeGreaterThan(0);
    await setFaults(s.cw.url, { latencyMs: 0, rules: [] });

    // The killed run's lease runs out; the restart takes over once it has.
    const { syncLeases } = await import('../../../db/schema.ts');
    await database.db.update(syncLeases).set({ expiresAt: new Date(Date.now() - 1000) });
    const second = runTs('server/cli/sync.ts', env(), ['--company', 'sandbox', '--holder', 'second']);
    expect(await second.exited).toBe(0);

    const keys = marked().map((m) => m.serialNumber);
    expect(new Set(keys).size).toBe(keys.length);
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.trigger, 'command'));
    expect(runs.map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
    const killed = runs.find((r) => r.status === 'failed')!;
    expect(killed.error).toMatch(/Interrupted/);
    // What the killed run wrote before it died is in its history, not lost with it.
    expect(killed.writes).toBeGreaterThan(0);
    // A third run finds nothing left to write.
    const third = runTs('server/cli/sync.ts', env(), ['--company', 'sandbox', '--holder', 'third']);
    expect(await third.exited).toBe(0);
    expect(third.output()).toMatch(/"writes":0/);
  }, 120_000);
});

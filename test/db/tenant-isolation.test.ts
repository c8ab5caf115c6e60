import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as adjustments from '../../db/queries/adjustments.ts';
import * as budgets from '../../db/queries/budgets.ts';
import * as connections from '../../db/queries/connections.ts';
import * as imports from '../../db/queries/imports.ts';
import * as mappings from '../../db/queries/mappings.ts';
import * as notifications from '../../db/queries/notifications.ts';
import * as operations from '../../db/queries/operations.ts';
import * as reconciliations from '../../db/queries/reconciliations.ts';
import * as reports from '../../db/queries/reports.ts';
import * as runs from '../../db/queries/runs.ts';
import * as sessions from '../../db/queries/sessions.ts';
import * as settings from '../../db/queries/settings.ts';
import * as status from '../../db/queries/status.ts';
import * as usage from '../../db/queries/usage.ts';
import * as schema from '../../db/schema.ts';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../shared/schemas/notifications.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import {
  B_ONLY,
  rowsOf,
  rowsOfDistributor,
  type SeededIds,
  type SeedKeys,
  SHARED,
  seedTenantRows,
} from '../helpers/tenant-rows.ts';

/**
 * Two tenants hold rows with the very same natural keys (company, subscription, operation
 * key, agreement), and tenant B also holds rows only it has. Every tenant-scoped query in
 * db/queries is called for tenant A: it must see only A's rows, find nothing for B's own keys,
 * and leave every row of B as it was. Take the tenant filter out of any query and a test here
 * fails.
 */
let database: TestDatabase;
const db = () => database.db;
/** A paged read, gathered. */
async function gather<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of pages) all.push(item);
  return all;
}
const A = randomUUID();
const B = randomUUID();

/** A's Pax8 rows are what every scoped query asks for; B's, and A's StreamOne Ion rows, it must not reach. */
const SA = { tenantId: A, distributor: 'pax8' };
const SB = { tenantId: B, distributor: 'pax8' };

const ids: Record<string, SeededIds> = {};

async function seed(tenantId: string, k: SeedKeys, tag: string) {
  ids[tenantId] = { ...ids[tenantId], ...(await seedTenantRows(db(), tenantId, k, tag)) };
}

const rowsOfB = () => rowsOf(db(), B);
const rowsOfAIon = () => rowsOfDistributor(db(), A, 'ion');

let before: Awaited<ReturnType<typeof rowsOfB>>;
let beforeIon: Awaited<ReturnType<typeof rowsOfAIon>>;

beforeAll(async () => {
  database = await createTestDatabase();
  for (const [id, name] of [
    [B, 'B'],
    [A, 'A'],
  ] as const) {
    await db()
      .insert(schema.tenants)
      .values({ id, name, site: `${name.toLowerCase()}.example.com`, companyId: name, clientId: 'c' });
  }
  // B first, so a query without its tenant filter meets B's rows before A's.
  await seed(B, SHARED, 'B');
  await seed(B, B_ONLY, 'B');
  await seed(A, SHARED, 'A');
  // A buys from StreamOne Ion too, with the very same keys, and with keys only Ion has.
  await seedTenantRows(db(), A, SHARED, 'A-ion', 'ion');
  await seedTenantRows(db(), A, B_ONLY, 'A-ion', 'ion');
  // Rows that only a missing tenant filter could reach: B's request budget in the same window,
  // B's mapping that points at A's company, and A's status for a subscription only B maps.
  await db()
    .insert(schema.requestBudgets)
    .values({ tenantId: B, windowStart: new Date('2026-11-20T00:00:00Z'), used: 3 });
  await db().insert(schema.serviceMappings).values({
    tenantId: B,
    distributor: 'pax8',
    subscriptionId: 'sub-x',
    companyMappingId: ids[A]![SHARED.sub]!,
    cwAgreementId: 1,
    status: 'paused',
  });
  await db()
    .insert(schema.subscriptionStatus)
    .values({
      tenantId: A,
      distributor: 'pax8',
      subscriptionId: B_ONLY.sub,
      distributorCompanyId: SHARED.company,
      companyName: 'A',
      productName: 'A',
      billingTerm: 'Monthly',
      state: 'unmapped',
      checkedAt: new Date('2026-11-20T12:00:00Z'),
    });
  // B has possible over-billing on the agreement id both tenants use.
  await db()
    .insert(schema.subscriptionStatus)
    .values({
      tenantId: B,
      distributor: 'pax8',
      subscriptionId: `cw:${SHARED.agreement}:1`,
      distributorCompanyId: SHARED.company,
      companyName: 'B',
      productName: 'B',
      billingTerm: '',
      cwAgreementId: SHARED.agreement,
      state: 'over-billing',
      checkedAt: new Date('2026-11-20T12:00:00Z'),
    });
  // A's check failed; only B's connection has ever worked.
  await connections.recordChecks(db(), A, [
    { connection: 'pax8', action: 'test', ok: false, message: null, checkedBy: 'A' },
  ]);
  await connections.recordChecks(db(), B, [
    { connection: 'pax8', action: 'test', ok: true, message: null, checkedBy: 'B' },
  ]);
  before = await rowsOfB();
  beforeIon = await rowsOfAIon();
});
afterAll(async () => database?.close());

beforeEach(() => {
  expect(before).toBeDefined();
});

/** Rows of tenant A, and where a row belongs to a distributor, of A's Pax8 only. */
const onlyA = (rows: readonly { tenantId: string; distributor?: string | null }[]) => {
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.tenantId === A && r.distributor !== 'ion')).toBe(true);
};
/** Rows of tenant A, of any distributor: for work that spans them (settling a stopped run). */
const onlyTenantA = (rows: readonly { tenantId: string }[]) => {
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.every((r) => r.tenantId === A)).toBe(true);
};

describe("scoped reads see only their own tenant's rows, and of those only their distributor's", () => {
  it('mappings', async () => {
    onlyA(await mappings.listCompanyMappings(db(), SA));
    onlyA(await mappings.listProductMappings(db(), SA));
    onlyA(await mappings.listServiceMappings(db(), SA));
    expect((await mappings.companyMappingByCw(db(), SA, SHARED.cwCompany))?.tenantId).toBe(A);
    expect(await mappings.companyMappingByCw(db(), SA, B_ONLY.cwCompany)).toBeUndefined();
    expect(await mappings.companyMappingById(db(), SA, ids[B]![SHARED.sub]!)).toBeUndefined();
    expect((await mappings.companyMappingById(db(), SA, ids[A]![SHARED.sub]!))?.tenantId).toBe(A);
    expect((await mappings.companyMappingByDistributor(db(), SA, SHARED.company))?.tenantId).toBe(A);
    expect(await mappings.companyMappingByDistributor(db(), SA, B_ONLY.company)).toBeUndefined();
    expect(await mappings.countServiceMappings(db(), SA, ids[B]![B_ONLY.sub]!)).toBe(0);
    expect(await mappings.countServiceMappings(db(), SA, ids[A]![SHARED.sub]!)).toBe(1);
    onlyA(await mappings.serviceMappingsFor(db(), SA, [SHARED.sub, B_ONLY.sub]));
    expect(await mappings.serviceMappingFor(db(), SA, B_ONLY.sub)).toBeUndefined();
    expect((await mappings.serviceMappingFor(db(), SA, SHARED.sub))?.tenantId).toBe(A);
    onlyA(await mappings.productMappingsOf(db(), SA, SHARED.product));
    onlyA(await mappings.productBindingsWithSubProducts(db(), SA, SHARED.product));
    expect(await mappings.productBindingsWithSubProducts(db(), SA, B_ONLY.product)).toEqual([]);
    const settingsOf = await usage.usageSettingsFor(db(), SA, [SHARED.sub, B_ONLY.sub]);
    onlyA([...settingsOf.values()]);
    expect([...settingsOf.keys()]).toEqual([SHARED.sub]);
    expect(await mappings.productMappingsOf(db(), SA, B_ONLY.product)).toEqual([]);
    expect([...(await mappings.ignoredIds(db(), SA))]).toEqual([SHARED.sub]);
    // What A's other distributor bills, for lines two distributors might share: A's Ion, never B.
    const others = await mappings.otherDistributorsBilling(db(), SA);
    expect([...others.agreements.entries()].map(([id, d]) => [id, [...d]]).sort()).toEqual([
      [SHARED.agreement, ['ion']],
      [B_ONLY.agreement, ['ion']],
    ]);
    expect([...others.items.keys()]).toEqual([7]);
  });

  it('reconciliations and notifications', async () => {
    onlyA(await reconciliations.reconciliationsOf(db(), SA, '2026-10'));
    expect(await reconciliations.reconciliationsOf(db(), SA, '2026-10', [B_ONLY.sub])).toEqual([]);
    onlyTenantA(await reconciliations.reconciliationsBetween(db(), A, '2026-01', '2026-12'));
    onlyTenantA(await reconciliations.awaitingReview(db(), A));
    const mine = ids[A]![`reconciliation:${SHARED.sub}`]!;
    onlyTenantA(await reconciliations.eventsOf(db(), A, [mine, ids[B]![`reconciliation:${SHARED.sub}`]!]));
    const changes = await reconciliations.changesSince(db(), A, new Date(0));
    expect(changes.map((c) => c.companyName).sort()).toEqual(['Company A', 'Company A-ion', 'Company A-ion']);
    expect((await reconciliations.recurringBefore(db(), SA, [1, 2, 3], '2026-01-01')).size).toBe(0);
    expect((await notifications.getNotificationSettings(db(), A)).recipients).toEqual(['A@example.com']);
    expect((await notifications.recentDigests(db(), A)).map((d) => d.subject).sort()).toEqual(['A', 'A-ion', 'A-ion']);
    expect(await notifications.lastDigestAt(db(), A)).toEqual(new Date('2026-11-20T12:00:00Z'));
  });

  it('operations, statuses, reports, runs, settings and the log', async () => {
    onlyA(await operations.outstandingOperations(db(), SA));
    expect(await operations.outstandingOperations(db(), SA, [B_ONLY.sub])).toEqual([]);
    const ofA = await operations.operationsOf(db(), SA);
    onlyA([...ofA.outstanding, ...ofA.written, ...ofA.waived]);
    const ofB = await operations.operationsOf(db(), SA, [B_ONLY.sub]);
    expect([...ofB.outstanding, ...ofB.written, ...ofB.waived]).toEqual([]);
    const byKey = await operations.operationsByKey(db(), SA, [SHARED.op, B_ONLY.op]);
    expect([...byKey.values()].map((r) => r.tenantId)).toEqual([A]);
    onlyTenantA(await operations.operationsToSettle(db(), A, new Date('2026-11-30T00:00:00Z')));
    expect(
      await operations.operationsToSettle(db(), A, new Date('2026-11-30T00:00:00Z'), {
        distributor: 'pax8',
        opKeys: [B_ONLY.op],
      }),
    ).toEqual([]);
    expect(
      await operations.runOfOperation(
        db(),
        A,
        (await operations.operationsByKey(db(), SB, [SHARED.op])).get(SHARED.op)!.planId,
      ),
    ).toBeNull();
    onlyA(await status.statusesFor(db(), SA));
    for (const view of ['unsynced', 'linked', 'unlinked'] as const) onlyA(await reports.reportStatuses(db(), SA, view));
    expect((await reports.reportStatuses(db(), SA, 'linked')).map((r) => r.subscriptionId)).toEqual([SHARED.sub]);
    expect((await reports.reportStatuses(db(), SA, 'unlinked')).map((r) => r.subscriptionId)).toEqual([B_ONLY.sub]);
    onlyA(await reports.statusesOf(db(), SA, [SHARED.sub, B_ONLY.sub]));
    expect(await reports.statusesOf(db(), SA, ['sub-x'])).toEqual([]);
    onlyA(await reports.listIgnored(db(), SA));
    onlyA(await runs.recentRuns(db(), A));
    onlyA(await connections.recentChecks(db(), A));
    expect(await connections.lastSuccess(db(), A, 'pax8')).toBeNull();
    expect([...(await runs.runKinds(db(), A, [ids[B]![`run:${SHARED.sub}`]!])).keys()]).toEqual([]);
    expect((await settings.getSettings(db(), A)).schedule).toBe('0 0 * * *');
    const log = await adjustments.listAdjustments(db(), A, { distributor: 'pax8' });
    expect(log.map((l) => l.actorName)).toEqual(['A']);
    // The joined operation is A's own, not B's row with the same key.
    expect(log[0]!.opState).toBe('sending');
    // The whole Log is every distributor's, each entry joined only to its own distributor's operation.
    const all = await adjustments.listAdjustments(db(), A, {});
    expect(all.map((l) => `${l.actorName}:${l.distributor}`).sort()).toEqual(['A-ion:ion', 'A-ion:ion', 'A:pax8']);
    // A retry's names come from its own tenant's and distributor's entries for that key.
    expect(
      (await adjustments.namesForOperation(db(), { tenantId: A, distributor: 'ion' }, SHARED.op)).companyName,
    ).toBe('Company A-ion');
    expect((await adjustments.namesForOperation(db(), SA, SHARED.op)).companyName).not.toMatch(/B|ion/);
  });

  it('imported files, column profiles and commitments', async () => {
    const bPreview = ids[B]![`import:${B_ONLY.sub}`]!;
    const bImported = ids[B]![`imported:${B_ONLY.sub}`]!;
    onlyTenantA(await imports.listImports(db(), A));
    expect(await imports.getImport(db(), A, bPreview)).toBeUndefined();
    expect(await imports.partsKept(db(), A, bPreview)).toEqual([]);
    expect(await imports.partsKept(db(), B, bPreview)).toHaveLength(1);
    expect(await imports.importedWithHash(db(), A, `sha-B-${B_ONLY.sub}-imported`)).toBeUndefined();
    // A holds the same invoice key (its Ion rows): its own come back, never B's.
    onlyTenantA(await imports.importedForInvoices(db(), A, 'files', [`inv-${B_ONLY.sub}`]));
    expect(await imports.linesOfImports(db(), A, [bImported])).toEqual([]);
    const current = await gather(imports.currentImportedLines(db(), A, 'files'));
    expect(current.length).toBeGreaterThan(0);
    expect(current.every((l) => l.line.customer.name.startsWith('Company A'))).toBe(true);
    expect(await gather(imports.currentImportedLines(db(), A, 'files', { subscriptionId: B_ONLY.sub }))).toEqual(
      current.filter((l) => l.line.subscriptionId === B_ONLY.sub),
    );
    expect(await gather(imports.currentImportedLines(db(), A, 'files', { customerId: 'dc-none' }))).toEqual([]);
    onlyTenantA(await imports.latestProfiles(db(), A));
    expect(await imports.latestProfile(db(), A, `p-B-${B_ONLY.sub}`)).toBeUndefined();
    onlyA(await status.commitmentStatuses(db(), A, 'pax8'));
    const committed = await status.commitmentStatuses(db(), A);
    onlyTenantA(committed);
    expect(committed.every((c) => c.commitment!.why!.startsWith('A'))).toBe(true);
  });

  it("the last check time is the tenant's own", async () => {
    await db()
      .update(schema.subscriptionStatus)
      .set({ checkedAt: new Date('2026-11-29T00:00:00Z') })
      .where(eq(schema.subscriptionStatus.tenantId, B));
    const at = await reports.lastCheckedAt(db(), SA);
    await db()
      .update(schema.subscriptionStatus)
      .set({ checkedAt: new Date('2026-11-20T12:00:00Z') })
      .where(eq(schema.subscriptionStatus.tenantId, B));
    expect(at?.toISOString()).toBe('2026-11-20T12:00:00.000Z');
  });
});

describe('tenant-scoped writes leave every other tenant as it was', () => {
  it('change only A, whatever keys they are given', async () => {
    const d = db();
    const now = new Date('2026-11-21T00:00:00Z');
    await reconciliations.saveChecked(
      d,
      SA,
      '2026-10',
      [SHARED.sub, B_ONLY.sub].map((sub) => ({
        subscriptionId: sub,
        period: '2026-10',
        companyName: 'A',
        productName: 'A',
        status: 'rejected' as const,
        reason: 'checked by A',
        checkedAt: now,
      })),
      'A',
      now,
    );
    await reconciliations.decide(
      d,
      SA,
      [{ id: ids[B]![`reconciliation:${SHARED.sub}`]!, status: 'review', toStatus: 'rejected' }],
      { decision: 'rejected', by: 'A', note: 'A', at: now },
    );
    await notifications.saveNotificationSettings(
      d,
      A,
      { ...DEFAULT_NOTIFICATION_SETTINGS, recipients: [] },
      'A',
      new Date(),
    );
    await notifications.insertDigest(d, A, { trigger: 'test', recipients: [], subject: 'A', items: 0, emailed: false });
    // A tenant's daily digest claims its own day once; finishing it in another tenant's name changes nothing.
    const claimA = await notifications.claimDailyDigest(d, A, '2026-11-22', new Date());
    expect(claimA).not.toBeNull();
    expect(await notifications.claimDailyDigest(d, A, '2026-11-22', new Date())).toBeNull();
    await notifications.finishDigest(d, B, claimA!, {
      at: new Date(),
      recipients: [],
      subject: 'B',
      items: 0,
      emailed: false,
    });
    await notifications.finishDigest(d, A, claimA!, {
      at: new Date(),
      recipients: [],
      subject: 'A',
      items: 0,
      emailed: true,
    });
    const claimNow = { owner: 'me', now: new Date(), leaseUntil: new Date(Date.now() + 60_000) };
    await mappings.setDefaultAgreement(d, SA, ids[B]![SHARED.sub]!, 999, new Date());
    await mappings.setDefaultAgreement(d, SA, ids[A]![SHARED.sub]!, 999, new Date());
    expect((await mappings.companyMappingByDistributor(d, SA, SHARED.company))?.defaultAgreementId).toBe(999);
    await mappings.unbindCompany(d, SA, ids[B]![B_ONLY.sub]!, new Date());
    await mappings.unbindProduct(d, SA, ids[B]![`product:${B_ONLY.product}`]!, new Date());
    expect(
      await usage.setUsageSync(d, SA, ids[B]![`product:${SHARED.product}`]!, false, 'x', new Date()),
    ).toBeUndefined();
    expect(
      await usage.setProductMarkup(d, SA, ids[B]![`product:${SHARED.product}`]!, 500, 'x', new Date()),
    ).toBeUndefined();
    expect(
      (await usage.setUsageSync(d, SA, ids[A]![`product:${SHARED.product}`]!, false, 'x', new Date()))?.tenantId,
    ).toBe(A);
    expect(
      (await usage.setProductMarkup(d, SA, ids[A]![`product:${SHARED.product}`]!, 500, 'x', new Date()))?.tenantId,
    ).toBe(A);
    expect(
      (
        await usage.saveUsageSettings(d, SA, SHARED.sub, { markupBp: 1000 }, 'A', new Date(), {
          approved: true,
          label: 'x',
        })
      ).tenantId,
    ).toBe(A);
    await mappings.unmapService(d, SA, B_ONLY.sub);
    await operations.appendAdditionId(d, SA, SHARED.sub, 2, new Date());
    await operations.appendAdditionId(d, SA, B_ONLY.sub, 2, new Date());
    expect(await operations.claimOperation(d, SA, B_ONLY.op, ['sending'], claimNow)).toBeUndefined();
    const claimed = await operations.claimOperation(d, SA, SHARED.op, ['sending'], claimNow);
    expect(claimed?.tenantId).toBe(A);
    const bOp = (await operations.operationsByKey(d, SB, [SHARED.op])).get(SHARED.op)!;
    expect(await operations.renewOperationLease(d, A, bOp.id, 'me', new Date())).toBe(false);
    expect(await operations.renewOperationLease(d, A, claimed!.id, 'me', new Date(Date.now() + 60_000))).toBe(true);
    await operations.finishOperation(d, A, bOp.id, { state: 'confirmed' }, new Date());
    await operations.finishOperation(d, A, claimed!.id, { state: 'confirmed' }, new Date());
    const bFailed = (await operations.operationsByKey(d, SB, [`${SHARED.op}-failed`])).get(`${SHARED.op}-failed`)!;
    onlyA(await operations.waiveOperations(d, SA, [`${SHARED.op}-failed`], { by: 'A', at: new Date(), reason: 'r' }));
    onlyA(await operations.waivedOperations(d, SA));
    expect(await operations.waivedOperations(d, SA, [B_ONLY.sub])).toEqual([]);
    await operations.supersedeOperations(d, A, [bFailed.id], new Date());
    await operations.updateOperationRequest(
      d,
      A,
      bFailed.id,
      { method: 'PATCH', additionId: 1, patch: [] },
      new Date(),
    );
    onlyA(await operations.writtenOperations(d, SA));
    expect(await operations.writtenOperations(d, SA, [B_ONLY.sub])).toEqual([]);
    await reports.restoreSubscription(d, SA, B_ONLY.sub);
    await reports.restoreSubscription(d, SA, SHARED.sub);
    await reports.ignoreSubscription(d, SA, { subscriptionId: SHARED.sub, reason: null, by: 'A' });
    await runs.updateRun(d, A, ids[B]![`run:${SHARED.sub}`]!, { status: 'failed' });
    const aRun = randomUUID();
    await runs.insertRun(d, A, { id: aRun, trigger: 'manual', actor: 'A' });
    await runs.closeInterruptedRuns(d, A, aRun, new Date());
    await runs.countOnRun(d, A, ids[B]![`run:${SHARED.sub}`]!, { writes: 1 });
    await runs.countOnRun(d, A, aRun, { writes: 1 });
    expect((await runs.recentRuns(d, A)).find((r) => r.id === aRun)?.status).toBe('running');
    await connections.recordChecks(d, A, [
      { connection: 'pax8', action: 'rotate', ok: true, message: null, checkedBy: 'A' },
    ]);
    await status.dropOverBillingExcept(d, SA, SHARED.agreement, []);
    // Dropping what A's last check did not see leaves B's statuses alone.
    await status.dropUnseenStatuses(d, SA, new Date(Date.now() + 60_000));
    await status.saveStatuses(d, SA, [
      {
        subscriptionId: SHARED.sub,
        distributorCompanyId: SHARED.company,
        companyName: 'A',
        productName: 'A',
        billingTerm: 'Monthly',
        state: 'in-sync',
        checkedAt: new Date(),
      },
    ]);
    await settings.saveSettings(
      d,
      A,
      { ...(await settings.getSettings(d, A)), schedule: '1 1 * * *' },
      'A',
      new Date(),
    );
    await adjustments.insertAdjustment(d, A, {
      actorType: 'member',
      actorName: 'A',
      action: 'addition.create',
      requestSummary: {},
      outcome: 'success',
    });
    const planId = await operations.upsertPlan(d, SA, {
      planKey: `plan-${SHARED.sub}`,
      subscriptionId: SHARED.sub,
      cwAgreementId: SHARED.agreement,
      basis: 'b',
      confirmedBy: 'A',
    });
    const [aPlan] = await d.select().from(schema.syncPlans).where(eq(schema.syncPlans.id, planId));
    expect(aPlan?.tenantId).toBe(A);
    await operations.insertOperations(d, SA, [{ ...bOp, id: undefined, planId, opKey: SHARED.op }]);
    expect(await budgets.claimBudget(d, A, new Date('2026-11-20T00:00:00Z'), 2, 4)).toBe(2);
    // Unbinding and binding A's own company again pauses and resumes only A's mappings.
    await mappings.unbindCompany(d, SA, ids[A]![SHARED.sub]!, new Date());
    await mappings.bindCompany(
      d,
      SA,
      {
        distributorCompanyId: SHARED.company,
        distributorCompanyName: 'Company A',
        cwCompanyId: SHARED.cwCompany,
        cwCompanyName: 'CW A',
        by: 'A',
        agreementIds: [SHARED.agreement],
      },
      new Date(),
    );

    // A's own rows did change where asked...
    expect((await mappings.serviceMappingFor(d, SA, SHARED.sub))?.additionIds).toEqual([1, 2]);
    expect((await settings.getSettings(d, A)).schedule).toBe('1 1 * * *');
    await settings.recordSettingChange(d, {
      tenantId: A,
      subject: 'markup:x',
      label: 'Markup of X',
      changedBy: 'A',
      changedAt: new Date(),
      before: null,
      after: { markupBp: 1 },
    });
    expect(
      (await settings.settingsHistory(d, A)).filter((h) => h.subject === 'settings').map((h) => h.changedBy),
    ).toEqual(['A']);
    expect(await settings.settingsHistory(d, B)).toEqual([]);
    // ...and not one row of B, nor of A's other distributor, did.
    expect(await rowsOfB()).toEqual(before);
    expect(await rowsOfAIon()).toEqual(beforeIon);
  });

  it("imports for A never confirm, discard, expire or version B's", async () => {
    const d = db();
    const at = new Date('2026-11-21T00:00:00Z');
    const bPreview = ids[B]![`import:${B_ONLY.sub}`]!;
    expect(await imports.confirmImport(d, A, bPreview, { supersedes: [], by: 'A', at }, async () => {})).toBe(false);
    expect(await imports.discardImport(d, A, bPreview, 'A', at)).toBe(false);
    await imports.expireStalePreviews(d, A, new Date('2100-01-01T00:00:00Z'), at);
    const mine = await imports.insertPreviewedImport(d, A, {
      source: 'files',
      fileName: 'a.csv',
      hash: `sha-B-${B_ONLY.sub}`,
      profileKey: 'generic',
      profile: (await imports.latestProfiles(d, A))[0]!.profile,
      invoiceKeys: [`inv-${B_ONLY.sub}`],
      rows: 0,
      lines: 0,
      totals: [],
      uploadedBy: 'A',
      uploadedAt: at,
    });
    expect(mine.tenantId).toBe(A);
    const version = await imports.saveProfileVersion(d, A, `p-B-${B_ONLY.sub}`, mine.profile, 'A', at);
    expect(version).toMatchObject({ tenantId: A, version: 1 });
    expect(await rowsOfB()).toEqual(before);
  });

  it('binding and mapping for A never touch B, even on the same keys', async () => {
    const d = db();
    await mappings.bindCompany(
      d,
      SA,
      {
        distributorCompanyId: B_ONLY.company,
        distributorCompanyName: 'A copy',
        cwCompanyId: 300,
        cwCompanyName: 'A copy',
        by: 'A',
        agreementIds: [SHARED.agreement],
      },
      new Date(),
    );
    await mappings.bindProduct(
      d,
      SA,
      {
        distributorProductId: B_ONLY.product,
        subProduct: '',
        distributorProductName: 'A copy',
        cwCatalogItemId: 8,
        cwCatalogIdentifier: 'X',
        by: 'A',
      },
      new Date(),
    );
    await mappings.mapService(
      d,
      SA,
      {
        subscriptionId: B_ONLY.sub,
        companyMappingId: ids[A]![SHARED.sub]!,
        productMappingId: null,
        cwAgreementId: 700,
        by: 'A',
      },
      new Date(),
    );
    expect(await rowsOfB()).toEqual(before);
    expect(await rowsOfAIon()).toEqual(beforeIon);
  });
});

describe('sessions', () => {
  it("re-verifying or ending a session by id touches only the caller's tenant", async () => {
    const d = db();
    const [bSession] = await d.select().from(schema.memberSessions).where(eq(schema.memberSessions.tenantId, B));
    const rowsBefore = await rowsOfB();
    const none = { role: 'None', allowed: {} as never, reasons: {} };
    await sessions.recordVerification(d, A, bSession!.id, none, new Date());
    await sessions.endSession(d, A, bSession!.id, new Date(0));
    expect(await rowsOfB()).toEqual(rowsBefore);
    // The same calls under B's own tenant do change B's session.
    await sessions.endSession(d, B, bSession!.id, new Date(0));
    expect(await rowsOfB()).not.toEqual(rowsBefore);
  });
});

describe('coverage', () => {
  it('exercises every tenant-scoped query in db/queries', () => {
    const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
    const modules = {
      adjustments,
      budgets,
      connections,
      imports,
      mappings,
      notifications,
      operations,
      reconciliations,
      reports,
      runs,
      settings,
      status,
      usage,
    };
    const missing = Object.entries(modules).flatMap(([name, mod]) =>
      Object.entries(mod)
        .filter(([, v]) => typeof v === 'function')
        .map(([fn]) => `${name}.${fn}`)
        .filter((call) => !source.includes(`${call}(`)),
    );
    expect(missing).toEqual([]);
  });
});

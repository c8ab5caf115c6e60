import { randomUUID } from 'node:crypto';
import { and, eq, getTableName } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { GENERIC_PROFILE } from '../../server/distributors/files/profile.ts';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../shared/schemas/notifications.ts';

/**
 * Rows for one tenant in every tenant-scoped table, keyed so that two tenants can hold the very
 * same natural keys (company, subscription, operation key, agreement): a query or route that
 * forgets its tenant filter then meets the other tenant's rows.
 */
export const SHARED = { company: 'dc-1', cwCompany: 100, product: 'dp-1', sub: 'sub-1', agreement: 500, op: 'op-1' };
export const B_ONLY = { company: 'dc-b', cwCompany: 200, product: 'dp-b', sub: 'sub-b', agreement: 600, op: 'op-b' };
export type SeedKeys = typeof SHARED;

export const tenantScopedTables = (Object.values(schema) as unknown[]).filter(
  (t): t is PgTable => t instanceof PgTable && getTableName(t) !== 'tenants',
);

/** Ids of the rows a seed made: company mapping by subscription, product mapping, run. */
export type SeededIds = Record<string, string>;

export async function seedTenantRows(
  d: Database,
  tenantId: string,
  k: SeedKeys,
  tag: string,
  distributor = 'pax8',
): Promise<SeededIds> {
  const ids: SeededIds = {};
  const now = new Date('2026-11-20T12:00:00Z');
  const [company] = await d
    .insert(schema.companyMappings)
    .values({
      tenantId,
      distributor,
      distributorCompanyId: k.company,
      distributorCompanyName: `Company ${tag}`,
      cwCompanyId: k.cwCompany,
      cwCompanyName: `CW ${tag}`,
    })
    .returning();
  const [product] = await d
    .insert(schema.productMappings)
    .values({
      tenantId,
      distributor,
      distributorProductId: k.product,
      distributorProductName: `Product ${tag}`,
      cwCatalogItemId: 7,
    })
    .returning();
  await d.insert(schema.usageSettings).values({
    tenantId,
    distributor,
    subscriptionId: k.sub,
    option: 'usage-summary',
    thresholdCents: 100,
    updatedBy: tag,
  });
  await d.insert(schema.serviceMappings).values({
    tenantId,
    distributor,
    subscriptionId: k.sub,
    companyMappingId: company!.id,
    productMappingId: product!.id,
    cwAgreementId: k.agreement,
    additionIds: [1],
  });
  const runId = randomUUID();
  await d.insert(schema.syncRuns).values({ id: runId, tenantId, trigger: 'manual', actor: tag, status: 'running' });
  await d.insert(schema.adjustmentLog).values({
    tenantId,
    actorType: 'member',
    actorName: tag,
    action: 'addition.create',
    distributor,
    operationKey: k.op,
    companyName: `Company ${tag}`,
    productName: `Product ${tag}`,
    requestSummary: {},
    outcome: 'failure',
  });
  await d.insert(schema.ignoredSubscriptions).values({ tenantId, distributor, subscriptionId: k.sub, ignoredBy: tag });
  const [plan] = await d
    .insert(schema.syncPlans)
    .values({
      tenantId,
      distributor,
      planKey: `plan-${k.sub}`,
      subscriptionId: k.sub,
      cwAgreementId: k.agreement,
      basis: 'b',
      confirmedBy: tag,
      syncRunId: runId,
    })
    .returning();
  await d.insert(schema.syncOperations).values({
    tenantId,
    distributor,
    planId: plan!.id,
    opKey: k.op,
    seq: 0,
    type: 'create-prorate',
    kind: 'prorate',
    marker: `p8s:${k.op}`,
    subscriptionId: k.sub,
    cwAgreementId: k.agreement,
    additionId: 41,
    request: {
      method: 'POST',
      body: {
        product: { id: 7 },
        billCustomer: 'Billable',
        quantity: 1,
        unitPrice: 1,
        unitCost: 1,
        effectiveDate: '2026-12-01T00:00:00Z',
        cancelledDate: null,
        taxableFlag: true,
        invoiceDescription: tag,
        serialNumber: `p8s:${k.op}`,
      },
    },
    summary: {
      title: tag,
      reason: tag,
      quantity: 1,
      unitPrice: { cents: 100, derivation: '$1.00' },
      totalPrice: { cents: 100, derivation: '$1.00' },
      effectiveDate: '2026-12-01',
      cancelledDate: null,
    },
    state: 'sending',
    owner: 'me',
    leaseUntil: new Date('2026-11-01T00:01:00Z'),
    claimedAt: new Date('2026-11-01T00:00:00Z'),
  });
  // One operation in each other kind of state, under keys of their own.
  const base = (await d.select().from(schema.syncOperations).where(eq(schema.syncOperations.planId, plan!.id)))[0]!;
  for (const state of ['confirmed', 'failed'] as const)
    await d
      .insert(schema.syncOperations)
      .values({ ...base, id: undefined, opKey: `${k.op}-${state}`, state, owner: null });
  await d.insert(schema.subscriptionStatus).values({
    tenantId,
    distributor,
    subscriptionId: k.sub,
    distributorCompanyId: k.company,
    companyName: `Company ${tag}`,
    productName: `Product ${tag}`,
    billingTerm: 'Monthly',
    cwAgreementId: k.agreement,
    state: 'out-of-sync',
    // A commitment ConnectWise bills 3 of 5 seats of, past its window.
    commitment: {
      term: '1-Year',
      billingTerm: 'Monthly',
      endsOn: '2027-06-30',
      renewsOn: '2027-07-01',
      windowClosesAt: '2026-07-08T00:00:00.000Z',
      windowFrom: 'purchase',
      state: 'committed',
      closingSoon: false,
      seats: 5,
      cwSeats: 3,
      unbilledSeats: 2,
      unitCostCents: 1_000,
      periodsLeft: 8,
      atStakeCents: 16_000,
      renewalDue: false,
      changeBy: '2027-07-01T00:00:00.000Z',
      why: tag,
    },
    checkedAt: now,
  });
  await d
    .insert(schema.tenantSettings)
    .values({ tenantId, schedule: tag === 'B' ? '5 5 * * *' : '0 0 * * *' })
    .onConflictDoNothing();
  await d
    .insert(schema.memberSessions)
    .values({
      tenantId,
      tokenHash: `${tag}-${k.sub}`,
      memberId: tag,
      memberName: tag,
      memberHashEnc: 'x',
      permissions: { role: 'Admin', allowed: {} as never, reasons: {} },
      expiresAt: now,
    })
    .onConflictDoNothing();
  const [reconciliation] = await d
    .insert(schema.reconciliations)
    .values({
      tenantId,
      distributor,
      subscriptionId: k.sub,
      period: '2026-10',
      companyName: `Company ${tag}`,
      productName: `Product ${tag}`,
      cwAgreementId: k.agreement,
      status: 'review',
      reason: `Differs ${tag}`,
      checkedAt: now,
      statusChangedAt: now,
    })
    .returning({ id: schema.reconciliations.id });
  await d.insert(schema.reconciliationEvents).values({
    tenantId,
    reconciliationId: reconciliation!.id,
    at: now,
    actor: tag,
    fromStatus: null,
    toStatus: 'review',
  });
  await d
    .insert(schema.notificationSettings)
    .values({
      tenantId,
      settings: { ...DEFAULT_NOTIFICATION_SETTINGS, recipients: [`${tag}@example.com`] },
      updatedBy: tag,
    })
    .onConflictDoNothing();
  await d.insert(schema.digests).values({
    tenantId,
    at: now,
    trigger: 'daily',
    recipients: [`${tag}@example.com`],
    subject: tag,
    items: 1,
    emailed: true,
  });
  const upload = {
    tenantId,
    source: 'files',
    hash: `sha-${tag}-${k.sub}`,
    profileKey: 'generic',
    profile: GENERIC_PROFILE,
    invoiceKeys: [`inv-${k.sub}`],
    rows: 1,
    lines: 1,
    totals: [{ currency: 'USD', amountCents: 100, fileAmountCents: 100 }],
    uploadedBy: tag,
    uploadedAt: now,
  };
  const [preview] = await d
    .insert(schema.fileImports)
    .values({ ...upload, fileName: `${tag}-preview.csv`, state: 'previewed' })
    .returning();
  await d.insert(schema.fileImportParts).values({ importId: preview!.id, tenantId, part: 0, sealed: `sealed-${tag}` });
  const [imported] = await d
    .insert(schema.fileImports)
    .values({ ...upload, hash: `${upload.hash}-imported`, fileName: `${tag}.csv`, state: 'imported', decidedAt: now })
    .returning();
  await d.insert(schema.fileImportLines).values({
    importId: imported!.id,
    tenantId,
    row: 2,
    line: {
      row: 2,
      invoice: `inv-${k.sub}`,
      customer: { id: k.company, name: `Company ${tag}` },
      product: { id: k.product, name: `Product ${tag}` },
      subscriptionId: k.sub,
      chargeType: 'new',
      kind: 'new',
      quantity: '1',
      unitCostMicros: 1_000_000,
      billedUnitCostMicros: 1_000_000,
      billedUnitPriceMicros: 1_200_000,
      term: null,
      currency: 'USD',
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      amountCents: 100,
      priceAmountCents: 120,
      fileAmountCents: 100,
    },
  });
  await d
    .insert(schema.columnProfiles)
    .values({ tenantId, key: `p-${tag}-${k.sub}`, version: 1, profile: GENERIC_PROFILE, createdBy: tag });
  ids[`import:${k.sub}`] = preview!.id;
  ids[`imported:${k.sub}`] = imported!.id;
  ids[`reconciliation:${k.sub}`] = reconciliation!.id;
  ids[k.sub] = company!.id;
  ids[`product:${k.product}`] = product!.id;
  ids[`run:${k.sub}`] = runId;
  return ids;
}

/** Every row a tenant holds, in every tenant-scoped table, as comparable text. */
export async function rowsOf(d: Database, tenantId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tenantScopedTables) {
    const column = (table as unknown as { tenantId: Parameters<typeof eq>[0] }).tenantId;
    out[getTableName(table)] = (await d.select().from(table).where(eq(column, tenantId)))
      .map((r) => JSON.stringify(r))
      .sort();
  }
  return out;
}

/** Every row one distributor of a tenant holds, in every table whose rows belong to a distributor. */
export async function rowsOfDistributor(
  d: Database,
  tenantId: string,
  distributor: string,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tenantScopedTables) {
    const t = table as unknown as Record<string, Parameters<typeof eq>[0]>;
    if (!t.distributor) continue;
    out[getTableName(table)] = (
      await d
        .select()
        .from(table)
        .where(and(eq(t.tenantId!, tenantId), eq(t.distributor, distributor)))
    )
      .map((r) => JSON.stringify(r))
      .sort();
  }
  return out;
}

/** A second tenant, on its own site, that no signed-in member of the first can reach. */
export async function insertTenant(d: Database, name: string, id: string = randomUUID()): Promise<string> {
  await d
    .insert(schema.tenants)
    .values({ id, name, site: `${name.toLowerCase().replace(/\W/g, '')}.example.com`, companyId: name, clientId: 'c' });
  return id;
}

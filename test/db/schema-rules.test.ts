import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../db/errors.ts';
import { bindCompany } from '../../db/queries/mappings.ts';
import { appendAdditionId } from '../../db/queries/operations.ts';
import * as schema from '../../db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { insertTenant } from '../helpers/tenant-rows.ts';

let database: TestDatabase;
let tenantId: string;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
  tenantId = await insertTenant(db(), 'Rules MSP');
});
afterAll(async () => database?.close());

const bindTo = (distributorCompanyId: string, cwCompanyId: number) =>
  bindCompany(
    db(),
    { tenantId, distributor: 'pax8' },
    {
      distributorCompanyId,
      distributorCompanyName: distributorCompanyId,
      cwCompanyId,
      cwCompanyName: `CW ${cwCompanyId}`,
      by: 'test',
      agreementIds: [],
    },
    new Date(),
  );

describe('the schema states its rules', () => {
  it('binds a ConnectWise company to one distributor company at a time, even when two writers race', async () => {
    const results = await Promise.allSettled([bindTo('p-1', 42), bindTo('p-2', 42)]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(isUniqueViolation((failed[0] as PromiseRejectedResult).reason, 'company_mappings_cw_bound_uq')).toBe(true);
    // Once the first is unbound, the company can be bound again.
    await db()
      .update(schema.companyMappings)
      .set({ status: 'unmapped', cwCompanyId: null })
      .where(eq(schema.companyMappings.tenantId, tenantId));
    await expect(bindTo('p-2', 42)).resolves.toMatchObject({ status: 'mapped', cwCompanyId: 42 });
  });

  it('refuses a status the product does not know', async () => {
    const insert = db()
      .insert(schema.syncRuns)
      .values({
        id: randomUUID(),
        tenantId,
        trigger: 'manual',
        actor: 'x',
        status: 'exploded' as 'running',
      });
    const error = await insert.then(
      () => null,
      (e: Error & { cause?: { constraint?: string; constraint_name?: string; code?: string } }) => e.cause,
    );
    expect(error?.code).toBe('23514');
    expect(error?.constraint ?? error?.constraint_name).toBe('sync_runs_status_ck');
  });

  it('keeps only the newest addition ids of a subscription', async () => {
    const [company] = await db().select().from(schema.companyMappings).limit(1);
    await db().insert(schema.serviceMappings).values({
      tenantId,
      distributor: 'pax8',
      subscriptionId: 's-1',
      companyMappingId: company!.id,
      cwAgreementId: 1,
    });
    for (let id = 1; id <= 25; id++)
      await appendAdditionId(db(), { tenantId, distributor: 'pax8' }, 's-1', id, new Date());
    const [row] = await db()
      .select()
      .from(schema.serviceMappings)
      .where(eq(schema.serviceMappings.subscriptionId, 's-1'));
    expect(row!.additionIds).toEqual(Array.from({ length: schema.ADDITION_IDS_KEPT }, (_, i) => i + 6));
  });
});

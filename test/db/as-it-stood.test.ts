import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recurringBefore } from '../../db/queries/reconciliations.ts';
import * as schema from '../../db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { insertTenant } from '../helpers/tenant-rows.ts';

/**
 * How a recurring line stood in a month that has ended: what ConnectWise billed then, read from
 * when the sync changed it, whatever effective date the change carried.
 */
describe('a line as it stood in its month', () => {
  let database: TestDatabase;
  let tenantId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    tenantId = await insertTenant(database.db, 'As It Stood MSP');
  });
  afterAll(async () => database?.close());

  /** The sync's update of addition 77 from 61 to 64 seats, effective `effective`, made at `made`. */
  async function update(key: string, effective: string, made: string) {
    const [plan] = await database.db
      .insert(schema.syncPlans)
      .values({
        tenantId,
        distributor: 'pax8',
        planKey: `plan-${key}`,
        subscriptionId: 'sub-1',
        cwAgreementId: 500,
        basis: 'b',
        confirmedBy: 'Jane Doe (jdoe)',
      })
      .returning();
    await database.db.insert(schema.syncOperations).values({
      tenantId,
      distributor: 'pax8',
      planId: plan!.id,
      opKey: key,
      seq: 0,
      type: 'update-recurring',
      kind: 'increase' as never,
      marker: `p8s:${key}`,
      subscriptionId: 'sub-1',
      cwAgreementId: 500,
      additionId: 77,
      // The request is not what is read here; its shape is the writer's.
      request: { method: 'PATCH', additionId: 77, patch: [] } as never,
      summary: {
        title: 'Updating recurring addition',
        reason: '61 → 64',
        quantity: 64,
        unitPrice: { cents: 2500, derivation: '$25.00' },
        totalPrice: { cents: 160000, derivation: '$1,600.00' },
        effectiveDate: effective,
        cancelledDate: null,
        before: { quantity: 61, unitPrice: { cents: 2500, derivation: '$25.00' } },
      } as never,
      state: 'confirmed',
      updatedAt: new Date(made),
    });
  }
  const scope = () => ({ tenantId, distributor: 'pax8' });

  it('a change made after the month ended is undone for the month, though its effective date is inside it', async () => {
    // ConnectWise had not invoiced November on 12/06, so the sync's change took effect 11/01.
    await update('op-late', '2026-11-01', '2026-12-06T15:00:00Z');
    expect(await recurringBefore(database.db, scope(), [77], '2026-11-30')).toEqual(
      new Map([[77, { quantity: 61, unitPriceCents: 2500 }]]),
    );
  });

  it('a change made within the month is how the line stood at its end', async () => {
    await database.db.delete(schema.syncOperations).where(eq(schema.syncOperations.opKey, 'op-late'));
    await update('op-in-month', '2026-11-01', '2026-11-20T15:00:00Z');
    expect(await recurringBefore(database.db, scope(), [77], '2026-11-30')).toEqual(new Map());
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, signedIn } from '../../helpers/api.ts';
import { mapSubscription } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';
import { B_ONLY, insertTenant, rowsOf, type SeededIds, SHARED, seedTenantRows } from '../../helpers/tenant-rows.ts';

/**
 * A member of the demo tenant (A) calls every /api route that takes an id with the ids of
 * another tenant (B), whose rows sit in the same database. Each answers 404 and B's rows stay
 * exactly as they were.
 */
let stack: Stack;
let jdoe: Caller;
let B: string;
let b: SeededIds;
let before: Record<string, string[]>;

beforeAll(async () => {
  stack = await startStack();
  jdoe = await signedIn(stack, 'jdoe');
  // A has data of its own on the same routes, so a missing filter has something to confuse.
  await mapSubscription(stack, jdoe, 'Oxford Senior Living');
  B = await insertTenant(stack.database.db, 'Other MSP');
  b = {
    ...(await seedTenantRows(stack.database.db, B, SHARED, 'B')),
    ...(await seedTenantRows(stack.database.db, B, B_ONLY, 'B')),
  };
  before = await rowsOf(stack.database.db, B);
});
afterAll(async () => stack?.close());

describe("another tenant's ids", () => {
  const calls: [string, () => ReturnType<Caller>][] = [
    ['impact of its company mapping', () => jdoe('GET', `/company-mappings/${b[B_ONLY.sub]}/impact`)],
    ['unbinding its company', () => jdoe('DELETE', `/company-mappings/${b[B_ONLY.sub]}`)],
    [
      'its default agreement',
      () => jdoe('PUT', `/company-mappings/${b[B_ONLY.sub]}/default-agreement`, { agreementId: SHARED.agreement }),
    ],
    ['unbinding its product', () => jdoe('DELETE', `/product-mappings/${b[`product:${B_ONLY.product}`]}`)],
    ['retrying its operation', () => jdoe('POST', `/operations/${B_ONLY.op}/retry`)],
    ['planning its subscription', () => jdoe('GET', `/subscriptions/${B_ONLY.sub}/plan`)],
    [
      'confirming a plan for its subscription',
      () => jdoe('POST', '/plans/confirm', { subscriptionId: B_ONLY.sub, basis: 'x', recurring: 'update', edits: {} }),
    ],
    ['hiding its subscription', () => jdoe('POST', `/subscriptions/${B_ONLY.sub}/ignore`, {})],
    ['showing its subscription again', () => jdoe('DELETE', `/subscriptions/${B_ONLY.sub}/ignore`)],
    [
      'mapping its subscription',
      () => jdoe('PUT', '/service-mappings', { subscriptionId: B_ONLY.sub, cwAgreementId: SHARED.agreement }),
    ],
    ['unmapping its subscription', () => jdoe('DELETE', `/service-mappings/${B_ONLY.sub}`)],
    [
      'binding its distributor company',
      () => jdoe('POST', '/company-mappings', { distributorCompanyId: B_ONLY.company, cwCompanyId: 19300 }),
    ],
    [
      'binding its distributor product',
      () => jdoe('POST', '/product-mappings', { distributorProductId: B_ONLY.product, cwCatalogItemId: 1 }),
    ],
    ['confirming its file import', () => jdoe('POST', `/imports/${b[`import:${B_ONLY.sub}`]}/confirm`)],
    ['discarding its file import', () => jdoe('POST', `/imports/${b[`import:${B_ONLY.sub}`]}/discard`)],
  ];

  for (const [name, call] of calls) {
    it(`${name}: 404, and nothing of it changes`, async () => {
      const res = await call();
      expect({ status: res.status, message: res.body.message }).toMatchObject({ status: 404 });
      expect(await rowsOf(stack.database.db, B)).toEqual(before);
    });
  }

  it('lists none of its rows', async () => {
    const log = await jdoe('GET', '/adjustments');
    expect(log.body.some((l) => l.actorName === 'B')).toBe(false);
    expect(JSON.stringify((await jdoe('GET', '/imports')).body)).not.toContain('B.csv');
    expect(JSON.stringify((await jdoe('GET', '/import-profiles')).body)).not.toContain(`p-B-${B_ONLY.sub}`);
    const runs = await jdoe('GET', '/sync/runs');
    expect(runs.body.some((r) => r.actor === 'B')).toBe(false);
    for (const view of ['unsynced', 'linked', 'unlinked'] as const) {
      const report = await jdoe('GET', `/reports/${view}`);
      expect(report.body.rows.some((r) => r.companyName === 'Company B')).toBe(false);
    }
    const settings = await jdoe('GET', '/settings');
    expect(settings.body.schedule).not.toBe('5 5 * * *');
    expect(await rowsOf(stack.database.db, B)).toEqual(before);
  });
});

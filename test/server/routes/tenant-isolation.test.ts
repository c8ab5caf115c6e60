import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, type Call, type Caller, signedIn } from '../../helpers/api.ts';
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
  const calls: [string, () => Promise<Call>][] = [
    [
      'impact of its company mapping',
      () => answer(jdoe['company-mappings'][':id'].impact.$get({ param: { id: String(b[B_ONLY.sub]) } })),
    ],
    [
      'unbinding its company',
      () => answer(jdoe['company-mappings'][':id'].$delete({ param: { id: String(b[B_ONLY.sub]) } })),
    ],
    [
      'its default agreement',
      () =>
        answer(
          jdoe['company-mappings'][':id']['default-agreement'].$put({
            param: { id: String(b[B_ONLY.sub]) },
            json: { agreementId: SHARED.agreement },
          }),
        ),
    ],
    [
      'unbinding its product',
      () => answer(jdoe['product-mappings'][':id'].$delete({ param: { id: String(b[`product:${B_ONLY.product}`]) } })),
    ],
    ['retrying its operation', () => answer(jdoe.operations[':key'].retry.$post({ param: { key: B_ONLY.op } }))],
    [
      'planning its subscription',
      () => answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: B_ONLY.sub }, query: {} })),
    ],
    [
      'confirming a plan for its subscription',
      () =>
        answer(
          jdoe.plans.confirm.$post({
            json: { subscriptionId: B_ONLY.sub, basis: 'x', recurring: 'update', edits: {} },
          }),
        ),
    ],
    [
      'hiding its subscription',
      () => answer(jdoe.subscriptions[':id'].ignore.$post({ param: { id: B_ONLY.sub }, json: {} })),
    ],
    [
      'showing its subscription again',
      () => answer(jdoe.subscriptions[':id'].ignore.$delete({ param: { id: B_ONLY.sub } })),
    ],
    [
      'mapping its subscription',
      () =>
        answer(
          jdoe['service-mappings'].$put({ json: { subscriptionId: B_ONLY.sub, cwAgreementId: SHARED.agreement } }),
        ),
    ],
    [
      'unmapping its subscription',
      () => answer(jdoe['service-mappings'][':subscriptionId'].$delete({ param: { subscriptionId: B_ONLY.sub } })),
    ],
    [
      'binding its distributor company',
      () =>
        answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: B_ONLY.company, cwCompanyId: 19300 } })),
    ],
    [
      'binding its distributor product',
      () =>
        answer(jdoe['product-mappings'].$post({ json: { distributorProductId: B_ONLY.product, cwCatalogItemId: 1 } })),
    ],
    [
      'confirming its file import',
      () => answer(jdoe.imports[':id'].confirm.$post({ param: { id: String(b[`import:${B_ONLY.sub}`]) } })),
    ],
    [
      'discarding its file import',
      () => answer(jdoe.imports[':id'].discard.$post({ param: { id: String(b[`import:${B_ONLY.sub}`]) } })),
    ],
  ];

  for (const [name, call] of calls) {
    it(`${name}: 404, and nothing of it changes`, async () => {
      const res = await call();
      expect({ status: res.status, message: res.body.message }).toMatchObject({ status: 404 });
      expect(await rowsOf(stack.database.db, B)).toEqual(before);
    });
  }

  it('lists none of its rows', async () => {
    const log = await answer(jdoe.adjustments.$get({ query: {} }));
    expect(log.body.some((l) => l.actorName === 'B')).toBe(false);
    expect(JSON.stringify((await answer(jdoe.imports.$get())).body)).not.toContain('B.csv');
    expect(JSON.stringify((await answer(jdoe['import-profiles'].$get())).body)).not.toContain(`p-B-${B_ONLY.sub}`);
    const runs = await answer(jdoe.sync.runs.$get());
    expect(runs.body.some((r) => r.actor === 'B')).toBe(false);
    for (const view of ['unsynced', 'linked', 'unlinked'] as const) {
      const report = await answer(jdoe.reports[':view'].$get({ param: { view } }));
      expect(report.body.rows.some((r) => r.companyName === 'Company B')).toBe(false);
    }
    const settings = await answer(jdoe.settings.$get());
    expect(settings.body.schedule).not.toBe('5 5 * * *');
    expect(await rowsOf(stack.database.db, B)).toEqual(before);
  });
});

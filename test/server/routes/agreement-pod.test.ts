import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedDayClock } from '../../../server/clock.ts';
import type { Pax8SubscriptionRecord } from '../../../server/sandbox/world.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { SANDBOX_TODAY } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

let stack: Stack;
let jdoe: Caller;
const world = () => stack.sandboxes.world;
const ids: Record<string, string> = {};
let agreementId: number;
/** The product's clock, moved on by the tests that need time to pass instead of waiting for it. */
const day = pinnedDayClock(SANDBOX_TODAY);
let later = 0;
const clock = { now: () => day.now().plus({ milliseconds: later }) };

/**
 * Ace Chemical's agreement bills one product for six subscriptions, each in a different
 * state: an increase, a decrease, a cancellation, a new subscription, a hand-edited addition,
 * and one in sync.
 */
beforeAll(async () => {
  stack = await startStack({ clock });
  jdoe = await signedIn(stack, 'jdoe');
  const w = world();
  const pax8 = w.pax8.companies.find((c) => c.name === 'Ace Chemical Processing Plant')!;
  const cw = w.cw.companies.find((c) => c.name === 'Ace Chemical Processing Plant')!;
  const agreement = w.cw.agreements.find(
    (a) => a.company.id === cw.id && !a.cancelledFlag && a.billingCycle.name === 'Monthly',
  )!;
  agreementId = agreement.id;
  await answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: cw.id } }));
  const template = w.pax8.subscriptions[0]!;
  const template2 = w.cw.additions[0]!;
  // One catalog item per subscription, so each has its own current addition.
  const scenarios: [name: string, cw: number | null, pax8: number, extra?: Partial<Pax8SubscriptionRecord>][] = [
    ['increase', 3, 5],
    ['decrease', 5, 3],
    ['cancellation', 2, 2, { status: 'Cancelled', endDate: '2026-11-15T00:00:00Z' }],
    ['new', null, 4],
    ['hand-edited', 9, 6],
    ['in-sync', 7, 7],
  ];
  for (const [i, [name, cwQty, pax8Qty, extra]] of scenarios.entries()) {
    const product = { ...w.pax8.products[0]!, id: `product-${name}`, name: `Product ${name}`, sku: `SKU-${name}` };
    w.pax8.products.push(product);
    const item = {
      ...w.cw.catalog[0]!,
      id: 50_000 + i,
      identifier: `SKU-${name}`,
      description: `Product ${name}`,
      productClass: 'Service' as const,
    };
    w.cw.catalog.push(item);
    const sub: Pax8SubscriptionRecord = {
      ...template,
      id: `sub-${name}`,
      companyId: pax8.id,
      productId: product.id,
      productName: product.name,
      quantity: pax8Qty,
      price: 10,
      partnerCost: 8,
      billingTerm: 'Monthly',
      status: 'Active',
      endDate: null,
      commitmentTerm: null,
      startDate: '2026-08-01T00:00:00Z',
      updatedDate: '2026-11-09T12:00:00Z',
      ...extra,
    };
    w.pax8.subscriptions.push(sub);
    w.pax8.history[sub.id] = [
      { ...sub, quantity: cwQty ?? pax8Qty, updatedDate: '2026-08-01T00:00:00Z' },
      { ...sub, updatedDate: '2026-11-09T12:00:00Z' },
    ];
    ids[name] = sub.id;
    await answer(
      jdoe['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
    );
    await answer(jdoe['service-mappings'].$put({ json: { subscriptionId: sub.id, cwAgreementId: agreement.id } }));
    if (cwQty !== null) {
      w.cw.additions.push({
        ...template2,
        id: 60_000 + i,
        agreementId: agreement.id,
        product: { id: item.id, identifier: item.identifier, name: item.description },
        quantity: cwQty,
        unitPrice: 10,
        unitCost: 8,
        effectiveDate: '2026-09-01T00:00:00Z',
        cancelledDate: null,
        serialNumber: name === 'hand-edited' ? 'p8s:handedited0001' : null,
        _info: { lastUpdated: '2026-11-20T10:00:00Z', updatedBy: 'kpark' },
      });
    }
  }
});
afterAll(async () => stack?.close());

describe('the agreement pod', () => {
  it('lists exactly the subscriptions that differ, with quantities, the monthly difference, and since when', async () => {
    const res = await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }));
    expect(res.status).toBe(200);
    const ours = res.body.rows.filter((r) => Object.values(ids).includes(r.subscriptionId));
    const by = (name: string) => ours.find((r) => r.subscriptionId === ids[name]);
    expect(ours.map((r) => r.subscriptionId).sort()).toEqual(
      [ids.increase, ids.decrease, ids.cancellation, ids.new, ids['hand-edited']].sort(),
    );
    expect(by('increase')).toMatchObject({ cwQuantity: 3, distributorQuantity: 5, monthlyDifference: 2000 });
    expect(by('decrease')).toMatchObject({ cwQuantity: 5, distributorQuantity: 3, monthlyDifference: -2000 });
    expect(by('new')).toMatchObject({ cwQuantity: 0, distributorQuantity: 4, monthlyDifference: 4000 });
    expect(by('cancellation')).toMatchObject({ state: 'out-of-sync', reason: expect.stringMatching(/Cancelling/) });
    expect(by('hand-edited')).toMatchObject({ cwQuantity: 9, distributorQuantity: 6 });
    for (const r of ours) expect(r.outOfSyncSince).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('puts what can be synced first and the most money at risk on top; unmapped rows show what they would bill', async () => {
    const { rows } = (await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }))).body;
    const order = ['out-of-sync', 'needs-review', 'unmapped'];
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      const rank = (r: typeof a) => order.indexOf(r.state);
      expect(rank(a)).toBeLessThanOrEqual(rank(b));
      if (rank(a) === rank(b))
        expect(Math.abs(a.monthlyDifference ?? 0)).toBeGreaterThanOrEqual(Math.abs(b.monthlyDifference ?? 0));
    }
    const world = stack.sandboxes.world.pax8;
    const unmapped = rows.filter((r) => r.state === 'unmapped');
    expect(unmapped.length).toBeGreaterThan(0);
    for (const r of unmapped) {
      const sub = world.subscriptions.find((s) => s.id === r.subscriptionId)!;
      if (sub.status === 'Active' && sub.price > 0)
        expect(r.monthlyDifference).toBe(Math.round(sub.price * 100) * sub.quantity);
    }
  });

  it('keeps the first time it saw each one out of sync', async () => {
    const first = (await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }))).body
      .rows;
    later += 60_000;
    const second = (await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }))).body
      .rows;
    for (const r of second)
      expect(r.outOfSyncSince).toBe(first.find((f) => f.subscriptionId === r.subscriptionId)!.outOfSyncSince);
  });

  it('drops an ignored one, and says when nothing differs', async () => {
    await answer(jdoe.subscriptions[':id'].ignore.$post({ param: { id: String(ids.decrease) }, json: {} }));
    const rows = (await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(agreementId) } }))).body.rows;
    expect(rows.some((r) => r.subscriptionId === ids.decrease)).toBe(false);
    const other = world().cw.agreements.find((a) => a.company.name === 'Tampa Office Supply')!;
    expect((await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(other.id) } }))).body).toEqual({
      bound: false,
      rows: [],
      usage: [],
      inSync: 0,
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdOf } from '../../../server/distributors/ion/transform.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * StreamOne Ion as TD SYNNEX's own SDK and sample answers show it, end to end through the API:
 * subscriptions paged by limit and offset, a customer known only by its name path, a price
 * with seven decimals, and a subscription in SEK, the partner account's currency there.
 */
describe('StreamOne Ion as its API really answers', () => {
  let stack: Stack;
  let ion: Caller;
  const world = () => stack.sandboxes.world;
  beforeAll(async () => {
    stack = await startStack({ ion: true });
    ion = await signedIn(stack, 'jdoe', { distributor: 'ion' });
  });
  afterAll(async () => stack?.close());

  /** Binds an Ion customer to its ConnectWise twin, the subscription's SKU to a catalog item, and maps it. */
  async function mapIonSubscription(subscriptionId: string, agreementOf: (companyId: number) => number) {
    const sub = world().ion.subscriptions.find((s) => s.id === subscriptionId)!;
    const customer = world().ion.customers.find((c) => customerIdOf(c) === sub.customerId)!;
    const cw = world().cw.companies.find((c) => c.name === customer.customerOrganization)!;
    const bound = await answer(
      ion['company-mappings'].$post({ json: { distributorCompanyId: sub.customerId, cwCompanyId: cw.id } }),
    );
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    const agreementId = agreementOf(cw.id);
    // A catalog item nothing bills on the agreement yet, so the first plan creates its line.
    const item = world().cw.catalog.find(
      (i) =>
        i.productClass !== 'Bundle' &&
        !world().cw.additions.some((a) => a.agreementId === agreementId && a.product.id === i.id),
    )!;
    const productId = `${sub.ccpProductId}:${sub.ccpSkuId}`;
    await answer(
      ion['product-mappings'].$post({ json: { distributorProductId: productId, cwCatalogItemId: item.id } }),
    );
    const id = `${sub.customerId}-${sub.id}`;
    const mapped = await answer(
      ion['service-mappings'].$put({ json: { subscriptionId: id, cwAgreementId: agreementId } }),
    );
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(200);
    return { sub, cw, id, item };
  }
  const agreementIn = (currency: string) => (companyId: number) =>
    world().cw.agreements.find(
      (a) =>
        a.company.id === companyId &&
        !a.cancelledFlag &&
        a.billingCycle.name === 'Monthly' &&
        a.currency.currencyCode === currency,
    )!.id;

  it('binds a customer that Ion names only by its path', async () => {
    const customer = world().ion.customers.find((c) => c.customerOrganization === 'Oxford Senior Living')!;
    expect(customer.id).toBeUndefined();
    const id = customer.name.split('/').at(-1)!;
    const listed = await answer(ion['distributor-companies'].$get({ query: {} }));
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain(id);
    const cw = world().cw.companies.find((c) => c.name === customer.customerOrganization)!;
    expect(
      (await answer(ion['company-mappings'].$post({ json: { distributorCompanyId: id, cwCompanyId: cw.id } }))).status,
    ).toBe(201);
    const tab = await answer(ion.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(cw.id) } }));
    expect(tab.body.binding).toMatchObject({ distributorCompanyId: id });
    expect(tab.body.subscriptions.length).toBe(world().ion.subscriptions.filter((s) => s.customerId === id).length);
  });

  it('bills a price with seven decimals to the cent by the written rule: 63.8452759 → $63.85', async () => {
    const shaped = world().ion.subscriptions.find((s) => s.price === 63.8452759)!;
    const m = await mapIonSubscription(shaped.id, agreementIn('USD'));
    const plan = okPlan(
      (await answer(ion.subscriptions[':id'].plan.$get({ param: { id: m.id }, query: {} }))).body.plan,
    );
    const recurring = plan.operations.find((o) => o.type === 'create-recurring')!;
    expect([recurring.after.unitPrice.cents, recurring.after.unitCost.cents]).toEqual([6385, 5746]);
    expect(recurring.after.quantity).toBe(3);
    const confirmed = await answer(ion.plans.confirm.$post({ json: { subscriptionId: m.id, basis: plan.basis } }));
    expect(confirmed.status).toBe(200);
    const written = world().cw.additions.filter(
      (a) => a.product.id === m.item.id && a.serialNumber?.startsWith('ion:') && a.cancelledDate === null,
    );
    expect(written.map((a) => [a.quantity, a.unitPrice, a.unitCost])).toEqual([[3, 63.85, 57.46]]);
  });

  it('reconciles a month from the billing report the admin chose on Connections, naming what is missing until then', async () => {
    const shaped = world().ion.subscriptions.find((s) => s.price === 63.8452759)!;
    const id = `${shaped.customerId}-${shaped.id}`;
    const unchosen = await answer(ion.reconciliations.$get({ query: { period: '2026-10' } }));
    expect(unchosen.status).toBe(409);
    expect(unchosen.body.message).toMatch(/Choose StreamOne Ion's billing report on the Connections page/);
    const listed = await answer(ion.connections[':kind']['billing-reports'].$get({ param: { kind: 'ion' } }));
    expect(listed.status).toBe(200);
    expect(listed.body.chosen).toBeNull();
    expect(listed.body.reports.map((r) => r.id)).toEqual(['49038', '49041', '49052']);
    const stranger = await answer(
      ion.connections[':kind']['billing-report'].$put({ param: { kind: 'ion' }, json: { reportId: '77' } }),
    );
    expect(stranger.status).toBe(400);
    expect(stranger.body.details.fields[0]).toMatchObject({ field: 'reportId' });
    expect(
      (
        await answer(
          ion.connections[':kind']['billing-report'].$put({ param: { kind: 'ion' }, json: { reportId: '49041' } }),
        )
      ).status,
    ).toBe(200);
    const lacking = await answer(ion.reconciliations.$get({ query: { period: '2026-10' } }));
    expect(lacking.status).toBeGreaterThanOrEqual(400);
    expect(lacking.status).toBeLessThan(500);
    expect(JSON.stringify(lacking.body)).toMatch(/has no \\"Subscription ID\\" column/);
    expect(
      (
        await answer(
          ion.connections[':kind']['billing-report'].$put({ param: { kind: 'ion' }, json: { reportId: '49038' } }),
        )
      ).status,
    ).toBe(200);
    expect(
      (await answer(ion.connections[':kind']['billing-reports'].$get({ param: { kind: 'ion' } }))).body.chosen,
    ).toBe('49038');
    const month = await answer(ion.reconciliations.$get({ query: { period: '2026-10' } }));
    expect(month.status, JSON.stringify(month.body)).toBe(200);
    expect(month.body.due).toBe(true);
    const row = month.body.rows.find((r) => r.subscriptionId === id)!;
    // October's line: 3 seats at 57.4607483 each, 172.38 on the report.
    expect(row.figures?.invoice).toMatchObject({ quantity: 3, costCents: 17238 });
    expect(['review', 'reconciled']).toContain(row.status);
    // The chosen report survives the refresh token's rotation on every grant.
    const log = await answer(ion.connections.$get());
    expect(JSON.stringify(log.body.checks)).toContain('Invoices are read from the report');
  });

  it('holds a SEK subscription mapped to a USD agreement, naming both currencies, and writes nothing', async () => {
    const sek = world().ion.subscriptions.find((s) => s.currency === 'SEK')!;
    const before = world().cw.additions.length;
    const m = await mapIonSubscription(sek.id, agreementIn('USD'));
    const review = await answer(ion.subscriptions[':id'].plan.$get({ param: { id: m.id }, query: {} }));
    expect(review.body.plan).toMatchObject({ status: 'blocked' });
    const reason = (review.body.plan as { reason: string }).reason;
    expect(reason).toContain('in SEK');
    expect(reason).toContain('bills in USD');
    const tab = await answer(ion.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(m.cw.id) } }));
    expect(tab.body.subscriptions.find((s) => s.id === m.id)?.state).toBe('needs-review');
    const refused = await answer(
      ion.plans.confirm.$post({ json: { subscriptionId: m.id, basis: review.body.plan.basis } }),
    );
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(world().cw.additions.length).toBe(before);
    // Reconciling it against the USD agreement compares nothing across currencies.
    const held = (await answer(ion.reconciliations.$get({ query: { period: '2026-10' } }))).body.rows.find(
      (r) => r.subscriptionId === m.id,
    )!;
    expect(held).toMatchObject({ status: 'review', figures: null });
    expect(held.reason).toMatch(/in SEK, but its agreement bills in USD/);
    // On the company's agreement in SEK, it plans as any other.
    const remapped = await answer(
      ion['service-mappings'].$put({
        json: {
          subscriptionId: m.id,
          cwAgreementId: agreementIn('SEK')(m.cw.id),
        },
      }),
    );
    expect(remapped.status).toBe(200);
    expect(
      (await answer(ion.subscriptions[':id'].plan.$get({ param: { id: m.id }, query: {} }))).body.plan.status,
    ).toBe('ok');
    // The month's picture totals each currency on its own, never one amount of both.
    const month = await answer(ion.reconciliations.$get({ query: { period: '2026-10' } }));
    const row = month.body.rows.find((r) => r.subscriptionId === m.id)!;
    expect(row.figures?.currency).toBe('SEK');
    const picture = await answer(ion['month-picture'].$get({ query: { period: '2026-10' } }));
    expect(picture.status).toBe(200);
    const sekTotal = picture.body.totals.find((t) => t.currency === 'SEK')!;
    expect(sekTotal.costCents).toBe(row.figures!.invoice!.costCents);
    expect(picture.body.totals.map((t) => t.currency).sort()).toEqual(['SEK', 'USD']);
    const usd = month.body.rows.filter((r) => r.figures && (r.figures.currency ?? 'USD') === 'USD');
    expect(picture.body.totals.find((t) => t.currency === 'USD')!.costCents).toBe(
      usd.reduce((n, r) => n + (r.figures!.invoice?.costCents ?? 0), 0),
    );
    expect(picture.body.companies.find((c) => c.currency === 'SEK')?.name).toBe(m.cw.name);
  });
});

/** A fresh stack: the account's list is read (and kept a minute) before anything trims it. */
describe('StreamOne Ion subscriptions over two pages', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ ion: true });
  });
  afterAll(async () => stack?.close());
  const world = () => stack.sandboxes.world;

  it('lists all 11 subscriptions of an account whose list comes on two pages', async () => {
    const keep = world().ion.subscriptions.slice(0, 11);
    world().ion.subscriptions.splice(0, world().ion.subscriptions.length, ...keep);
    const capped = await fetch(`${stack.sandboxes.ion.url}/__sandbox/paging`, {
      method: 'PUT',
      body: JSON.stringify({ limit: 10 }),
    });
    expect(capped.status).toBe(200);
    const fresh = await signedIn(stack, 'jdoe', { distributor: 'ion' });
    const products = await answer(fresh.products.$get());
    expect(products.status).toBe(200);
    expect(products.body.rows.filter((r) => r.subProduct === '').reduce((n, r) => n + r.subscriptions, 0)).toBe(11);
    const reads = (await (await fetch(`${stack.sandboxes.ion.url}/__sandbox/requests`)).json()) as { path: string }[];
    expect(reads.filter((r) => r.path.endsWith('/subscriptions')).length).toBeGreaterThanOrEqual(2);
  });
});

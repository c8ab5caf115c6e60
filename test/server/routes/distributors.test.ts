import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTenant } from '../../../db/queries/tenants.ts';
import { customerIdOf } from '../../../server/distributors/ion/transform.ts';
import { runTenantSync } from '../../../server/jobs/run.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { mapSubscription } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * One tenant that buys from Pax8 and from StreamOne Ion, with one ConnectWise company that is
 * a customer of both: each distributor's bindings, mappings, reports and writes stay its own.
 */
describe('a tenant with Pax8 and StreamOne Ion connected', () => {
  let stack: Stack;
  let pax8: Caller;
  let ion: Caller;
  const world = () => stack.sandboxes.world;
  beforeAll(async () => {
    stack = await startStack({ ion: true });
    pax8 = await signedIn(stack, 'jdoe');
    ion = await signedIn(stack, 'jdoe', { distributor: 'ion' });
  });
  afterAll(async () => stack?.close());

  /** Oxford Senior Living is a customer at both; its Ion subscription to a monthly SKU is mapped here. */
  async function mapIon(itemId: number) {
    const customer = world().ion.customers.find((c) => c.customerOrganization === 'Oxford Senior Living')!;
    const cwCompany = world().cw.companies.find((c) => c.name === customer.customerOrganization)!;
    const bound = await answer(
      ion['company-mappings'].$post({
        json: {
          distributorCompanyId: customerIdOf(customer)!,
          cwCompanyId: cwCompany.id,
        },
      }),
    );
    expect(bound.status).toBe(201);
    const sub = world().ion.subscriptions.find(
      (s) => s.customerId === customerIdOf(customer) && s.subscriptionBillingCycle === 'monthly',
    )!;
    const productId = `${sub.ccpProductId}:${sub.ccpSkuId}`;
    expect(
      (
        await answer(
          ion['product-mappings'].$post({ json: { distributorProductId: productId, cwCatalogItemId: itemId } }),
        )
      ).status,
    ).toBe(201);
    const agreement = world().cw.agreements.find(
      (a) =>
        a.company.id === cwCompany.id &&
        !a.cancelledFlag &&
        a.agreementStatus === 'Active' &&
        a.billingCycle.name === 'Monthly',
    )!;
    const id = `${customerIdOf(customer)}-${sub.id}`;
    const mapped = await answer(
      ion['service-mappings'].$put({ json: { subscriptionId: id, cwAgreementId: agreement.id } }),
    );
    expect(mapped.status).toBe(200);
    return { customer, cwCompany, sub, id, productId, agreement };
  }

  it('lists both, Pax8 first, and a request names the one it is about', async () => {
    const res = await answer(pax8.distributors.$get({ query: {} }));
    expect(res.body.connected.map((d) => [d.kind, d.displayName])).toEqual([
      ['pax8', 'Pax8'],
      ['ion', 'StreamOne Ion'],
    ]);
    const unknown = await signedIn(stack, 'jdoe', { distributor: 'sophos' });
    const refused = await answer(unknown.companies.$get());
    expect(refused.status).toBe(400);
    expect(refused.body.details.fields[0]).toMatchObject({ field: 'distributor' });
  });

  it("binds, maps and writes an Ion subscription with Ion's markers, and none of it shows as Pax8's", async () => {
    const pax8Side = await mapSubscription(stack, pax8, 'Oxford Senior Living');
    // Bound to the very catalog item Pax8's subscription bills on the same agreement: ConnectWise's
    // line (entered by hand, unmarked) may be Pax8's, so Ion's sync does not take it over.
    const m = await mapIon(pax8Side.item.id);
    const refused = await answer(ion.subscriptions[':id'].plan.$get({ param: { id: m.id }, query: {} }));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/may bill this product for Pax8 too/);
    expect(refused.body.details.reason).toBe('shared_line');
    // With a catalog item of its own, Ion's subscription gets its own line.
    const own = world().cw.catalog.find((i) => i.id !== pax8Side.item.id && i.productClass !== 'Bundle')!;
    expect(
      (
        await answer(
          ion['product-mappings'].$post({ json: { distributorProductId: m.productId, cwCatalogItemId: own.id } }),
        )
      ).status,
    ).toBe(201);
    // The same ConnectWise company is bound once at each distributor.
    const companies = await answer(ion.companies.$get());
    expect(companies.body.rows.map((r) => r.distributorCompanyId)).toContain(customerIdOf(m.customer));
    expect((await answer(pax8.companies.$get())).body.rows.map((r) => r.distributorCompanyId)).not.toContain(
      customerIdOf(m.customer),
    );

    const plan = okPlan(
      (await answer(ion.subscriptions[':id'].plan.$get({ param: { id: m.id }, query: {} }))).body.plan,
    );
    expect(plan.operations.length).toBeGreaterThan(0);
    // The reasons speak of Ion (the line's description is the catalog item's, as ConnectWise has it).
    expect(plan.operations.map((o) => `${o.title} ${o.reason}`).join(' ')).not.toMatch(/Pax8/);
    const confirmed = await answer(ion.plans.confirm.$post({ json: { subscriptionId: m.id, basis: plan.basis } }));
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.outcomes.every((o) => o.state === 'confirmed')).toBe(true);
    const written = world().cw.additions.filter(
      (a) => a.agreementId === m.agreement.id && a.serialNumber?.startsWith('ion:'),
    );
    expect(written.length).toBe(plan.operations.length);
    expect(written.some((a) => a.quantity === Number(m.sub.subscriptionTotalLicenses))).toBe(true);
    // Pax8 knows no such subscription, and its own mapping is untouched.
    expect((await answer(pax8.subscriptions[':id'].plan.$get({ param: { id: m.id }, query: {} }))).status).toBe(404);
    expect(
      (await answer(pax8.subscriptions[':id'].plan.$get({ param: { id: pax8Side.sub.id }, query: {} }))).status,
    ).toBe(200);
    // The Log says whose each write was.
    const log = await answer(pax8.adjustments.$get({ query: {} }));
    expect(log.body.filter((l) => l.distributor === 'ion').length).toBe(plan.operations.length);
    expect(log.body.find((l) => l.distributor === 'ion')?.distributorName).toBe('StreamOne Ion');
  });

  it('a check reports each distributor on its own, and the run covers both', async () => {
    const tenant = (await getTenant(stack.database.db, stack.tenantId))!;
    const result = await runTenantSync(stack.app.runDeps(), tenant, { trigger: 'check', requestedBy: 'test' });
    expect(result.outcome).toBe('succeeded');
    const ionReport = await answer(ion.reports[':view'].$get({ param: { view: 'linked' } }));
    const pax8Report = await answer(pax8.reports[':view'].$get({ param: { view: 'linked' } }));
    const ids = (r: typeof ionReport) => r.body.rows.map((x) => x.subscriptionId);
    expect(ids(ionReport).length).toBeGreaterThan(0);
    expect(ids(ionReport).every((id) => /^\d+-\d+$/.test(id))).toBe(true);
    expect(ids(pax8Report).some((id) => /^\d+-\d+$/.test(id))).toBe(false);
    expect(ids(pax8Report).length).toBeGreaterThan(0);
  });

  it('says StreamOne Ion reports no usage, rather than planning arrears it cannot read', async () => {
    const res = await answer(ion.subscriptions[':id']['usage-plan'].$get({ param: { id: 'any' }, query: {} }));
    expect(res.status).toBe(409);
    expect(res.body.details.reason).toBe('no_usage');
    expect(res.body.message).toMatch(/StreamOne Ion does not report usage/);
  });

  it('on a company screen, names the distributors whose company is bound to it, so the tab opens on one', async () => {
    const customer = world().ion.customers.find((c) => c.customerOrganization !== 'Oxford Senior Living')!;
    const cwCompany =
      world().cw.companies.find((c) => c.name === customer.customerOrganization) ?? world().cw.companies.at(-2)!;
    expect(
      (
        await answer(
          ion['company-mappings'].$post({
            json: {
              distributorCompanyId: customerIdOf(customer)!,
              cwCompanyId: cwCompany.id,
            },
          }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await answer(pax8.distributors.$get({ query: { cwCompanyId: String(cwCompany.id) } }))).body.boundHere,
    ).toEqual(['ion']);
    expect((await answer(pax8.distributors.$get({ query: {} }))).body.boundHere).toEqual([]);
    expect((await answer(pax8.distributors.$get({ query: { cwCompanyId: 'abc' } }))).status).toBe(400);
  });
});

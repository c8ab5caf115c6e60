import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTenant } from '../../../db/queries/tenants.ts';
import { pinnedDayClock } from '../../../server/clock.ts';
import { runTenantArrears } from '../../../server/jobs/arrears.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { allowEverythingUnattended, saveSettings } from '../../helpers/mapped.ts';
import { SANDBOX_TODAY } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * Sophos Central's usage, as its PSA integration guide has it: each Sophos product mapped to an
 * existing ConnectWise product or added as a new one, one recurring line per company and
 * product at last month's count and the ConnectWise product's price, the sync switch per
 * product, and an unassigned firewall licence reported, never billed. Today is 11/22/2026, so
 * October is final (Sophos closes a month on the 6th).
 */
describe('Sophos Central usage', () => {
  let stack: Stack;
  let jdoe: Caller;
  const day = pinnedDayClock(SANDBOX_TODAY);
  beforeAll(async () => {
    stack = await startStack({ clock: day, sophos: true });
    // A few items a page, so a month's usage spans many key-paged pages, as a large partner's does.
    const paging = await fetch(`${stack.sandboxes.sophos.url}/__sandbox/paging`, {
      method: 'PUT',
      body: JSON.stringify({ limit: 3 }),
    });
    expect(paging.status).toBe(200);
    jdoe = await signedIn(stack, 'jdoe', { distributor: 'sophos' });
  });
  afterAll(async () => stack?.close());

  const world = () => stack.sandboxes.world;
  const tenant = () =>
    world().sophos.tenants.find(
      (t) => t.billingType === 'usage' && world().cw.companies.some((c) => c.name === t.name),
    )!;
  const lines = (agreementId: number) =>
    world().cw.additions.filter(
      (a) => a.agreementId === agreementId && /^sop:[0-9a-f]{24}$/.test(a.serialNumber ?? ''),
    );
  let agreementId = 0;
  let emailMapping = '';
  const ixa = 'Central Intercept X Advanced';
  const email = 'Central Email Advanced';

  it('maps one product to an existing ConnectWise product, adds another as a new one, and maps the tenant', async () => {
    const t = tenant();
    const cw = world().cw.companies.find((c) => c.name === t.name)!;
    expect(
      (await answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: t.id, cwCompanyId: cw.id } })))
        .status,
    ).toBe(201);
    const existing = world().cw.catalog.find((i) => i.identifier === 'SOPHOS-IXA')!;
    const bound = await answer(
      jdoe['product-mappings'].$post({
        json: {
          distributorProductId: 'central-usage',
          subProduct: ixa,
          cwCatalogItemId: existing.id,
        },
      }),
    );
    expect(bound.status, JSON.stringify(bound.body)).toBe(201);
    const setup = world().cw;
    const added = await answer(
      jdoe['catalog-items'].$post({
        json: {
          distributorProductId: 'central-usage',
          subProduct: email,
          identifier: 'SOPHOS-CEMA',
          description: 'Sophos Central Email Advanced',
          customerDescription: 'Email security, per mailbox',
          priceCents: 275,
          costCents: 140,
          subcategoryId: setup.subcategories[0]!.id,
          typeId: setup.productTypes[0]!.id,
          productClass: 'Service',
        },
      }),
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    emailMapping = added.body.mapping.id;
    expect(world().cw.catalog.some((i) => i.identifier === 'SOPHOS-CEMA')).toBe(true);
    const agreement = world().cw.agreements.find(
      (a) =>
        a.company.id === cw.id &&
        !a.cancelledFlag &&
        a.agreementStatus === 'Active' &&
        a.billingCycle.name === 'Monthly',
    )!;
    agreementId = agreement.id;
    expect(
      (await answer(jdoe['service-mappings'].$put({ json: { subscriptionId: t.id, cwAgreementId: agreement.id } })))
        .status,
    ).toBe(200);
  });

  it('plans one line per product at October’s count and the ConnectWise product’s price', async () => {
    const t = tenant();
    const res = await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: t.id }, query: {} }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { plan } = res.body;
    expect(plan.option).toBe('multi-products');
    const count = (name: string) =>
      world().sophos.usage.find(
        (u) => u.year === 2026 && u.month === 10 && u.accountId === t.id && u.productDescription === name,
      )!.billableQuantity;
    const creating = plan.rows.filter((r) => r.status === 'Creating');
    const row = (name: string) => creating.find((r) => r.name.endsWith(` - ${name}`))!;
    expect(creating).toHaveLength(2);
    expect([row(ixa).quantity, row(ixa).unitPrice.cents, row(ixa).unitCost.cents]).toEqual([count(ixa), 650, 390]);
    expect([row(email).quantity, row(email).unitPrice.cents, row(email).unitCost.cents]).toEqual([
      count(email),
      275,
      140,
    ]);
    expect(row(ixa).name).toBe(`${t.showAs} - ${t.showAs} - ${ixa}`);
    expect(creating.find((r) => r.name.endsWith(ixa))!.unitPrice.derivation).toBe('$6.50 (ConnectWise product price)');
  });

  it('writes nothing for a product whose sync is off, and the month once when it is on; a second run writes nothing', async () => {
    const t = tenant();
    expect(
      (
        await answer(
          jdoe['product-mappings'][':id']['usage-sync'].$put({ param: { id: emailMapping }, json: { on: false } }),
        )
      ).status,
    ).toBe(200);
    await allowEverythingUnattended(jdoe);
    await saveSettings(jdoe, {
      autoSync: true,
      unattendedKinds: ['increase', 'decrease', 'cancellation', 'prorate', 'usage'],
    });
    const tenantRow = (await getTenant(stack.database.db, stack.tenantId))!;
    const run = () =>
      runTenantArrears({ ...stack.jobs.runDeps, clock: day }, tenantRow, { trigger: 'command', requestedBy: 'test' });
    const first = await run();
    expect(first.outcome, JSON.stringify(first)).toBe('succeeded');
    expect(lines(agreementId).map((a) => a.product.identifier)).toEqual(['SOPHOS-IXA']);

    expect(
      (
        await answer(
          jdoe['product-mappings'][':id']['usage-sync'].$put({ param: { id: emailMapping }, json: { on: true } }),
        )
      ).status,
    ).toBe(200);
    const second = await run();
    expect(second.writes).toBe(1);
    expect(
      lines(agreementId)
        .map((a) => a.product.identifier)
        .sort(),
    ).toEqual(['SOPHOS-CEMA', 'SOPHOS-IXA']);
    const third = await run();
    expect(third.writes).toBe(0);
    expect(lines(agreementId)).toHaveLength(2);
    expect(t.id).toBeTruthy();
  });

  it('reports the firewall licence no tenant is assigned, and bills it to nobody', async () => {
    const res = await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: tenant().id }, query: {} }));
    expect(res.body.plan.notes).toContain(
      '1 × Xstream Protection XGS 2100 Monthly is assigned to no tenant, so it is billed to nobody: assign the licence to its customer in Sophos Central.',
    );
    const unassigned = world().sophos.usage.find(
      (u) => u.accountId === undefined && u.year === 2026 && u.month === 10,
    )!;
    expect(unassigned.sku).toBe('XT2D1CSAA');
    expect(
      world().cw.additions.some((a) => /XGS/.test(a.invoiceDescription ?? '') && a.serialNumber?.startsWith('sop:')),
    ).toBe(false);
  });

  it('bills two tenants whose usage is spread over key-paged pages each its billableQuantity, once', async () => {
    const usageTenants = world().sophos.tenants.filter(
      (t) => t.billingType === 'usage' && world().cw.companies.some((c) => c.name === t.name),
    );
    const second = usageTenants[1]!;
    const cw = world().cw.companies.find((c) => c.name === second.name)!;
    expect(
      (await answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: second.id, cwCompanyId: cw.id } })))
        .status,
    ).toBe(201);
    const agreement = world().cw.agreements.find(
      (a) => a.company.id === cw.id && !a.cancelledFlag && a.billingCycle.name === 'Monthly',
    )!;
    expect(
      (
        await answer(
          jdoe['service-mappings'].$put({ json: { subscriptionId: second.id, cwAgreementId: agreement.id } }),
        )
      ).status,
    ).toBe(200);
    const october = world().sophos.usage.filter((u) => u.year === 2026 && u.month === 10);
    expect(october.length).toBeGreaterThan(6);
    for (const t of [tenant(), second]) {
      const plan = (await answer(jdoe.subscriptions[':id']['usage-plan'].$get({ param: { id: t.id }, query: {} }))).body
        .plan;
      const mine = october.filter((u) => u.accountId === t.id && [ixa, email].includes(u.productDescription));
      // The bill is billableQuantity; what the endpoints reported (actualQuantity) is not.
      expect(mine.some((u) => u.actualQuantity !== u.billableQuantity)).toBe(true);
      expect(
        plan.rows
          .filter((r) => r.name.endsWith(ixa) || r.name.endsWith(email))
          .map((r) => [r.name.split(' - ').at(-1), r.quantity])
          .sort(),
      ).toEqual(mine.map((u) => [u.productDescription, u.billableQuantity]).sort());
    }
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustmentLog } from '../../../db/schema.ts';
import { answer, signedIn } from '../../helpers/api.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

let stack: Stack;
let jdoe: Awaited<ReturnType<typeof signedIn>>;
const world = () => stack.sandboxes.world;
const cwCompany = (name: string) => world().cw.companies.find((c) => c.name === name)!;
const pax8Company = (name: string) => world().pax8.companies.find((c) => c.name === name)!;

/** A company with a yearly agreement, and one of its subscriptions made Annual before anything reads it. */
let yearly: { cwCompanyId: number; pax8CompanyId: string; subscriptionId: string };

beforeAll(async () => {
  stack = await startStack();
  const company = world().cw.companies.find(
    (c) =>
      world().cw.agreements.some((a) => a.company.id === c.id && a.billingCycle.name === 'Yearly') &&
      world().pax8.companies.some((p) => p.name === c.name),
  )!;
  const pax8 = world().pax8.companies.find((p) => p.name === company.name)!;
  const sub = world().pax8.subscriptions.find((s) => s.companyId === pax8.id)!;
  sub.billingTerm = 'Annual';
  yearly = { cwCompanyId: company.id, pax8CompanyId: pax8.id, subscriptionId: sub.id };
  jdoe = await signedIn(stack, 'jdoe');
});
afterAll(async () => stack?.close());

describe('binding companies', () => {
  it('suggests the best Pax8 match with its score, then opens on the binding', async () => {
    const frontier = cwCompany('Frontier Wealth Mgmt');
    const tab = await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(frontier.id) } }));
    expect(tab.status).toBe(200);
    expect(tab.body.binding).toBeNull();
    expect(tab.body.suggestions[0]).toMatchObject({ name: 'Frontier Wealth Management, LLC', score: 100 });

    const bound = await answer(
      jdoe['company-mappings'].$post({
        json: {
          distributorCompanyId: tab.body.suggestions[0]!.distributorCompanyId,
          cwCompanyId: frontier.id,
        },
      }),
    );
    expect(bound.status).toBe(201);
    const after = await answer(
      jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(frontier.id) } }),
    );
    expect(after.body.binding).toMatchObject({ name: 'Frontier Wealth Management, LLC' });
    expect(after.body.subscriptions.length).toBe(
      world().pax8.subscriptions.filter((s) => s.companyId === pax8Company('Frontier Wealth Management, LLC').id)
        .length,
    );
    expect(after.body.subscriptions.every((s) => s.state === 'unmapped')).toBe(true);
  });

  it('two ConnectWise companies of one name: once one is bound, the other is told where its match went', async () => {
    const [first, second] = world().cw.companies.filter((c) => c.name === 'Arcadia Tech');
    const pax8 = pax8Company('Arcadia Tech');
    const before = await answer(
      jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(second!.id) } }),
    );
    expect(before.body.suggestions[0]).toMatchObject({ name: 'Arcadia Tech', distributorCompanyId: pax8.id });
    expect(before.body.alreadyBound).toEqual([]);
    expect(
      (
        await answer(
          jdoe['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: first!.id } }),
        )
      ).status,
    ).toBe(201);
    const after = await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(second!.id) } }));
    expect(after.body.suggestions.some((s) => s.distributorCompanyId === pax8.id)).toBe(false);
    expect(after.body.alreadyBound).toEqual([
      expect.objectContaining({
        name: 'Arcadia Tech',
        boundToCwCompanyId: first!.id,
        boundToCwCompanyName: 'Arcadia Tech',
      }),
    ]);
    const binding = (
      await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(first!.id) } }))
    ).body.binding!;
    expect(
      (await answer(jdoe['company-mappings'][':id'].$delete({ param: { id: String(binding.mappingId) } }))).status,
    ).toBe(200);
  });

  it('tells same-named companies apart by address: the one where the Pax8 company is comes first', async () => {
    const [denver, tampa] = world().cw.companies.filter((c) => c.name === 'Arcadia Tech');
    expect([denver!.city, tampa!.city]).toEqual(['Denver', 'Tampa']);
    const pax8 = pax8Company('Arcadia Tech');
    const here = (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(denver!.id) } })))
      .body.suggestions[0]!;
    const there = (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(tampa!.id) } })))
      .body.suggestions[0]!;
    expect(here).toMatchObject({ distributorCompanyId: pax8.id, score: 100, city: 'Denver' });
    expect(here.reasons).toContain('same postal code (80202)');
    expect(there.distributorCompanyId).toBe(pax8.id);
    expect(there.score).toBeLessThan(here.score);
    expect(there.reasons).toContain('different postal code (33602 here, 80202 there)');
    // The companies page suggests, for the Pax8 company, the ConnectWise one at its address.
    const row = (await answer(jdoe.companies.$get())).body.rows.find((r) => r.distributorCompanyId === pax8.id)!;
    expect(row.suggestion).toMatchObject({ cwCompanyId: denver!.id, score: 100 });
  });

  it('refuses to bind a ConnectWise company that is already bound to another Pax8 company', async () => {
    const res = await answer(
      jdoe['company-mappings'].$post({
        json: {
          distributorCompanyId: pax8Company('Oxford Senior Living').id,
          cwCompanyId: cwCompany('Frontier Wealth Mgmt').id,
        },
      }),
    );
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(
      /already bound to the Pax8 company Frontier Wealth Management, LLC; unbind it first/,
    );
  });

  it('lists every Pax8 company with counts and suggestions on the companies page', async () => {
    const res = await answer(jdoe.companies.$get());
    expect(res.body.counts).toMatchObject({ all: world().pax8.companies.length, mapped: 1, failed: 0 });
    expect(res.body.counts.unmapped).toBe(world().pax8.companies.length - 1);
    const gibson = res.body.rows.find((r) => r.name === 'Gibson, Pott, and York LLC')!;
    expect(gibson.suggestion).toMatchObject({ name: 'Gibson Pott & York', score: 100 });
    expect(res.body.rows.find((r) => r.name === 'Franks Flower Shop')!.suggestion).toBeNull();
  });

  it('binds and clears several at once, each row with its own result', async () => {
    const rows = (await answer(jdoe.companies.$get())).body.rows as {
      distributorCompanyId: string;
      name: string;
      suggestion: { cwCompanyId: number } | null;
    }[];
    const pick = (n: string) => rows.find((r) => r.name === n)!;
    const res = await answer(
      jdoe['company-mappings'].bulk.$post({
        json: {
          items: [
            {
              distributorCompanyId: pick('Gibson, Pott, and York LLC').distributorCompanyId,
              cwCompanyId: pick('Gibson, Pott, and York LLC').suggestion!.cwCompanyId,
            },
            {
              distributorCompanyId: pick('Dynamo Corporation').distributorCompanyId,
              cwCompanyId: pick('Dynamo Corporation').suggestion!.cwCompanyId,
            },
            {
              distributorCompanyId: pick('Ace Chemical Processing Plant').distributorCompanyId,
              cwCompanyId: cwCompany('Frontier Wealth Mgmt').id,
            },
          ],
        },
      }),
    );
    expect(res.body.results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(res.body.results[2]!.message).toMatch(/already bound/);
    const cleared = await answer(
      jdoe['company-mappings'].bulk.$post({
        json: {
          items: [{ distributorCompanyId: pick('Dynamo Corporation').distributorCompanyId, cwCompanyId: null }],
        },
      }),
    );
    expect(cleared.body.results[0]).toMatchObject({ ok: true, message: expect.stringMatching(/^Unbound/) });
  });

  it('creates a ConnectWise company from Pax8 details, binds it, and logs the write with the member', async () => {
    const franks = pax8Company('Franks Flower Shop');
    const tooLong = await answer(
      jdoe['cw-companies'].$post({
        json: {
          distributorCompanyId: franks.id,
          identifier: 'FranksFlowers',
          name: 'x'.repeat(51),
        },
      }),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details.fields).toEqual([
      { field: 'json.name', message: 'ConnectWise allows at most 50 characters' },
    ]);
    const taken = await answer(
      jdoe['cw-companies'].$post({
        json: {
          distributorCompanyId: franks.id,
          identifier: cwCompany('Oxford Senior Living').identifier,
          name: 'Franks Flower Shop',
        },
      }),
    );
    expect(taken.status).toBe(422);
    expect(taken.body.details.fields).toEqual([
      expect.objectContaining({ field: 'identifier', message: 'The company identifier is already in use.' }),
    ]);

    const created = await answer(
      jdoe['cw-companies'].$post({
        json: {
          distributorCompanyId: franks.id,
          identifier: 'FranksFlowers',
          name: 'Franks Flower Shop',
          city: 'Denver',
        },
      }),
    );
    expect(created.status).toBe(201);
    expect(world().cw.companies.find((c) => c.id === created.body.company.id)?.name).toBe('Franks Flower Shop');
    const log = await stack.database.db.select().from(adjustmentLog).where(eq(adjustmentLog.action, 'company.create'));
    expect(log.map((l) => [l.outcome, l.actorName, l.errorCode])).toEqual([
      ['failure', 'Jane Doe', 'validation'],
      ['success', 'Jane Doe', null],
    ]);
    expect(log[1]!.cwRecordId).toBe(created.body.company.id);
  });

  it('says what unbinding affects, pauses the subscription mappings, and resumes them on rebind', async () => {
    const oxford = cwCompany('Oxford Senior Living');
    const pax8 = pax8Company('Oxford Senior Living');
    await answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: oxford.id } }));
    const tab = (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(oxford.id) } })))
      .body;
    const monthly = tab.subscriptions.find((s) => s.billingTerm === 'Monthly')!;
    const agreement = tab.agreements.find((a) => !a.cancelled)!;
    expect(
      (
        await answer(
          jdoe['service-mappings'].$put({ json: { subscriptionId: monthly.id, cwAgreementId: agreement.id } }),
        )
      ).status,
    ).toBe(200);
    const impact = await answer(
      jdoe['company-mappings'][':id'].impact.$get({ param: { id: String(tab.binding!.mappingId) } }),
    );
    expect(impact.body).toEqual({ serviceMappings: 1 });
    expect(
      (await answer(jdoe['company-mappings'][':id'].$delete({ param: { id: String(tab.binding!.mappingId) } }))).body,
    ).toEqual({ paused: 1 });
    expect(
      (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(oxford.id) } }))).body
        .binding,
    ).toBeNull();
    await answer(jdoe['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: oxford.id } }));
    const again = (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(oxford.id) } })))
      .body;
    expect(again.subscriptions.find((s) => s.id === monthly.id)!.agreementId).toBe(agreement.id);
  });
});

describe('products', () => {
  it('finds catalog items by identifier and vendor SKU, and binds one', async () => {
    const item = world().cw.catalog.find((i) => i.vendorSku && i.productClass !== 'Bundle')!;
    const bySku = await answer(jdoe.catalog.$get({ query: { q: item.vendorSku!.slice(0, 8) } }));
    expect(bySku.body.map((i) => i.id)).toContain(item.id);
    const product = world().pax8.products.find((p) => p.sku === item.identifier)!;
    const res = await answer(
      jdoe['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
    );
    expect(res.status).toBe(201);
    const page = await answer(jdoe.products.$get());
    expect(
      page.body.rows.find(
        (r: { distributorProductId: string; subProduct: string }) =>
          r.distributorProductId === product.id && r.subProduct === '',
      ),
    ).toMatchObject({ status: 'mapped', cwCatalogIdentifier: item.identifier });
  });

  it('refuses a bundle with the reason', async () => {
    const bundle = world().cw.catalog.find((i) => i.productClass === 'Bundle')!;
    const res = await answer(
      jdoe['product-mappings'].$post({
        json: {
          distributorProductId: world().pax8.products[0]!.id,
          cwCatalogItemId: bundle.id,
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual([
      { field: 'cwCatalogItemId', message: 'bundles cannot be agreement additions' },
    ]);
  });

  it("exports a product as a catalog item, enforcing ConnectWise's limits, and logs who did it", async () => {
    const product = world().pax8.products.find((p) => !world().cw.catalog.some((i) => i.identifier === p.sku))!;
    const setup = (await answer(jdoe.catalog.setup.$get())).body;
    const form = {
      distributorProductId: product.id,
      identifier: product.sku,
      description: `Pax8 - ${product.name}`.slice(0, 60),
      customerDescription: product.shortDescription,
      priceCents: 2500,
      costCents: 2000,
      subcategoryId: setup.subcategories[0]!.id,
      typeId: setup.types[0]!.id,
      productClass: 'Service' as const,
      unitOfMeasureId: setup.unitsOfMeasure[0]!.id,
      vendorSku: product.sku,
    };
    const long = await answer(jdoe['catalog-items'].$post({ json: { ...form, description: 'x'.repeat(61) } }));
    expect(long.body.details.fields).toEqual([
      { field: 'json.description', message: 'ConnectWise allows at most 60 characters' },
    ]);

    const technician = await signedIn(stack, 'amarkov');
    const denied = await answer(technician['catalog-items'].$post({ json: form }));
    // Refused from her ConnectWise role before anything is sent, with the reason named.
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'forbidden', details: { reason: 'role', role: 'Technician' } });
    expect(denied.body.message).toMatch(/Procurement › Product Catalog/);
    expect(world().cw.catalog.some((i) => i.identifier === product.sku)).toBe(false);

    const created = await answer(jdoe['catalog-items'].$post({ json: form }));
    expect(created.status).toBe(201);
    // ConnectWise holds the decimal amounts the cents were written as.
    expect(world().cw.catalog.find((i) => i.id === created.body.item.id)).toMatchObject({
      identifier: product.sku,
      price: 25,
      cost: 20,
    });
    const duplicate = await answer(jdoe['catalog-items'].$post({ json: form }));
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.details.fields[0]).toMatchObject({ field: 'identifier' });
    const log = await stack.database.db.select().from(adjustmentLog).where(eq(adjustmentLog.action, 'catalog.create'));
    expect(log.map((l) => [l.outcome, l.actorName])).toEqual([
      ['success', 'Jane Doe'],
      ['failure', 'Jane Doe'],
    ]);
  });

  it('binds Proofpoint sub-products separately, as their usage names them', async () => {
    const proofpoint = world().pax8.products.find((p) => p.name === 'Proofpoint Essentials')!;
    const names = (await answer(jdoe.products[':id']['sub-products'].$get({ param: { id: proofpoint.id } })))
      .body as string[];
    expect(names).toContain('Proofpoint Essentials - Business');
    const items = world().cw.catalog.filter((i) => i.productClass !== 'Bundle');
    for (const [i, sub] of names.slice(0, 2).entries()) {
      expect(
        (
          await answer(
            jdoe['product-mappings'].$post({
              json: {
                distributorProductId: proofpoint.id,
                subProduct: sub,
                cwCatalogItemId: items[i]!.id,
              },
            }),
          )
        ).status,
      ).toBe(201);
    }
    const rows = (await answer(jdoe.products.$get())).body.rows.filter(
      (r: { distributorProductId: string }) => r.distributorProductId === proofpoint.id,
    );
    expect(rows.filter((r) => r.subProduct && r.status === 'mapped').length).toBe(2);
  });
});

describe('agreements', () => {
  it('offers yearly subscriptions only yearly agreements, saying why', async () => {
    await answer(
      jdoe['company-mappings'].$post({
        json: {
          distributorCompanyId: yearly.pax8CompanyId,
          cwCompanyId: yearly.cwCompanyId,
        },
      }),
    );
    const tab = (
      await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(yearly.cwCompanyId) } }))
    ).body;
    const monthlyAgreement = tab.agreements.find((a) => a.billingCycle === 'Monthly' && !a.cancelled)!;
    const yearlyAgreement = tab.agreements.find((a) => a.billingCycle === 'Yearly')!;
    expect(tab.subscriptions.find((s) => s.id === yearly.subscriptionId)!.billingTerm).toBe('Annual');
    const refused = await answer(
      jdoe['service-mappings'].$put({
        json: {
          subscriptionId: yearly.subscriptionId,
          cwAgreementId: monthlyAgreement.id,
        },
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.details.fields[0]!.message).toBe(
      'Not offered: Annual subscriptions may only go on agreements billed yearly; this one is billed Monthly.',
    );
    const ok = await answer(
      jdoe['service-mappings'].$put({
        json: {
          subscriptionId: yearly.subscriptionId,
          cwAgreementId: yearlyAgreement.id,
        },
      }),
    );
    expect(ok.status).toBe(200);
    expect(
      (
        await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(yearly.cwCompanyId) } }))
      ).body.subscriptions.find((s) => s.id === yearly.subscriptionId)!.state,
    ).not.toBe('unmapped');
  });

  it('refuses an agreement of another company', async () => {
    const oxford = cwCompany('Oxford Senior Living');
    const tab = (await answer(jdoe.companies[':cwCompanyId'].tab.$get({ param: { cwCompanyId: String(oxford.id) } })))
      .body;
    const foreign = world().cw.agreements.find((a) => a.company.id !== oxford.id)!;
    const res = await answer(
      jdoe['service-mappings'].$put({
        json: {
          subscriptionId: tab.subscriptions[0]!.id,
          cwAgreementId: foreign.id,
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details.fields[0]!.field).toBe('cwAgreementId');
  });
});

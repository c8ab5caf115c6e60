import { expect } from 'vitest';
import { answer, type Caller } from './api.ts';
import type { Stack } from './stack.ts';

/** Oxford Senior Living's Proofpoint sub-products bound as the guide's step 6a binds them. */
export const PROOFPOINT_TIERS = {
  'Proofpoint Essentials - Business': 'PPT-ESS-BUSINESS',
  'Proofpoint Essentials - Advanced': 'PPT-ESS-ADVANCED',
};

/**
 * Binds a company and its usage product (and the sub-products given, to the catalog items
 * named), and maps the company's subscription to that product to its monthly agreement.
 */
export async function mapUsage(
  stack: Stack,
  call: Caller,
  company: string,
  cwName: string,
  productSku: string,
  subProducts: Record<string, string> = {},
) {
  const world = stack.sandboxes.world;
  const item = (identifier: string) => world.cw.catalog.find((i) => i.identifier === identifier)!;
  const pax8 = world.pax8.companies.find((c) => c.name === company)!;
  const cw = world.cw.companies.find((c) => c.name === cwName)!;
  expect(
    (await answer(call['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: cw.id } })))
      .status,
  ).toBe(201);
  const product = world.pax8.products.find((p) => p.sku === productSku)!;
  const sub = world.pax8.subscriptions.find((s) => s.companyId === pax8.id && s.productId === product.id)!;
  const top = await answer(
    call['product-mappings'].$post({
      json: {
        distributorProductId: product.id,
        cwCatalogItemId: item(productSku).id,
      },
    }),
  );
  expect(top.status).toBe(201);
  const bound: Record<string, string> = {};
  for (const [name, identifier] of Object.entries(subProducts)) {
    const res = await answer(
      call['product-mappings'].$post({
        json: {
          distributorProductId: product.id,
          subProduct: name,
          cwCatalogItemId: item(identifier).id,
        },
      }),
    );
    expect(res.status).toBe(201);
    bound[name] = res.body.id;
  }
  const agreement = world.cw.agreements.find(
    (a) =>
      a.company.id === cw.id && !a.cancelledFlag && a.agreementStatus === 'Active' && a.billingCycle.name === 'Monthly',
  )!;
  expect(
    (await answer(call['service-mappings'].$put({ json: { subscriptionId: sub.id, cwAgreementId: agreement.id } })))
      .status,
  ).toBe(200);
  return { sub, agreement, product, topId: top.body.id as string, bound };
}

/** The lines a usage sync wrote on an agreement: markers of 24 hex digits. */
export const usageLines = (stack: Stack, agreementId: number) =>
  stack.sandboxes.world.cw.additions.filter(
    (a) => a.agreementId === agreementId && /^p8s:[0-9a-f]{24}$/.test(a.serialNumber ?? ''),
  );

/** The two usage subscriptions the guides walk: Oxford Senior Living's Proofpoint (tiers bound) and Gibson, Pott, and York's Azure plan. */
export async function mapGuideUsage(stack: Stack, call: Caller) {
  const proofpoint = await mapUsage(
    stack,
    call,
    'Oxford Senior Living',
    'Oxford Senior Living',
    'PPT-ESS-USAGE',
    PROOFPOINT_TIERS,
  );
  const azure = await mapUsage(stack, call, 'Gibson, Pott, and York LLC', 'Gibson Pott & York', 'MST-AZR-PLAN');
  return { proofpoint, azure };
}

import { expect } from 'vitest';
import { addCommitmentScenarios, type CommitmentScenarios } from '../../server/sandbox/pax8/commitments.ts';
import { answer, type Caller } from './api.ts';
import { billByHand, openMonthlyAgreement } from './mapped.ts';
import { SANDBOX_TODAY } from './sandbox.ts';
import type { Stack } from './stack.ts';

/**
 * Oxford Senior Living's three Pax8 commitments, its company bound and each given scenario mapped
 * to its monthly agreement, billed there by a line a person lowered to `seats`.
 */
export async function oxfordCommitments(
  stack: Stack,
  call: Caller,
  seats: Partial<Record<keyof CommitmentScenarios, number>>,
) {
  const world = stack.sandboxes.world;
  const nce = addCommitmentScenarios(world, 'Oxford Senior Living', SANDBOX_TODAY);
  const pax8 = world.pax8.companies.find((c) => c.name === 'Oxford Senior Living')!;
  const cw = world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
  const agreement = openMonthlyAgreement(stack, cw.id);
  expect(
    (await answer(call['company-mappings'].$post({ json: { distributorCompanyId: pax8.id, cwCompanyId: cw.id } })))
      .status,
  ).toBe(201);
  for (const [which, billed] of Object.entries(seats) as [keyof CommitmentScenarios, number][]) {
    const sub = nce[which];
    const product = world.pax8.products.find((p) => p.id === sub.productId)!;
    const item = world.cw.catalog.find((i) => i.identifier === product.sku)!;
    expect(
      (
        await answer(
          call['product-mappings'].$post({ json: { distributorProductId: product.id, cwCatalogItemId: item.id } }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await answer(call['service-mappings'].$put({ json: { subscriptionId: sub.id, cwAgreementId: agreement.id } })))
        .status,
    ).toBe(200);
    billByHand(stack, {
      id: 95_000 + world.cw.additions.length,
      agreementId: agreement.id,
      itemId: item.id,
      seats: billed,
      price: sub.price,
      cost: sub.partnerCost,
    });
  }
  return { nce, agreementId: agreement.id };
}

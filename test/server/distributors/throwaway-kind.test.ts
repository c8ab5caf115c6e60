import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDistributorKind } from '../../../server/distributors/registry.ts';
import { THROWAWAY, throwawayKind } from '../../fixtures/throwaway/kind.ts';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { freeAgreementItem } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * A distributor is its folder plus its registry line: a kind registered from this test's own
 * folder is connected, bound, mapped and written through the API like the shipped ones, with
 * no other part of the product told about it.
 */
describe('a distributor kind added from a test folder', () => {
  let stack: Stack;
  let admin: Caller;
  let tw: Caller;
  let remove: () => void;
  const world = () => stack.sandboxes.world;
  beforeAll(async () => {
    remove = addDistributorKind(throwawayKind);
    stack = await startStack();
    admin = await signedIn(stack, 'jdoe');
    tw = await signedIn(stack, 'jdoe', { distributor: 'tw' });
  });
  afterAll(async () => {
    remove?.();
    await stack?.close();
  });

  it('refuses a second kind of the same name or marker prefix', () => {
    expect(() => addDistributorKind(throwawayKind)).toThrow(/already registered/);
    expect(() => addDistributorKind({ ...throwawayKind, kind: 'tw2' })).toThrow(/marker prefix "tw"/);
  });

  it('is connected on the Connections page with its own form, then bound, mapped and written once', async () => {
    const form = await answer(admin.connections.$get());
    expect(JSON.stringify(form.body)).toContain('Throwaway');
    const refused = await answer(admin.connections.$put({ json: { distributors: { tw: { apiKey: '' } } } }));
    expect(refused.status).toBe(400);
    expect(refused.body.details.fields.map((f) => f.field)).toEqual(['tw.apiKey']);
    expect(
      (await answer(admin.connections.$put({ json: { distributors: { tw: { apiKey: 'secret-key' } } } }))).status,
    ).toBe(200);
    const connected = await answer(admin.distributors.$get({ query: {} }));
    expect(connected.body.connected.map((d) => d.kind)).toEqual(['pax8', 'tw']);

    const { agreement, item } = freeAgreementItem(stack);
    expect(
      (
        await answer(
          tw['company-mappings'].$post({
            json: {
              distributorCompanyId: THROWAWAY.company.id,
              cwCompanyId: agreement.company.id,
            },
          }),
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await answer(
          tw['product-mappings'].$post({ json: { distributorProductId: 'tw-p1', cwCatalogItemId: item.id } }),
        )
      ).status,
    ).toBe(201);
    const sub = THROWAWAY.subscription;
    expect(
      (await answer(tw['service-mappings'].$put({ json: { subscriptionId: sub.id, cwAgreementId: agreement.id } })))
        .status,
    ).toBe(200);

    const plan = okPlan(
      (await answer(tw.subscriptions[':id'].plan.$get({ param: { id: sub.id }, query: {} }))).body.plan,
    );
    expect(plan.operations.length).toBeGreaterThan(0);
    const confirmed = await answer(tw.plans.confirm.$post({ json: { subscriptionId: sub.id, basis: plan.basis } }));
    expect(confirmed.status).toBe(200);
    const written = () =>
      world().cw.additions.filter((a) => a.agreementId === agreement.id && a.serialNumber?.startsWith('tw:'));
    expect(written().length).toBe(plan.operations.length);
    expect(written().some((a) => a.quantity === 7)).toBe(true);
    // Written once: confirming the same plan again writes nothing more.
    await answer(tw.plans.confirm.$post({ json: { subscriptionId: sub.id, basis: plan.basis } }));
    expect(written().length).toBe(plan.operations.length);
    const log = await answer(admin.adjustments.$get({ query: {} }));
    expect(log.body.filter((l) => l.distributor === 'tw').map((l) => l.distributorName)).toContain('Throwaway');
  });
});

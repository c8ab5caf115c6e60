import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, type Caller, okPlan, signedIn } from '../../helpers/api.ts';
import { type Mapped, mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * The tab and the pod reuse a subscription's history between looks, for speed: it is read again
 * as soon as the subscription changes at the distributor, so what they plan is what the review
 * plans, which always reads fresh.
 */
describe('history reused between looks', () => {
  let stack: Stack;
  let jdoe: Caller;
  let m: Mapped;
  beforeAll(async () => {
    stack = await startStack();
    jdoe = await signedIn(stack, 'jdoe');
    // ConnectWise bills 4 seats; Pax8 went to 6 on the 12th.
    m = setBilling(stack, await mapSubscription(stack, jdoe, 'Oxford Senior Living'), 4, [
      ['2026-08-01', 4],
      ['2026-11-12', 6],
    ]);
  });
  afterAll(async () => stack?.close());

  const podChanges = async () =>
    (await answer(jdoe.agreements[':id'].unsynced.$get({ param: { id: String(m.agreement.id) } }))).body.rows.find(
      (r: { subscriptionId: string }) => r.subscriptionId === m.sub.id,
    )?.changes;
  const reviewChanges = async () =>
    okPlan(
      (await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: m.sub.id }, query: {} }))).body.plan,
    ).operations.map((o) => o.title);

  it('plans in the pod what the review plans, before and after the distributor changes the seats', async () => {
    expect((await podChanges())!.map((c: { title: string }) => c.title)).toEqual(await reviewChanges());
    // Two more seats on the 18th: a second prorate, from its own day.
    await fetch(`${stack.sandboxes.pax8.url}/__sandbox/subscriptions/${m.sub.id}/quantity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 8, at: '2026-11-18T15:00:00Z' }),
    });
    const after = (await podChanges())!;
    expect(after.map((c: { title: string }) => c.title)).toEqual(await reviewChanges());
    expect(after.length).toBeGreaterThan(2);
  });
});

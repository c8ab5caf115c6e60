import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { mapSubscription, setBilling } from '../../helpers/mapped.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/** A subscription's history: each quantity change, and whether ConnectWise bills it. */
describe('subscription history', () => {
  let stack: Stack;
  let jdoe: Caller;
  beforeAll(async () => {
    stack = await startStack();
    jdoe = await signedIn(stack, 'jdoe');
  });
  afterAll(async () => stack?.close());

  it('marks the changes after the last billed quantity as not billed, with what the sync would write', async () => {
    const mapped = setBilling(stack, await mapSubscription(stack, jdoe, 'Oxford Senior Living'), 4, [
      ['2026-08-01', 4],
      ['2026-11-12', 6],
    ]);
    const res = await answer(jdoe.subscriptions[':id'].history.$get({ param: { id: mapped.sub.id } }));
    expect(res.status).toBe(200);
    expect(res.body.cwQuantity).toBe(4);
    expect(res.body.changes.map((c) => [c.at.slice(0, 10), c.quantity, c.delta, c.status])).toEqual([
      ['2026-08-01', 4, 4, 'billed'],
      ['2026-11-12', 6, 2, 'unbilled'],
    ]);
    expect(res.body.changes[1]!.note).toMatch(/^Creating prorated addition: \$[\d.]+ waits to be written\.$/);
  });

  it('marks a decrease ConnectWise still bills as not billed, though it plans no prorate for it', async () => {
    const mapped = setBilling(stack, await mapSubscription(stack, jdoe, 'Ace Chemical Processing Plant'), 6, [
      ['2026-08-01', 6],
      ['2026-11-12', 4],
    ]);
    const res = await answer(jdoe.subscriptions[':id'].history.$get({ param: { id: mapped.sub.id } }));
    expect(res.body.changes.map((c) => [c.delta, c.status])).toEqual([
      [6, 'billed'],
      [-2, 'unbilled'],
    ]);
    expect(res.body.changes[1]!.note).toBe('ConnectWise does not bill this quantity yet.');
  });

  it('says why nothing bills a subscription that is not mapped', async () => {
    const { pax8 } = stack.sandboxes.world;
    const company = pax8.companies.find((c) => c.name === 'Oxford Senior Living')!;
    const other = pax8.subscriptions.find((s) => s.companyId === company.id && s.billingTerm !== 'Monthly')!;
    const res = await answer(jdoe.subscriptions[':id'].history.$get({ param: { id: other.id } }));
    expect(res.status).toBe(200);
    expect(res.body.changes.length).toBeGreaterThan(0);
    expect(res.body.changes.every((c) => c.status === 'not-mapped')).toBe(true);
    expect(res.body.changes[0]!.note).toMatch(/Not mapped to an agreement/);
    expect((await answer(jdoe.subscriptions[':id'].history.$get({ param: { id: 'no-such-sub' } }))).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedDayClock } from '../../../server/clock.ts';
import { answer, type Caller, signedIn } from '../../helpers/api.ts';
import { mapSubscription, saveSettings, setBilling } from '../../helpers/mapped.ts';
import { linesOf, setInvoiceLine } from '../../helpers/reconcile.ts';
import { SANDBOX_TODAY, setFaults } from '../../helpers/sandbox.ts';
import { type Stack, startStack } from '../../helpers/stack.ts';

/**
 * Reconciliation through the API on the sandbox's October (today is 11/22/2026; Pax8 invoiced
 * October on 11/04): ConnectWise bills 1 seat where the invoice bills 8.
 */
describe('billing reconciliation', () => {
  let stack: Stack;
  let jdoe: Caller;
  let finance: Caller;
  beforeAll(async () => {
    stack = await startStack({ clock: pinnedDayClock(SANDBOX_TODAY) });
    jdoe = await signedIn(stack, 'jdoe');
    finance = await signedIn(stack, 'kpark');
  });
  afterAll(async () => stack?.close());

  const rowOf = async (period: string, subscriptionId: string) => {
    const res = await answer(jdoe.reconciliations.$get({ query: { period } }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = res.body.rows.find((r: { subscriptionId: string }) => r.subscriptionId === subscriptionId);
    if (!row) throw new Error(`no row for ${subscriptionId} in ${period}`);
    return row;
  };

  let one: Awaited<ReturnType<typeof mapSubscription>>;
  let two: Awaited<ReturnType<typeof mapSubscription>>;

  it('shows ConnectWise 1 against invoice 8 as Pending Review with +7', async () => {
    one = setBilling(stack, await mapSubscription(stack, jdoe, 'Granite Auto Group, P.C.'), 1, [['2026-09-01', 8]]);
    await setInvoiceLine(stack, { subscriptionId: one.sub.id, period: '2026-10', quantity: 8 });
    const row = await rowOf('2026-10', one.sub.id);
    expect(row).toMatchObject({ status: 'review', decision: null });
    expect(row.figures).toMatchObject({ quantityDifference: 7 });
    expect(row.adjustment).toMatchObject({ quantity: 7 });
    const price = Math.round(one.sub.price * 100);
    expect(row.figures?.differenceCents).toBe(7 * price);
    expect(row.reason).toContain('Pax8 invoiced 8 for October 2026; ConnectWise bills 1.');
  });

  it('posts +7 once when accepted, and nothing more when accepted again', async () => {
    const before = linesOf(stack, one.agreement.id, one.item.id).length;
    const res = await answer(
      jdoe.reconciliations.accept.$post({ json: { period: '2026-10', subscriptionIds: [one.sub.id] } }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.outcomes.map((o: { state: string }) => o.state)).toEqual(['confirmed']);
    const lines = linesOf(stack, one.agreement.id, one.item.id);
    expect(lines).toHaveLength(before + 1);
    const posted = lines.at(-1)!;
    expect(posted.quantity).toBe(7);
    expect(posted.invoiceDescription).toMatch(/^Reconciliation October 2026/);
    const row = res.body.rows.find((r: { subscriptionId: string }) => r.subscriptionId === one.sub.id)!;
    expect(row).toMatchObject({ status: 'reconciled', decision: 'accepted', opState: 'confirmed' });
    expect(row.decidedBy).toMatch(/^Jane Doe/);
    expect(row.reason).toMatch(
      new RegExp(
        `^Accepted by Jane Doe.* on \\d\\d/\\d\\d/2026; \\+7 × \\$[\\d.]+ = \\$[\\d,.]+ posted as addition #${posted.id}\\.$`,
      ),
    );

    const again = await answer(
      jdoe.reconciliations.accept.$post({ json: { period: '2026-10', subscriptionIds: [one.sub.id] } }),
    );
    expect(again.status).toBe(200);
    expect(again.body.outcomes).toEqual([]);
    expect(again.body.skipped[0]?.reason).toMatch(/^Accepted by Jane Doe/);
    expect(linesOf(stack, one.agreement.id, one.item.id)).toHaveLength(before + 1);
    // A fresh check still counts the posted line, wherever it is dated.
    expect(await rowOf('2026-10', one.sub.id)).toMatchObject({ status: 'reconciled' });
  });

  it('reopens an accepted month when Pax8 revises it up, and a second Accept posts only what remains, once', async () => {
    const price = Math.round(one.sub.price * 100);
    const before = linesOf(stack, one.agreement.id, one.item.id).length;
    await setInvoiceLine(stack, { subscriptionId: one.sub.id, period: '2026-10', quantity: 10 });
    const row = await rowOf('2026-10', one.sub.id);
    expect(row).toMatchObject({ status: 'review', decision: 'accepted' });
    expect(row.reason).toMatch(/^Pax8 revised October 2026 from 8 to 10 after Jane Doe \(jdoe\) accepted \+7 × /);
    expect(row.figures).toMatchObject({ quantityDifference: 2, differenceCents: 2 * price });
    // Before you invoice and the month's leakage count it.
    const stuck = await answer(jdoe['before-invoice'].$get());
    expect(stuck.body.review.map((r: { subscriptionId: string }) => r.subscriptionId)).toContain(one.sub.id);
    const picture = await answer(jdoe['month-picture'].$get({ query: { period: '2026-10' } }));
    expect(picture.body.total.leakageCents).toBeGreaterThanOrEqual(2 * price);
    const res = await answer(
      jdoe.reconciliations.accept.$post({ json: { period: '2026-10', subscriptionIds: [one.sub.id] } }),
    );
    expect(res.body.outcomes.map((o: { state: string }) => o.state)).toEqual(['confirmed']);
    const lines = linesOf(stack, one.agreement.id, one.item.id);
    expect(lines).toHaveLength(before + 1);
    expect(lines.at(-1)).toMatchObject({ quantity: 2, unitPrice: price / 100 });
    expect(lines.at(-1)!.invoiceDescription).toMatch(/^Reconciliation October 2026 \(revision 2\)/);
    expect(await rowOf('2026-10', one.sub.id)).toMatchObject({ status: 'reconciled' });
    const again = await answer(
      jdoe.reconciliations.accept.$post({ json: { period: '2026-10', subscriptionIds: [one.sub.id] } }),
    );
    expect(again.body.outcomes).toEqual([]);
    expect(linesOf(stack, one.agreement.id, one.item.id)).toHaveLength(before + 1);
  });

  it('reopens it again for a late credit, and posts the credit once', async () => {
    const before = linesOf(stack, one.agreement.id, one.item.id).length;
    await setInvoiceLine(stack, { subscriptionId: one.sub.id, period: '2026-10', credit: one.sub.partnerCost });
    const row = await rowOf('2026-10', one.sub.id);
    expect(row.status).toBe('review');
    expect(row.reason).toMatch(
      /^Pax8 revised October 2026 from \$[\d,.]+ to \$[\d,.]+ after Jane Doe \(jdoe\) accepted/,
    );
    expect(row.figures!.differenceCents).toBeLessThan(0);
    const res = await answer(
      jdoe.reconciliations.accept.$post({ json: { period: '2026-10', subscriptionIds: [one.sub.id] } }),
    );
    expect(res.body.outcomes.map((o: { state: string }) => o.state)).toEqual(['confirmed']);
    const lines = linesOf(stack, one.agreement.id, one.item.id);
    expect(lines).toHaveLength(before + 1);
    expect(lines.at(-1)!.quantity * lines.at(-1)!.unitPrice).toBeLessThan(0);
    expect(await rowOf('2026-10', one.sub.id)).toMatchObject({ status: 'reconciled' });
  });

  it('a retried Accept after the invoice moved posts what is due now, never the stale amount', async () => {
    const world = stack.sandboxes.world;
    const used = new Set(['Granite Auto Group, P.C.', 'Meridian Auto Group LLC', 'Ace Chemical Processing Plant']);
    const name = world.pax8.companies.find(
      (p) =>
        !used.has(p.name) &&
        world.cw.companies.some((c) => c.name === p.name) &&
        world.pax8.subscriptions.some(
          (s) =>
            s.companyId === p.id &&
            s.billingTerm === 'Monthly' &&
            s.status === 'Active' &&
            s.price > 0 &&
            world.cw.catalog.some((i) => i.identifier === world.pax8.products.find((x) => x.id === s.productId)?.sku),
        ),
    )!.name;
    const four = setBilling(stack, await mapSubscription(stack, jdoe, name), 2, [['2026-09-01', 5]]);
    await setInvoiceLine(stack, { subscriptionId: four.sub.id, period: '2026-10', quantity: 5 });
    const price = Math.round(four.sub.price * 100);
    await setFaults(stack.hostUrl, {
      rules: [{ method: 'POST', path: `/finance/agreements/${four.agreement.id}/additions`, status500: 1 }],
    });
    const failed = await answer(
      jdoe.reconciliations.accept.$post({ json: { period: '2026-10', subscriptionIds: [four.sub.id] } }),
    );
    expect(failed.body.outcomes.map((o: { state: string }) => o.state)).toEqual(['failed']);
    await setFaults(stack.hostUrl, { rules: [] });
    // Pax8 moves the month to 7 seats before anyone retries.
    await setInvoiceLine(stack, { subscriptionId: four.sub.id, period: '2026-10', quantity: 7 });
    const row = await rowOf('2026-10', four.sub.id);
    expect(row).toMatchObject({ status: 'review' });
    expect(row.reason).toMatch(/^Pax8 revised October 2026 from 5 to 7 after Jane Doe \(jdoe\) accepted\./);
    expect(row.figures).toMatchObject({ differenceCents: 5 * price });
    const retried = await answer(
      jdoe.reconciliations.accept.$post({
        json: {
          period: '2026-10',
          subscriptionIds: [four.sub.id],
        },
      }),
    );
    expect(retried.body.outcomes.map((o: { state: string }) => o.state)).toEqual(['confirmed']);
    const posted = linesOf(stack, four.agreement.id, four.item.id).filter((a) =>
      a.invoiceDescription?.startsWith('Reconciliation October 2026'),
    );
    expect(posted.map((a) => a.quantity)).toEqual([5]);
    expect(await rowOf('2026-10', four.sub.id)).toMatchObject({ status: 'reconciled' });
    // The stale +3 is set aside in the Log, not left to be retried.
    const log = await answer(jdoe.adjustments.$get({ query: {} }));
    expect(JSON.stringify(log.body)).not.toMatch(/"state":"failed"[^}]*Reconcile October 2026/);
  });

  it('writes nothing on Reject, and keeps who rejected it and why', async () => {
    two = setBilling(stack, await mapSubscription(stack, jdoe, 'Meridian Auto Group LLC'), 2, [['2026-09-01', 5]]);
    await setInvoiceLine(stack, { subscriptionId: two.sub.id, period: '2026-10', quantity: 5 });
    expect(await rowOf('2026-10', two.sub.id)).toMatchObject({ status: 'review' });
    const before = stack.sandboxes.world.cw.additions.length;
    const res = await answer(
      jdoe.reconciliations.reject.$post({
        json: {
          period: '2026-10',
          subscriptionIds: [two.sub.id],
          reason: 'Customer is on a fixed 2-seat deal',
        },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(stack.sandboxes.world.cw.additions).toHaveLength(before);
    // The answer already reads as rejected, before any check runs again.
    expect(res.body.rows.find((r: { subscriptionId: string }) => r.subscriptionId === two.sub.id)?.reason).toMatch(
      /^Rejected by Jane Doe.* on \d\d\/\d\d\/\d{4}: Customer is on a fixed 2-seat deal\.$/,
    );
    const row = await rowOf('2026-10', two.sub.id);
    expect(row).toMatchObject({ status: 'rejected', decision: 'rejected', note: 'Customer is on a fixed 2-seat deal' });
    expect(row.decidedBy).toMatch(/^Jane Doe/);
    expect(row.reason).toMatch(/^Rejected by Jane Doe.* on \d\d\/\d\d\/\d{4}: Customer is on a fixed 2-seat deal\.$/);
    const history = await answer(
      jdoe.reconciliations.history.$get({ query: { period: '2026-10', subscriptionId: two.sub.id } }),
    );
    expect(history.body.events[0]!).toMatchObject({ from: 'review', to: 'rejected' });
    expect(history.body.events[0]!.actor).toMatch(/^Jane Doe/);
  });

  it('accepts a difference within the tolerance without a person, posts nothing, and logs it as such', async () => {
    const three = setBilling(stack, await mapSubscription(stack, jdoe, 'Ace Chemical Processing Plant'), 5, [
      ['2026-09-01', 5],
    ]);
    // Pax8's cost went up a cent a seat: 5 cents more cost, about as much more due.
    await setInvoiceLine(stack, {
      subscriptionId: three.sub.id,
      period: '2026-10',
      quantity: 5,
      cost: three.sub.partnerCost + 0.01,
    });
    expect(await rowOf('2026-10', three.sub.id)).toMatchObject({ status: 'review', withinTolerance: false });
    const saved = await saveSettings(jdoe, { rules: { reconcileToleranceCents: 25 } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const before = stack.sandboxes.world.cw.additions.length;
    const row = await rowOf('2026-10', three.sub.id);
    expect(row).toMatchObject({
      status: 'reconciled',
      decision: 'auto',
      decidedBy: 'Tolerance rule',
      withinTolerance: true,
    });
    expect(row.reason).toMatch(/^Accepted within the tolerance: a difference of \$0\.\d\d is not posted\.$/);
    expect(stack.sandboxes.world.cw.additions).toHaveLength(before);
    const history = await answer(
      jdoe.reconciliations.history.$get({ query: { period: '2026-10', subscriptionId: three.sub.id } }),
    );
    expect(history.body.events[0]).toMatchObject({ actor: 'Tolerance rule', to: 'reconciled' });
    await saveSettings(jdoe, { rules: {} });
  });

  it('keeps a period whose invoice is missing Pending, with its reason', async () => {
    const row = await rowOf('2026-09', one.sub.id);
    expect(row.status).toBe('pending');
    expect(row.reason).toBe(
      "The cut-over date (10/04/2026) has passed, but Pax8's invoice for September 2026 is not there yet; it is checked again on every run.",
    );
    const future = await answer(jdoe.reconciliations.$get({ query: { period: '2026-11' } }));
    expect(future.body).toMatchObject({ due: false, cutover: '2026-12-04', rows: [] });
  });

  it('lets only members who may write additions decide, and refuses bad input by field', async () => {
    const refused = await answer(
      finance.reconciliations.accept.$post({
        json: {
          period: '2026-10',
          subscriptionIds: [one.sub.id],
        },
      }),
    );
    expect(refused.status).toBe(403);
    const bad = await answer(
      jdoe.reconciliations.reject.$post({ json: { period: '2026-13', subscriptionIds: [], reason: '' } }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/period/);
  });
});

import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from '../helpers/api.ts';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { mapSubscription, setBilling } from '../helpers/mapped.ts';
import { linesOf, setInvoiceLine } from '../helpers/reconcile.ts';
import { hostedFrame, mappedScene } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

/**
 * A month's reconciliation, as a billing lead walks it in the tab: October's invoice against
 * ConnectWise, one difference accepted (posted once), one rejected with a reason, one period
 * without an invoice, the month's picture and its chart.
 */
describe.runIf(hasBrowser)("a month's reconciliation in the tab", () => {
  let stack: Stack;
  let page: Page;
  let tab: Frame;
  let scene: Awaited<ReturnType<typeof mappedScene>>;
  let other: Awaited<ReturnType<typeof mapSubscription>>;
  const row = (id: string) => tab.locator(`[data-testid="reconcile-row"][data-subscription="${id}"]`);

  beforeAll(async () => {
    scene = await mappedScene('Granite Auto Group, P.C.', 1, [['2026-09-01', 8]]);
    stack = scene.stack;
    const call = await signedIn(stack, 'jdoe');
    other = setBilling(stack, await mapSubscription(stack, call, 'Meridian Auto Group LLC'), 2, [['2026-09-01', 5]]);
    await setInvoiceLine(stack, { subscriptionId: scene.mapped.sub.id, period: '2026-10', quantity: 8 });
    await setInvoiceLine(stack, { subscriptionId: other.sub.id, period: '2026-10', quantity: 5 });
    page = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${scene.mapped.cwCompany.id}/tab/Distributors`);
    tab = await hostedFrame(page, 'Distributors');
  });
  afterAll(async () => scene?.close());

  it('accepts one difference, rejects another with a reason, and shows the month', async () => {
    await tab.getByRole('tab', { name: 'Reconcile' }).click();
    await tab.getByLabel('Month', { exact: true }).fill('2026-10');
    const granite = row(scene.mapped.sub.id);
    await granite.waitFor();
    expect(await granite.getAttribute('data-status')).toBe('review');
    expect(await granite.textContent()).toContain('Pax8 invoiced 8 for October 2026; ConnectWise bills 1.');
    expect(await granite.getByTestId('difference').textContent()).toMatch(/^\+\$[\d,]+\.\d\d\+7 × \$/);
    await screenshot(page, 'reconcile-october');

    // Accept asks first, says what it posts, then posts it once.
    await granite.getByRole('checkbox').check();
    expect(await tab.getByTestId('picked-count').textContent()).toBe('1 selected');
    await tab.getByRole('button', { name: 'Accept…' }).click();
    expect(await tab.getByTestId('confirm').textContent()).toMatch(/Post 1 difference \(\+\$[\d,.]+\) to ConnectWise/);
    const before = linesOf(stack, scene.mapped.agreement.id, scene.mapped.item.id).length;
    await tab.getByRole('button', { name: 'Post 1 line' }).click();
    await expect.poll(() => granite.getAttribute('data-status')).toBe('reconciled');
    expect(await granite.textContent()).toMatch(
      /Accepted by Jane Doe.* \+7 × \$[\d.]+ = \$[\d,.]+ posted as addition #\d+/,
    );
    const lines = linesOf(stack, scene.mapped.agreement.id, scene.mapped.item.id);
    expect(lines).toHaveLength(before + 1);
    expect(lines.at(-1)!.quantity).toBe(7);

    // Reject needs a reason, and writes nothing.
    const meridian = row(other.sub.id);
    await meridian.getByRole('checkbox').check();
    await tab.getByRole('button', { name: 'Reject…' }).click();
    const rejectButton = tab.getByRole('button', { name: 'Reject, writing nothing' });
    expect(await rejectButton.isDisabled()).toBe(true);
    await tab.getByLabel('Reason for rejecting').fill('Fixed 2-seat deal until renewal');
    const additions = stack.sandboxes.world.cw.additions.length;
    await rejectButton.click();
    await expect.poll(() => meridian.getAttribute('data-status')).toBe('rejected');
    expect(await meridian.textContent()).toMatch(/Rejected by Jane Doe.*: Fixed 2-seat deal until renewal\./);
    expect(stack.sandboxes.world.cw.additions).toHaveLength(additions);

    // The month's picture adds up, and its chart has twelve months.
    const picture = tab.getByTestId('month-picture');
    expect(await picture.textContent()).toContain('October 2026: the month');
    const chart = tab.getByTestId('margin-chart');
    expect(await chart.locator('rect.bar').count()).toBe(12);
    // Only October is reconciled: the other months are named as such, and the line is one point, not a run of $0.00.
    const titles = await chart.locator('rect.bar title').allTextContents();
    expect(titles.filter((t) => t.endsWith('nothing reconciled'))).toHaveLength(11);
    expect(await chart.locator('path.margin').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+$/);
    // The licence axis's label sits wholly inside the chart.
    const axis = await chart.getByTestId('licence-axis').boundingBox();
    const svg = await chart.locator('svg').boundingBox();
    expect(axis!.x).toBeGreaterThanOrEqual(svg!.x);
    await tab.getByRole('button', { name: 'Pending Review' }).first().click();
    await screenshot(page, 'reconcile-decided');

    // September has no invoice: Pending, saying so.
    await tab.getByRole('button', { name: /^All/ }).click();
    await tab.getByLabel('Month', { exact: true }).fill('2026-09');
    await expect.poll(() => row(scene.mapped.sub.id).getAttribute('data-status')).toBe('pending');
    expect(await row(scene.mapped.sub.id).textContent()).toMatch(
      /The cut-over date \(10\/04\/2026\) has passed, but Pax8's invoice for September 2026 is not there yet/,
    );
  });
});

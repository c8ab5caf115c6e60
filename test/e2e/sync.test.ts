import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from '../helpers/api.ts';
import { hasBrowser, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { mapSubscription, setBilling } from '../helpers/mapped.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('syncing a seat increase from the tab', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let pod: FrameLocator;
  let mapped: Awaited<ReturnType<typeof mapSubscription>>;
  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    const call = await signedIn(stack, 'jdoe');
    mapped = await mapSubscription(stack, call, 'Ace Chemical Processing Plant');
    // ConnectWise bills the seats Pax8 had before this month.
    setBilling(stack, mapped, mapped.sub.quantity, [['2026-08-01', mapped.sub.quantity]], 99_001);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('reviews the recurring update and the prorate, confirms, and ConnectWise and the tab agree', async () => {
    const before = mapped.sub.quantity;
    // The partner adds 3 seats in Pax8 on the 10th.
    const res = await fetch(`${stack.sandboxes.pax8.url}/__sandbox/subscriptions/${mapped.sub.id}/quantity`, {
      method: 'POST',
      body: JSON.stringify({ quantity: before + 3, at: '2026-11-10T14:00:00Z' }),
    });
    expect(res.status).toBe(200);

    await page.goto(`${stack.hostUrl}/#/company/${mapped.cwCompany.id}/tab/Distributors`);
    pod = page.frameLocator('iframe[title="Distributors"]');
    const row = pod.locator(`[data-subscription="${mapped.sub.id}"]`);
    await expect.poll(() => row.getByTestId('state').textContent()).toBe('Out of sync');
    expect(await row.textContent()).toContain(`ConnectWise ${before}, Pax8 ${before + 3} (+3)`);
    // The history names the change of the 10th as not billed yet, with what the sync would write.
    await row.getByRole('button', { name: 'History' }).click();
    const change = pod.locator('[data-testid="history-change"]').last();
    await expect.poll(() => change.getAttribute('data-status')).toBe('unbilled');
    expect(await change.textContent()).toMatch(
      /^11\/10\/2026.*\+3.*Not billed yet.*Creating prorated addition: \$[\d.]+ waits to be written/,
    );
    await row.getByRole('button', { name: 'Hide history' }).click();
    await row.getByRole('button', { name: 'Review sync…' }).click();

    const cards = pod.getByTestId('operation');
    await expect.poll(() => cards.count()).toBe(2);
    expect(await cards.nth(0).getAttribute('data-type')).toBe('update-recurring');
    expect(await cards.nth(0).textContent()).toMatch(/Updating current ConnectWise addition/);
    expect(await cards.nth(0).textContent()).toMatch(/Cannot be changed when updating an existing addition/);
    expect(await cards.nth(1).getAttribute('data-type')).toBe('create-prorate');
    const unit = Math.round((mapped.sub.price * 100 * 20) / 30) / 100;
    expect(await cards.nth(1).getByTestId('total-price').textContent()).toBe(
      `$${(unit * 3).toFixed(2)} ($${unit.toFixed(2)} × 3 units)`,
    );
    expect(await cards.nth(1).textContent()).toMatch(/Prorated period.*11\/10\/2026 - 11\/30\/2026/);
    await screenshot(page, 'sync-review');

    await pod.getByRole('button', { name: 'Confirm sync' }).click();
    await expect.poll(() => pod.getByTestId('results').textContent()).toMatch(/2 of 2 written to ConnectWise/);
    await screenshot(page, 'sync-results');

    const additions = stack.sandboxes.world.cw.additions.filter(
      (a) => a.agreementId === mapped.agreement.id && a.product.id === mapped.item.id,
    );
    expect(additions.find((a) => a.id === 99_001)?.quantity).toBe(before + 3);
    expect(additions.find((a) => a.serialNumber?.startsWith('p8s:'))).toMatchObject({
      quantity: 3,
      unitPrice: unit,
      effectiveDate: '2026-12-01T00:00:00Z',
      cancelledDate: '2026-12-31T00:00:00Z',
    });

    await pod.getByRole('button', { name: '← Back to the company' }).click();
    await expect
      .poll(() => pod.locator(`[data-subscription="${mapped.sub.id}"]`).getByTestId('state').textContent())
      .toBe('In sync');
    // Now the same change is billed, by the prorate just written.
    await pod.locator(`[data-subscription="${mapped.sub.id}"]`).getByRole('button', { name: 'History' }).click();
    const billed = pod.locator('[data-testid="history-change"]').last();
    await expect.poll(() => billed.getAttribute('data-status')).toBe('billed');
    expect(await billed.textContent()).toMatch(/Prorate written \(addition #\d+\)/);
    await screenshot(page, 'sync-history');
    await page.goto(`${stack.hostUrl}/#/agreement/${mapped.agreement.id}`);
    await expect
      .poll(() => page.getByTestId('additions-grid').textContent())
      .toContain('Prorated for 11/10/2026-11/30/2026');
    await screenshot(page, 'sync-agreement-additions');
  });

  it('lists both writes in the log with the member', async () => {
    await page.goto(`${stack.hostUrl}/#/company/${mapped.cwCompany.id}/tab/Distributors`);
    pod = page.frameLocator('iframe[title="Distributors"]');
    await pod.getByRole('tab', { name: 'Log' }).click();
    await expect
      .poll(() => pod.locator('[data-testid="log-row"][data-outcome="success"]').count())
      .toBeGreaterThanOrEqual(2);
    expect(await pod.getByTestId('log-row').first().textContent()).toMatch(/Jane Doe/);
    await screenshot(page, 'sync-log');
  });
});

import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedDayClock } from '../../server/clock.ts';
import { type Caller, signedIn } from '../helpers/api.ts';
import { hasBrowser, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { SANDBOX_TODAY } from '../helpers/sandbox.ts';
import { type Stack, startStack } from '../helpers/stack.ts';
import { mapGuideUsage, type mapUsage, usageLines } from '../helpers/usage.ts';

/**
 * A billing lead walks last month's usage in the tab: Oxford Senior Living's Proofpoint with
 * Multi Products (the guide's figures), one sub-product's sync switched off and on again on the
 * Products page, and Gibson, Pott, and York's Azure plan billed once with a markup.
 */
describe.runIf(hasBrowser)('usage reviews in the tab', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let tab: FrameLocator;
  let jdoe: Caller;
  let proofpoint: Awaited<ReturnType<typeof mapUsage>>;
  let azure: Awaited<ReturnType<typeof mapUsage>>;
  beforeAll(async () => {
    // The sandbox's own day, so last month's usage is final and this month's shows in the panel.
    stack = await startStack({ clock: pinnedDayClock(SANDBOX_TODAY) });
    browser = await launchBrowser();
    jdoe = await signedIn(stack, 'jdoe');
    ({ proofpoint, azure } = await mapGuideUsage(stack, jdoe));
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.hostUrl, 'jdoe');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const openReview = async (cwCompanyId: number, subscriptionId: string) => {
    // A fresh load of the tab, as Manage gives when the company is opened again.
    await page.goto(`${stack.hostUrl}/#/company/${cwCompanyId}/tab/Distributors`);
    await page.reload();
    tab = page.frameLocator('iframe[title="Distributors"]');
    const row = tab.locator(`[data-subscription="${subscriptionId}"]`);
    await row.getByRole('button', { name: 'Review usage…' }).click();
    await expect.poll(() => tab.getByTestId('usage-line').count()).toBeGreaterThan(0);
  };
  const line = (name: string) => tab.locator('[data-testid="usage-line"]', { hasText: name });

  it('reviews Proofpoint with Multi Products, the guide’s figures to the cent, and writes it once', async () => {
    await openReview(proofpoint.agreement.company.id, proofpoint.sub.id);
    expect(await tab.getByRole('radio', { name: 'Multi Products' }).isChecked()).toBe(true);
    const business = line('Proofpoint Business');
    expect(await business.getAttribute('data-status')).toBe('Creating');
    expect((await business.textContent())!.replace(/\s+/g, ' ')).toMatch(/44.*\$1\.79.*\$3\.25.*\$143\.00/);
    expect((await line('Proofpoint Advanced').textContent())!.replace(/\s+/g, ' ')).toMatch(
      /15.*\$2\.44.*\$3\.00.*\$45\.00/,
    );
    // Beginner and Professional are used but not bound: shown, skipped, and why.
    expect(await line('Proofpoint Beginner').textContent()).toMatch(/not bound to a ConnectWise product/);
    expect(await tab.getByTestId('usage-panel').textContent()).toContain('oxfordseniorliving.com');
    await screenshot(page, 'usage-proofpoint-review');

    await tab.getByRole('button', { name: 'Confirm sync' }).click();
    await expect.poll(() => tab.getByTestId('usage-results').textContent()).toMatch(/confirmed.*confirmed/);
    expect(
      usageLines(stack, proofpoint.agreement.id)
        .map((a) => [a.quantity, a.unitPrice])
        .sort(),
    ).toEqual([
      [15, 3],
      [44, 3.25],
    ]);
    await tab.getByRole('button', { name: '← Back to the company' }).click();
    await openReview(proofpoint.agreement.company.id, proofpoint.sub.id);
    expect(await line('Proofpoint Business').getAttribute('data-status')).toBe('Unchanged');
    expect(await tab.getByRole('button', { name: 'Nothing to write' }).isDisabled()).toBe(true);
  });

  it('turns one sub-product’s usage sync off (nothing written for it) and on again', async () => {
    await tab.getByRole('tab', { name: 'Products' }).click();
    const toggle = tab.getByRole('switch', { name: 'Usage sync for Proofpoint Essentials - Business' });
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await screenshot(page, 'usage-products-switch');
    const written = usageLines(stack, proofpoint.agreement.id).map((a) => ({ ...a }));

    await openReview(proofpoint.agreement.company.id, proofpoint.sub.id);
    expect(await line('Proofpoint Business').first().textContent()).toMatch(/Usage sync is off/);
    expect(usageLines(stack, proofpoint.agreement.id)).toEqual(written);

    await tab.getByRole('tab', { name: 'Products' }).click();
    await tab.getByRole('switch', { name: 'Usage sync for Proofpoint Essentials - Business' }).check();
    await openReview(proofpoint.agreement.company.id, proofpoint.sub.id);
    expect(await line('Proofpoint Business').getAttribute('data-status')).toBe('Unchanged');
    expect(usageLines(stack, proofpoint.agreement.id)).toEqual(written);
  });

  it('bills an Azure month as one line at the marked-up total', async () => {
    await openReview(azure.agreement.company.id, azure.sub.id);
    expect(await tab.getByRole('radio', { name: 'Usage Summary' }).isChecked()).toBe(true);
    const settings = tab.getByTestId('usage-settings');
    await settings.getByLabel('Markup %').fill('15');
    await settings.getByRole('button', { name: 'Save and re-plan' }).click();
    await expect.poll(() => tab.getByTestId('usage-note').count()).toBe(0);
    const summary = stack.sandboxes.world.pax8.usageSummaries.find((u) => u.subscriptionId === azure.sub.id)!;
    const cost = stack.sandboxes.world.pax8.usageLines
      .filter((l) => l.usageSummaryId === summary.id && l.usageDate === '2026-10-31')
      .reduce((n, l) => n + Math.round(l.partnerTotal * 1_000_000), 0);
    const cents = Number((BigInt(cost) * 115n + 500_000n) / 1_000_000n);
    const total = `$${(cents / 100).toFixed(2)}`;
    await expect.poll(() => tab.getByTestId('usage-lines').textContent()).toContain(total);
    expect(await tab.getByTestId('usage-line').count()).toBe(1);
    await screenshot(page, 'usage-azure-review');
    await tab.getByRole('button', { name: 'Confirm sync' }).click();
    await expect.poll(() => tab.getByTestId('usage-results').textContent()).toMatch(/confirmed/);
    const lines = usageLines(stack, azure.agreement.id);
    expect(lines.map((a) => [a.quantity, Math.round(a.unitPrice * 100)])).toEqual([[1, cents]]);
  });
});

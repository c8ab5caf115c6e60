import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from '../helpers/api.ts';
import { hasBrowser, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { mapSubscription, setBilling } from '../helpers/mapped.ts';
import { FAST_RETRY, setFaults } from '../helpers/sandbox.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

/**
 * A prorate refused with a 500 while its recurring update lands: the subscription is out of
 * sync on the tab, the agreement pod and the unsynced report, with the failure, until the
 * Log's Retry writes it; then it is in sync everywhere.
 */
describe.runIf(hasBrowser)('a failed prorate is never shown as in sync', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let mapped: Awaited<ReturnType<typeof mapSubscription>>;
  beforeAll(async () => {
    stack = await startStack({ cw: { timeoutMs: 1500, retry: FAST_RETRY } });
    browser = await launchBrowser();
    const call = await signedIn(stack, 'jdoe');
    mapped = setBilling(stack, await mapSubscription(stack, call, 'Granite Auto Group, P.C.'), 2, [
      ['2026-08-01', 2],
      ['2026-11-10', 4],
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('out of sync on the tab, the pod and the report, with the failure; in sync after Retry', async () => {
    await page.goto(`${stack.hostUrl}/#/company/${mapped.cwCompany.id}/tab/Distributors`);
    const tab = page.frameLocator('iframe[title="Distributors"]');
    const row = () => tab.locator(`[data-subscription="${mapped.sub.id}"]`);
    await row().getByRole('button', { name: 'Review sync…' }).click();
    await expect.poll(() => tab.getByTestId('operation').count()).toBe(2);
    // ConnectWise refuses the prorate's POST once; the recurring update (a PATCH) lands.
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    await tab.getByRole('button', { name: 'Confirm sync' }).click();
    await expect.poll(() => tab.getByTestId('results').textContent()).toMatch(/1 of 2 written/);
    await setFaults(stack.hostUrl, { rules: [] });

    await tab.getByRole('button', { name: '← Back to the company' }).click();
    await expect.poll(() => row().textContent()).toMatch(/Creating prorated addition \(\$[\d,.]+ once; failed/);
    expect(await row().getByTestId('state').textContent()).toBe('Out of sync');
    await screenshot(page, 'honest-state-tab');

    // The unsynced report, after a check.
    await tab.getByRole('tab', { name: 'Settings' }).click();
    await tab.getByRole('button', { name: 'Check only (write nothing)' }).click();
    // The check is a job: under load a worker may take a moment to pick it up.
    await expect
      .poll(() => tab.getByTestId('run-row').first().textContent(), { timeout: 30_000 })
      .toMatch(/succeeded|partial/);
    await tab.getByRole('tab', { name: 'Unsynced' }).click();
    const reportRow = tab.getByTestId('report-row').filter({ hasText: 'Granite Auto Group' });
    await expect.poll(() => reportRow.count()).toBeGreaterThan(0);
    expect(await reportRow.first().textContent()).toMatch(/Creating prorated addition \(\$[\d,.]+ once; failed/);
    await screenshot(page, 'honest-state-report');

    // The agreement pod.
    await page.goto(`${stack.hostUrl}/#/agreement/${mapped.agreement.id}`);
    const pod = page.frameLocator('iframe[title="Unsynced subscriptions"]');
    await expect.poll(() => pod.locator(`[data-subscription="${mapped.sub.id}"]`).count()).toBe(1);
    await screenshot(page, 'honest-state-pod');

    // Retry from the Log: written once, and in sync on the tab.
    await page.goto(`${stack.hostUrl}/#/company/${mapped.cwCompany.id}/tab/Distributors`);
    await tab.getByRole('tab', { name: 'Log' }).click();
    const failed = tab.getByTestId('log-row').filter({ has: tab.getByRole('button', { name: 'Retry' }) });
    await expect.poll(() => failed.count()).toBe(1);
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => failed.count()).toBe(0);
    await tab.getByRole('tab', { name: 'This company' }).click();
    await expect.poll(() => row().getByTestId('state').textContent()).toBe('In sync');
    const prorates = stack.sandboxes.world.cw.additions.filter(
      (a) => a.agreementId === mapped.agreement.id && a.serialNumber?.startsWith('p8s:'),
    );
    expect(prorates).toHaveLength(1);
  }, 90_000);
});

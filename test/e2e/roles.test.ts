import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, signedIn } from '../helpers/api.ts';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { setFaults } from '../helpers/sandbox.ts';
import { mappedScene } from '../helpers/scene.ts';

/**
 * A Finance member, whose ConnectWise role may only look at agreements, sees everything and can
 * start nothing that writes: each such action is disabled with the reason before any form.
 */
describe.runIf(hasBrowser)('what a member may do shows before she acts', () => {
  let scene: Awaited<ReturnType<typeof mappedScene>>;
  let page: Page;
  beforeAll(async () => {
    scene = await mappedScene('Oxford Senior Living', 2, [
      ['2026-08-01', 2],
      ['2026-11-10', 4],
    ]);
  });
  afterAll(async () => scene?.close());

  const open = async (member: string) => {
    page = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, scene.stack.hostUrl, member);
    await page.goto(`${scene.stack.hostUrl}/#/company/${scene.mapped.cwCompany.id}/tab/Distributors`);
    const tab = page.frameLocator('iframe[title="Distributors"]');
    await expect.poll(() => tab.getByTestId('record-name').textContent()).toBe(scene.mapped.cwCompany.name);
    return tab;
  };

  it('kpark (Finance) sees read-only settings and disabled write actions, each with the reason', async () => {
    const tab = await open('kpark');
    const reason = /Your ConnectWise security role \(Finance\) does not allow adding and editing agreement additions/;
    expect(await tab.getByTestId('role-note').textContent()).toMatch(reason);
    const row = tab.locator(`[data-subscription="${scene.mapped.sub.id}"]`);
    await row.getByRole('button', { name: 'Review sync…' }).click();
    const confirm = tab.getByRole('button', { name: 'Confirm sync' });
    await expect.poll(() => confirm.isDisabled()).toBe(true);
    expect(await confirm.getAttribute('title')).toMatch(reason);
    await screenshot(page, 'roles-finance-review');

    await tab.getByRole('tab', { name: 'Settings' }).click();
    await expect.poll(() => tab.getByTestId('settings-form').getAttribute('disabled')).not.toBeNull();
    expect(await tab.getByRole('checkbox', { name: /Sync automatically/ }).isDisabled()).toBe(true);
    expect(await tab.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
    expect(await tab.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    // A check writes nothing, so she may run one.
    expect(await tab.getByRole('button', { name: 'Check only (write nothing)' }).isEnabled()).toBe(true);
    expect(await tab.getByTestId('role-note').textContent()).toMatch(/editing all agreements/);
    await screenshot(page, 'roles-finance-settings');

    await tab.getByRole('tab', { name: 'Products' }).click();
    await expect.poll(() => tab.getByRole('button', { name: 'Export…' }).count()).toBeGreaterThan(0);
    expect(await tab.getByRole('button', { name: 'Export…' }).first().isDisabled()).toBe(true);
    expect(await tab.getByTestId('role-note').textContent()).toMatch(/Procurement › Product Catalog/);

    await tab.getByRole('tab', { name: 'Companies' }).click();
    await expect.poll(() => tab.getByRole('button', { name: 'Create in ConnectWise…' }).count()).toBeGreaterThan(0);
    expect(await tab.getByRole('button', { name: 'Create in ConnectWise…' }).first().isDisabled()).toBe(true);
    expect(await tab.getByTestId('role-note').textContent()).toMatch(/Company Maintenance/);
    await page.close();
  });

  it("kpark's Log tells her who can retry a failed write, instead of offering what she cannot do", async () => {
    // jdoe confirms while ConnectWise refuses new lines: the prorate fails and waits in the Log.
    const jdoe = await signedIn(scene.stack, 'jdoe');
    const review = await answer(jdoe.subscriptions[':id'].plan.$get({ param: { id: scene.mapped.sub.id }, query: {} }));
    await setFaults(scene.stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    try {
      await answer(
        jdoe.plans.confirm.$post({ json: { subscriptionId: scene.mapped.sub.id, basis: review.body.plan.basis } }),
      );
    } finally {
      await setFaults(scene.stack.hostUrl, { rules: [] });
    }
    const tab = await open('kpark');
    await tab.getByRole('tab', { name: 'Log' }).click();
    const failed = tab.locator('[data-testid="log-row"]:not([data-outcome="success"])').first();
    await expect.poll(() => failed.count()).toBe(1);
    expect(await failed.textContent()).toMatch(
      /A member whose ConnectWise role may write agreement additions can retry or waive it/,
    );
    expect(await failed.textContent()).not.toMatch(/can be retried once the cause is fixed/);
    expect(await failed.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    // ConnectWise's raw answer (its API path, its status) waits behind a details toggle.
    const details = failed.getByTestId('log-details');
    expect(await details.locator('summary').textContent()).toBe('ConnectWise gave no clear answer');
    expect(await details.getByText(/answered 500/).isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.getByText(/answered 500/).isVisible()).toBe(true);
    await screenshot(page, 'roles-finance-log');
    await page.close();
  });

  it('jdoe (Admin) gets the same screens with everything enabled and no note', async () => {
    const tab = await open('jdoe');
    await tab.getByRole('tab', { name: 'Settings' }).click();
    await expect.poll(() => tab.getByRole('button', { name: 'Save settings' }).isEnabled()).toBe(true);
    expect(await tab.getByTestId('settings-form').getAttribute('disabled')).toBeNull();
    expect(await tab.getByRole('button', { name: 'Sync now' }).isEnabled()).toBe(true);
    expect(await tab.getByTestId('role-note').count()).toBe(0);
    await page.close();
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { mappedScene } from '../helpers/scene.ts';

/**
 * Settings as an administrator uses them: a schedule chosen from presets in the tenant's time
 * zone with its next runs shown, and a run started here that ends with a summary and a way on.
 */
describe.runIf(hasBrowser)('the schedule and a run from Settings', () => {
  let scene: Awaited<ReturnType<typeof mappedScene>>;
  let page: Page;
  beforeAll(async () => {
    scene = await mappedScene('Oxford Senior Living', 2, [
      ['2026-08-01', 2],
      ['2026-11-10', 4],
    ]);
    page = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, scene.stack.hostUrl, 'jdoe');
  });
  afterAll(async () => scene?.close());

  it('saves "weekdays at 18:00" in New York time, shows the next runs, and ends a check with a summary', async () => {
    await page.goto(`${scene.stack.hostUrl}/#/company/${scene.mapped.cwCompany.id}/tab/Distributors`);
    const tab = page.frameLocator('iframe[title="Distributors"]');
    await tab.getByRole('tab', { name: 'Settings' }).click();
    await tab.getByRole('checkbox', { name: /Sync automatically/ }).check();
    await tab.getByLabel('Time zone').selectOption('America/New_York');
    await tab.getByLabel(/^When/).selectOption('weekdays');
    await tab.getByLabel('At', { exact: true }).fill('18:00');
    expect(await tab.getByTestId('schedule-words').textContent()).toBe(
      'Weekdays (Monday to Friday) at 18:00 (America/New_York)',
    );
    await tab.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => tab.getByTestId('next-runs').textContent()).toMatch(/18:00.*\(America\/New_York\)/);
    expect(await scene.stack.jobs.boss.getSchedule('tenant-sync', scene.stack.tenantId)).toMatchObject({
      cron: '0 18 * * 1-5',
      timezone: 'America/New_York',
    });

    await tab.getByRole('button', { name: 'Check only (write nothing)' }).click();
    await expect.poll(() => tab.getByTestId('run-summary').count(), { timeout: 30_000 }).toBe(1);
    expect(await tab.getByTestId('run-summary').textContent()).toMatch(/^0 written · 0 failed · \d+ left for a person/);
    await screenshot(page, 'settings-schedule-and-summary');
    // A check writes nothing, so there is no Log to open; what waits for a person is one click away.
    expect(await tab.getByRole('button', { name: "Open this run's writes in the Log" }).count()).toBe(0);
    const left = Number(/(\d+) left for a person/.exec((await tab.getByTestId('run-summary').textContent())!)![1]);
    // A check writes nothing: every row the report lists is left for a person, and counted.
    expect(left).toBeGreaterThan(0);
    await tab.getByRole('button', { name: 'Open what waits for a person (Unsynced)' }).click();
    await expect.poll(() => tab.getByTestId('report').count()).toBe(1);
    await expect
      .poll(() => tab.locator('[data-testid="report-row"]:not([data-state="over-billing"])').count())
      .toBe(left);
  });

  it('sets how soon commitments are flagged and renewals listed, and keeps who set it', async () => {
    const tab = page.frameLocator('iframe[title="Distributors"]');
    // Each visit reads the settings again: held back here, the answer comes after she has typed,
    // and must not undo it.
    const isRead = (url: string, method: string) => url.endsWith('/api/settings') && method === 'GET';
    await page.route('**/api/settings', async (route) => {
      if (isRead(route.request().url(), route.request().method())) await new Promise((r) => setTimeout(r, 500));
      await route.continue();
    });
    const reread = page.waitForResponse((r) => isRead(r.url(), r.request().method()));
    await tab.getByRole('tab', { name: 'Settings' }).click();
    await tab.getByLabel(/List commitments whose window closes within/).fill('48');
    await reread;
    await page.unroute('**/api/settings');
    await tab.getByLabel(/Review renewals this many days ahead/).fill('45');
    await tab.getByLabel(/Review renewals this many days ahead/).blur();
    await tab.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => tab.getByTestId('settings-changes').locator('tr').first().textContent(), { timeout: 15_000 })
      .toMatch(/Jane Doe \(jdoe\)renewal notice \(days\): 30 → 45; commitment horizon \(hours\): 72 → 48$/);
  });

  it('skips prorates under the minimum set here, says so in the review, and keeps who set it', async () => {
    const tab = page.frameLocator('iframe[title="Distributors"]');
    await tab.getByRole('tab', { name: 'Settings' }).click();
    await tab.getByLabel(/Skip prorates under/).fill('1000');
    await tab.getByLabel(/Skip prorates under/).blur();
    await tab.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => tab.getByTestId('settings-changes').locator('tr').first().textContent(), { timeout: 15_000 })
      .toMatch(/Jane Doe \(jdoe\).*prorate minimum: \$0\.00 → \$1,000\.00/);
    await tab.getByRole('tab', { name: 'This company' }).click();
    await tab
      .locator(`[data-subscription="${scene.mapped.sub.id}"]`)
      .getByRole('button', { name: 'Review sync…' })
      .click();
    await expect.poll(() => tab.getByTestId('operation').count()).toBe(1);
    expect(await tab.getByTestId('operation').getAttribute('data-type')).toBe('update-recurring');
    expect(await tab.getByTestId('review').textContent()).toMatch(
      /Creating prorated addition of \$[\d.]+ is not written: it is under the \$1,000\.00 prorate minimum/,
    );
    await screenshot(page, 'settings-prorate-minimum');
  });

  it('names a bad recipient beside the field, in the words of the form, and saves nothing', async () => {
    const tab = page.frameLocator('iframe[title="Distributors"]');
    await tab.getByRole('tab', { name: 'Settings' }).click();
    const panel = tab.getByTestId('notifications');
    await panel.getByLabel('Send a digest').selectOption('daily');
    await panel.getByLabel('Recipients').fill('billing@sandbox-msp.example, not-an-address');
    await panel.getByRole('button', { name: 'Save notifications' }).click();
    await expect
      .poll(() => panel.getByTestId('recipients-error').textContent())
      .toBe('not-an-address: use an address such as billing@example.com');
    expect(await panel.getByTestId('notify-message').textContent()).toBe(
      'Nothing was saved: check the fields marked below.',
    );
    await screenshot(page, 'settings-field-error');
  });
});

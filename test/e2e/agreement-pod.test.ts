import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, signedIn } from '../helpers/api.ts';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { setFaults } from '../helpers/sandbox.ts';
import { mappedScene } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('the unsynced-subscriptions pod on an agreement', () => {
  let stack: Stack;
  let page: Page;
  let mapped: Awaited<ReturnType<typeof mappedScene>>['mapped'];
  let close: () => Promise<void>;
  beforeAll(async () => {
    // ConnectWise bills 4 seats; Pax8 went to 6 on the 12th.
    const scene = await mappedScene(
      'Oxford Senior Living',
      4,
      [
        ['2026-08-01', 4],
        ['2026-11-12', 6],
      ],
      99_100,
    );
    ({ stack, mapped, close } = scene);
    page = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'nross');
  });
  afterAll(async () => close?.());

  it('lists the subscription, syncs it from the pod, and the pod and the additions grid update', async () => {
    await page.goto(`${stack.hostUrl}/#/agreement/${mapped.agreement.id}`);
    const pod = page.frameLocator('iframe[title="Unsynced subscriptions"]');
    const row = pod.locator(`[data-testid="pod-row"][data-subscription="${mapped.sub.id}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(2, 5)).toEqual(['4', '6', `+$${(mapped.sub.price * 2).toFixed(2)}`]);
    expect(await page.getByTestId('additions-grid').textContent()).not.toContain('Prorated for');
    await screenshot(page, 'pod-unsynced');

    // The full review opens in the pod, and comes back.
    await row.getByRole('button', { name: 'Review…' }).click();
    await expect.poll(() => pod.getByTestId('operation').count()).toBe(2);
    await pod.getByRole('button', { name: '← Back' }).click();
    await expect.poll(() => row.count()).toBe(1);

    await row.getByRole('button', { name: 'Sync…' }).click();
    // The confirmation names the product, each change with its money, and the total.
    const confirm = pod.getByTestId('pod-confirm');
    expect(await confirm.textContent()).toMatch(
      new RegExp(`^Write 2 changes for ${mapped.sub.productName.replace(/[()]/g, '.')} to ConnectWise\\?`),
    );
    expect(await confirm.locator('li').allTextContents()).toEqual([
      `Updating current ConnectWise addition: +$${(mapped.sub.price * 2).toFixed(2)} a month`,
      expect.stringMatching(/^Creating prorated addition: \$\d+\.\d\d once$/),
    ]);
    expect(await pod.getByTestId('pod-confirm-total').textContent()).toMatch(
      /^In all: \+\$\d+\.\d\d a month and \$\d+\.\d\d once\.$/,
    );
    await confirm.getByRole('button', { name: 'Confirm' }).click();

    // The pod asked Manage to refresh: the host's grid shows the new lines, and onLoad reloads the pod.
    await expect
      .poll(() => page.getByTestId('additions-grid').textContent())
      .toContain('Prorated for 11/12/2026-11/30/2026');
    await expect
      .poll(() => pod.locator(`[data-testid="pod-row"][data-subscription="${mapped.sub.id}"]`).count())
      .toBe(0);
    expect(await pod.getByTestId('pod-message').textContent()).toBe('Synced: 2 additions written.');
    await page.click('details.log summary');
    expect(await page.textContent('#protocol-log')).toMatch(/"hosted_request":"refreshScreen"/);
    await screenshot(page, 'pod-after-sync');

    const log = await answer((await signedIn(stack, 'nross')).adjustments.$get({ query: {} }));
    expect(
      log.body.filter(
        (l: { actorName: string; outcome: string }) => l.actorName === 'Nicholas Ross' && l.outcome === 'success',
      ).length,
    ).toBe(2);
  });

  it('says in the pod which changes were not written and why, since the pod has no Log of its own', async () => {
    // Pax8 goes to 8 seats today, as a partner would change it; ConnectWise refuses the new prorate line.
    const changed = await fetch(`${stack.sandboxes.pax8.url}/__sandbox/subscriptions/${mapped.sub.id}/quantity`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 8 }),
    });
    expect(changed.status).toBe(200);
    await setFaults(stack.hostUrl, { rules: [{ method: 'POST', path: '/additions$', status500: 1_000 }] });
    try {
      await page.goto(`${stack.hostUrl}/#/agreement/${mapped.agreement.id}`);
      const pod = page.frameLocator('iframe[title="Unsynced subscriptions"]');
      const row = pod.locator(`[data-testid="pod-row"][data-subscription="${mapped.sub.id}"]`);
      // The page is already on this agreement: reload it, as the member would.
      await page.reload();
      await row.getByRole('button', { name: 'Sync…' }).click();
      await pod.getByTestId('pod-confirm').getByRole('button', { name: 'Confirm' }).click();
      const message = pod.getByTestId('pod-message');
      await expect
        .poll(() => message.textContent(), { timeout: 30_000 })
        .toMatch(
          new RegExp(
            '^1 of 2 written\\. Not written: Creating prorated addition: ConnectWise did not confirm the write, ' +
              'and reading the agreement back shows it was not made\\. Nothing was billed; it can be retried safely\\.',
          ),
        );
      // ConnectWise's own words (method, path, status) are there, folded away, not in the sentence.
      const sentence = await message.evaluate((el) => el.firstChild?.textContent ?? '');
      expect(sentence).not.toMatch(/POST|\/finance\/|500/);
      expect(await message.getByTestId('error-details').textContent()).toMatch(
        /POST \/\S*finance\/agreements\/\d+\/additions answered 500/,
      );
      expect(await message.getByTestId('error-details').isVisible()).toBe(true);
      // The link opens that sync's entries of the Log inside the pod, with Retry for a member who may.
      await message.getByRole('button', { name: 'Open in the Log' }).click();
      await expect.poll(() => pod.getByTestId('log-row').count()).toBe(2);
      expect(await pod.getByTestId('log-focus').textContent()).toMatch(/entries of that sync only/);
      const failed = pod.locator('[data-testid="log-row"]:not([data-outcome="success"])');
      expect(await failed.getByRole('button', { name: 'Retry' }).isEnabled()).toBe(true);
      await screenshot(page, 'pod-failure-log');
      await pod.getByRole('button', { name: '← Back' }).click();
      await expect.poll(() => row.count()).toBe(1);
    } finally {
      await setFaults(stack.hostUrl, { rules: [] });
    }
  }, 60_000);

  /** Whether an element lies wholly inside the frame's viewport, across and down. */
  const visibleIn = (frame: Frame, selector: string) =>
    frame.$eval(selector, (el) => {
      const r = el.getBoundingClientRect();
      return (
        r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0
      );
    });

  for (const width of [460, 400]) {
    it(`fits Manage's pod at ${width} × 280: no horizontal scroll, the money and Confirm in view`, async () => {
      // Pax8 moves again, so the row is back with changes to confirm.
      await fetch(`${stack.sandboxes.pax8.url}/__sandbox/subscriptions/${mapped.sub.id}/quantity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ quantity: 9 + (width % 7) }),
      });
      await page.goto(`${stack.hostUrl}/#/agreement/${mapped.agreement.id}`);
      await page.reload();
      // The host page lays its pods out once it has read the screen's setups: wait for the first.
      await page.waitForSelector('#pod-0');
      await page.$eval(
        '#pod-0',
        (el, w) => {
          (el as HTMLElement).style.width = `${w}px`;
        },
        width,
      );
      const frame = (await (await page.waitForSelector('iframe[title="Unsynced subscriptions"]')).contentFrame())!;
      await frame.waitForSelector(`[data-testid="pod-row"][data-subscription="${mapped.sub.id}"]`);
      const box = await page.$eval('iframe[title="Unsynced subscriptions"]', (el) =>
        el.getBoundingClientRect().toJSON(),
      );
      expect(Math.round(box.width)).toBeLessThanOrEqual(width);
      expect(Math.round(box.height)).toBe(280);
      const overflow = () =>
        frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow()).toBe(0);
      expect(await visibleIn(frame, '[data-testid="at-stake"]')).toBe(true);
      const row = `[data-testid="pod-row"][data-subscription="${mapped.sub.id}"]`;
      expect(await visibleIn(frame, `${row} td.money`)).toBe(true);
      await frame.click(`${row} button:has-text("Sync…")`);
      await frame.waitForSelector('[data-testid="pod-confirm"]');
      expect(await overflow()).toBe(0);
      for (const part of ['[data-testid="pod-confirm-total"]', '[data-testid="pod-confirm"] button.primary'])
        expect(await visibleIn(frame, part), part).toBe(true);
      await screenshot(page, `pod-${width}-confirming`);
      await frame.click('[data-testid="pod-confirm"] button.primary');
      await frame.waitForSelector('[data-testid="pod-message"]');
      expect(await overflow()).toBe(0);
      expect(await visibleIn(frame, '[data-testid="pod-message"]')).toBe(true);
      await screenshot(page, `pod-${width}-result`);
    });
  }
});

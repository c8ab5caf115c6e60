import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { hostedFrame, oxfordScene } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

/** Visible form controls and buttons with no accessible name: a screen reader would read "button" or "edit". */
const unnamedControls = (frame: Frame) =>
  frame.$$eval('input:not([type="hidden"]), select, textarea, button', (els) =>
    els
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .filter((el) => {
        const control = el as HTMLInputElement;
        const named =
          control.getAttribute('aria-label') ||
          control.getAttribute('aria-labelledby') ||
          (control.labels && control.labels.length > 0) ||
          control.title ||
          (control.tagName === 'BUTTON' && control.textContent?.trim());
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );

/** Tabs through the frame and answers the controls that took focus with no visible outline. */
async function focusWithoutOutline(page: Page, frame: Frame, steps: number) {
  const bare: string[] = [];
  await frame.focus('body');
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press('Tab');
    const seen = await frame.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      // A date field's parts take focus inside the control, where headless Chromium does not
      // apply :focus to it; only what the browser itself counts as focused is judged.
      if (!el || el === document.body || !el.matches(':focus')) return null;
      const style = getComputedStyle(el);
      return style.outlineStyle === 'none' || style.outlineWidth === '0px' ? el.outerHTML.slice(0, 100) : '';
    });
    if (seen) bare.push(seen);
  }
  return bare;
}

describe.runIf(hasBrowser)('keyboard and screen readers', () => {
  let stack: Stack;
  let page: Page;
  let scene: Awaited<ReturnType<typeof oxfordScene>>;
  beforeAll(async () => {
    scene = await oxfordScene();
    stack = scene.stack;
    page = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
  });
  afterAll(async () => scene?.close());

  it('names every control and shows where focus is, on every page of the tab and in the pod', async () => {
    await page.goto(`${stack.hostUrl}/#/company/${scene.mapped.cwCompany.id}/tab/Distributors`);
    const tab = await hostedFrame(page, 'Distributors');
    await tab.waitForSelector('[data-testid="bound"]');
    // Each page, once what it shows has loaded.
    const pages: [string, string][] = [
      ['This company', '[data-testid="bound"]'],
      ['Companies', '[data-testid="companies"]'],
      ['Products', '[data-testid="products"]'],
      ['Unsynced', '[data-testid="checked-at"]'],
      ['Log', '[data-testid="log"]'],
      ['Settings', '[data-testid="settings-form"]'],
      ['Connections', '[data-testid="connection-status"]'],
    ];
    for (const [name, ready] of pages) {
      await tab.getByRole('tab', { name }).click();
      await tab.waitForSelector(ready);
      expect({ page: name, unnamed: await unnamedControls(tab) }).toEqual({ page: name, unnamed: [] });
      expect({ page: name, bare: await focusWithoutOutline(page, tab, 12) }).toEqual({ page: name, bare: [] });
    }
    // The review, from the company tab.
    await tab.getByRole('tab', { name: 'This company' }).click();
    await tab
      .locator(`[data-subscription="${scene.mapped.sub.id}"]`)
      .getByRole('button', { name: 'Review sync…' })
      .click();
    await tab.waitForSelector('[data-testid="review-grid"]');
    for (const d of await tab.$$('[data-testid="operation"] button[aria-expanded="false"]')) await d.click();
    expect(await unnamedControls(tab)).toEqual([]);
    await screenshot(page, 'a11y-review');

    await page.goto(`${stack.hostUrl}/#/agreement/${scene.mapped.agreement.id}`);
    const pod = await hostedFrame(page, 'Unsynced subscriptions');
    await pod.waitForSelector('[data-testid="pod-row"]');
    expect(await unnamedControls(pod)).toEqual([]);
    expect(await focusWithoutOutline(page, pod, 6)).toEqual([]);
  });
});

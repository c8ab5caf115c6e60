import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { bareScene, hostedFrame } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('the Connections page', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let scene: Awaited<ReturnType<typeof bareScene>>;
  beforeAll(async () => {
    scene = await bareScene();
    ({ stack, browser } = scene);
  });
  afterAll(async () => scene?.close());

  const open = async (member: string) => {
    // Each member in a browser of her own, as two people would be.
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, member);
    await page.goto(`${stack.hostUrl}/#/company/${stack.sandboxes.world.cw.companies[0]!.id}/tab/Distributors`);
    const tab = await hostedFrame(page, 'Distributors');
    await tab.getByRole('tab', { name: 'Connections' }).click();
    await tab.waitForSelector('[data-testid="connections"]');
    return tab;
  };

  it('tests both connections, and names a refused secret without storing it', async () => {
    const tab = await open('jdoe');
    expect(await tab.getByTestId('pax8-last-success').textContent()).toBe('Not tested here yet');
    await tab.getByRole('button', { name: 'Test every connection' }).click();
    await expect.poll(() => tab.getByTestId('connections-said').textContent()).toBe('Every connection works.');
    // The page reads the connections again after the test; the time follows.
    await expect
      .poll(() => tab.getByTestId('pax8-last-success').textContent())
      .toMatch(/^Last worked \d\d\/\d\d\/2026/);

    await tab.getByLabel('Pax8 client id').fill(stack.sandboxes.world.pax8.clientId);
    await tab.getByLabel('Pax8 client secret').fill('not-the-secret');
    await tab.getByRole('button', { name: 'Test and store' }).click();
    const secret = tab.locator('#connection-pax8-clientSecret');
    await expect.poll(() => secret.getAttribute('aria-invalid')).toBe('true');
    expect(await tab.locator('.field', { has: secret }).locator('.field-error').textContent()).toMatch(
      /Check the value/,
    );
    await expect
      .poll(() => tab.getByTestId('connection-checks').locator('tr').first().textContent())
      .toMatch(/Jane Doe \(jdoe\).*Pax8 rotated.*refused.*nothing stored/);
    expect(await tab.content()).not.toContain(stack.sandboxes.world.pax8.clientSecret);
    await screenshot(page, 'connections-refused');
  });

  it('tells a Finance member up front that she may not change them', async () => {
    const tab = await open('kpark');
    expect(await tab.getByTestId('role-note').count()).toBe(1);
    expect(await tab.getByLabel('Pax8 client secret').isDisabled()).toBe(true);
    expect(await tab.getByRole('button', { name: 'Test every connection' }).isDisabled()).toBe(true);
  });
});

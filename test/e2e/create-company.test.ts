import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { bareScene, hostedFrame } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('creating the Pax8 company from the company tab', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let scene: Awaited<ReturnType<typeof bareScene>>;
  beforeAll(async () => {
    scene = await bareScene();
    ({ stack, browser } = scene);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
  });
  afterAll(async () => scene?.close());

  it('fills the form from ConnectWise, names what Pax8 needs, then creates and binds', async () => {
    const tampa = stack.sandboxes.world.cw.companies.find((c) => c.name === 'Tampa Office Supply')!;
    await page.goto(`${stack.hostUrl}/#/company/${tampa.id}/tab/Distributors`);
    const tab = await hostedFrame(page, 'Distributors');
    await tab.getByRole('button', { name: 'Create in Pax8…' }).click();
    const form = tab.getByTestId('create-distributor-company');
    expect(await form.getByLabel('City').inputValue()).toBe('Tampa');
    expect(await form.getByLabel(/^Country/).inputValue()).toBe('US');
    expect(await form.getByLabel('Website').inputValue()).toBe('');
    await form.getByRole('button', { name: 'Create in Pax8 and bind' }).click();
    await expect
      .poll(() =>
        form
          .locator('.field', { has: tab.getByLabel('Website') })
          .locator('.field-error')
          .textContent(),
      )
      .toBe('a website is required by the distributor');
    await screenshot(page, 'create-distributor-company-refused');
    await form.getByLabel('Website').fill('https://tampaofficesupply.com');
    await form.getByRole('button', { name: 'Create in Pax8 and bind' }).click();
    await expect
      .poll(() => tab.getByTestId('flash').textContent())
      .toBe('Created Tampa Office Supply in Pax8 and bound it to Tampa Office Supply.');
    await expect.poll(() => tab.getByTestId('bound-to').textContent()).toBe('Tampa Office Supply');
    expect(stack.sandboxes.world.pax8.companies.some((c) => c.externalId === `cw:${tampa.id}`)).toBe(true);
  });
});

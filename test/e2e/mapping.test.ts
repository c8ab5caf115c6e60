import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('mapping from the Distributors tab', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let pod: FrameLocator;
  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
    const frontier = stack.sandboxes.world.cw.companies.find((c) => c.name === 'Frontier Wealth Mgmt')!;
    await page.goto(`${stack.hostUrl}/#/company/${frontier.id}/tab/Distributors`);
    pod = page.frameLocator('iframe[title="Distributors"]');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('binds the company to its suggested Pax8 company', async () => {
    const suggestion = pod.getByTestId('suggestion').first();
    await expect.poll(() => suggestion.textContent()).toMatch(/Frontier Wealth Management, LLC.*100%/);
    await screenshot(page, 'mapping-suggestions');
    await suggestion.getByRole('button', { name: 'Bind' }).click();
    await expect.poll(() => pod.getByTestId('bound-to').textContent()).toBe('Frontier Wealth Management, LLC');
    expect(await pod.getByTestId('flash').textContent()).toMatch(/Bound to the Pax8 company/);
    expect(await pod.getByTestId('subscription').count()).toBeGreaterThan(0);
  });

  it('maps a subscription to an agreement, and its status changes', async () => {
    const row = pod.getByTestId('subscription').first();
    expect(await row.getByTestId('state').textContent()).toBe('Not mapped');
    const select = row.locator('select');
    const value = await select.evaluate(
      (el: HTMLSelectElement) => [...el.options].find((o) => o.value && !o.disabled)!.value,
    );
    await select.selectOption(value);
    await row.getByRole('button', { name: 'Map' }).click();
    await expect
      .poll(() => pod.getByTestId('subscription').first().getByTestId('state').textContent())
      .not.toBe('Not mapped');
    await screenshot(page, 'mapping-subscription-mapped');
  });

  it('"Bind product…" opens Products on that product alone, with no filter shown as chosen', async () => {
    await pod.getByRole('tab', { name: 'Products' }).click();
    await pod.getByTestId('chip-mapped').click();
    await pod.getByRole('tab', { name: 'This company' }).click();
    const unbound = pod.getByTestId('subscription').filter({ has: pod.getByRole('button', { name: 'Bind product…' }) });
    await expect.poll(() => unbound.count()).toBeGreaterThan(0);
    await unbound.first().getByRole('button', { name: 'Bind product…' }).click();
    await expect.poll(() => pod.getByTestId('products-focus').count()).toBe(1);
    expect(await pod.locator('[data-testid="products"] > tbody > tr').count()).toBe(1);
    expect(await pod.locator('fieldset.chips button[aria-pressed="true"]').count()).toBe(0);
    await pod.getByRole('button', { name: 'Show every product' }).click();
    await expect.poll(() => pod.getByTestId('products-focus').count()).toBe(0);
    await pod.getByTestId('chip-all').click();
    await pod.getByRole('tab', { name: 'This company' }).click();
  });

  it('moves between pages with the keyboard, as a tab list does', async () => {
    const tabs = pod.getByRole('tablist', { name: 'Distributor sync pages' });
    const company = tabs.getByRole('tab', { name: 'This company' });
    expect(await company.getAttribute('aria-selected')).toBe('true');
    expect(await tabs.getByRole('tab', { name: 'Products' }).getAttribute('tabindex')).toBe('-1');
    await company.focus();
    await page.keyboard.press('ArrowRight');
    const companies = tabs.getByRole('tab', { name: 'Companies' });
    await expect.poll(() => companies.getAttribute('aria-selected')).toBe('true');
    expect(await companies.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await pod.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(await companies.getAttribute('id'));
    await page.keyboard.press('End');
    await expect.poll(() => tabs.getByRole('tab', { name: 'Imports' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    await expect.poll(() => company.getAttribute('aria-selected')).toBe('true');
  });

  it('exports a product as a new catalog item and shows it mapped', async () => {
    await pod.getByRole('tab', { name: 'Products' }).click();
    const unmapped = pod
      .locator('[data-testid="product-row"]', { has: pod.locator('.status', { hasText: 'unmapped' }) })
      .filter({ has: pod.getByRole('button', { name: 'Export…' }) })
      .first();
    const name = (await unmapped.getAttribute('data-name'))!;
    await unmapped.getByRole('button', { name: 'Export…' }).click();
    const form = pod.getByTestId('export-panel');
    await form.locator('input[name="description"]').waitFor();
    await form.locator('input[name="description"]').fill(`Acme - ${name}`.slice(0, 60));
    await form.locator('input[name="identifier"]').fill(stack.sandboxes.world.cw.catalog[0]!.identifier);
    await form.getByRole('button', { name: 'Export and bind' }).click();
    // ConnectWise's own refusal is shown on the field it names.
    await expect
      .poll(() =>
        form
          .locator('.field', { has: pod.locator('input[name="identifier"]') })
          .locator('.field-error')
          .textContent(),
      )
      .toBe('The product identifier is already in use.');
    await screenshot(page, 'mapping-export-form-error');
    await form.locator('input[name="identifier"]').fill('ACME-EXPORTED-1');
    await form.getByRole('button', { name: 'Export and bind' }).click();
    const row = pod.locator(`[data-testid="product-row"][data-name="${name}"]`);
    await expect.poll(() => row.locator('.status').textContent()).toBe('mapped');
    expect(stack.sandboxes.world.cw.catalog.some((i) => i.description === `Acme - ${name}`.slice(0, 60))).toBe(true);
  });

  it('binds two Proofpoint sub-products, each separately', async () => {
    const parent = pod.locator('[data-testid="product-row"][data-name="Proofpoint Essentials"]');
    await parent.getByRole('button', { name: 'Sub-products' }).click();
    const subRows = pod.locator('[data-testid="product-row"][data-name^="Proofpoint Essentials - "]');
    await expect.poll(() => subRows.count()).toBeGreaterThanOrEqual(2);
    const names = (await subRows.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')!))).slice(0, 2);
    for (const name of names) {
      await pod
        .locator(`[data-testid="product-row"][data-name="${name}"]`)
        .getByRole('button', { name: 'Bind…' })
        .click();
      const panel = pod.getByTestId('bind-panel');
      await panel.locator('input').fill('Pax8');
      await panel.getByRole('button', { name: 'Search' }).click();
      await panel.getByTestId('catalog-hit').first().getByRole('button', { name: 'Choose' }).click();
      await expect
        .poll(() => pod.locator(`[data-testid="product-row"][data-name="${name}"] .status`).textContent())
        .toBe('mapped');
    }
    await screenshot(page, 'mapping-proofpoint-sub-products');
  });

  it('lists companies with counts, and filters by status', async () => {
    await pod.getByRole('tab', { name: 'Companies' }).click();
    await expect.poll(() => pod.getByTestId('chip-mapped').textContent()).toBe('Mapped 1');
    await pod.getByTestId('chip-mapped').click();
    expect(await pod.getByTestId('company-row').count()).toBe(1);
    await pod.getByTestId('chip-all').click();
    await screenshot(page, 'mapping-companies');
  });

  it('searches the companies, binds one from its row, and binds another to a company found by name', async () => {
    await pod.getByLabel('Search companies').fill('gibson');
    await expect.poll(() => pod.getByTestId('company-row').count()).toBe(1);
    const gibson = pod.getByTestId('company-row').first();
    expect(await gibson.textContent()).toMatch(/Gibson, Pott, and York LLC.*Gibson Pott & York/);
    await gibson.getByRole('button', { name: 'Bind', exact: true }).click();
    await expect.poll(() => gibson.getByTestId('row-result').textContent()).toMatch(/^Bound to Gibson Pott & York\.$/);
    // The row's status follows once the list is read again.
    await expect.poll(() => gibson.locator('.status').textContent()).toBe('mapped');

    // A Pax8 company with no suggestion is bound to a ConnectWise company found by name.
    await pod.getByLabel('Search companies').fill('');
    await pod.getByTestId('chip-unmapped').click();
    const lone = pod.locator('[data-testid="company-row"]', { hasText: 'none' }).first();
    const name = (await lone.getAttribute('data-name'))!;
    await lone.getByRole('button', { name: 'Bind to…' }).click();
    await lone.getByLabel(`ConnectWise company for ${name}`).fill('Tampa');
    await lone.getByRole('button', { name: 'Search' }).click();
    await lone.getByTestId('bind-to').getByRole('button', { name: 'Bind' }).first().click();
    await pod.getByTestId('chip-all').click();
    await pod.getByLabel('Search companies').fill(name);
    const bound = pod.locator(`[data-testid="company-row"][data-name="${name}"]`);
    await expect.poll(() => bound.locator('.status').textContent()).toBe('mapped');
    expect(await bound.textContent()).toMatch(/Tampa Office Supply/);
    await screenshot(page, 'mapping-companies-bind');
  });
});

import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedDayClock } from '../../server/clock.ts';
import { answer, type Caller, signedIn } from '../helpers/api.ts';
import { hasBrowser, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { SANDBOX_TODAY } from '../helpers/sandbox.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

/**
 * Sophos Central's PSA workflow in the tab: a Sophos product mapped to an existing ConnectWise
 * product and another added as a new one, the mapped product edited in ConnectWise, its usage
 * sync switched off (nothing written for it) and on again (October's line written once).
 */
describe.runIf(hasBrowser)('Sophos Central usage in the tab', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let tab: FrameLocator;
  let jdoe: Caller;
  const ixa = 'Central Intercept X Advanced';
  const email = 'Central Email Advanced';
  const world = () => stack.sandboxes.world;
  const tenant = () =>
    world().sophos.tenants.find(
      (t) => t.billingType === 'usage' && world().cw.companies.some((c) => c.name === t.name),
    )!;
  const cwCompany = () => world().cw.companies.find((c) => c.name === tenant().name)!;
  let agreementId = 0;
  const lines = () =>
    world().cw.additions.filter(
      (a) => a.agreementId === agreementId && /^sop:[0-9a-f]{24}$/.test(a.serialNumber ?? ''),
    );

  beforeAll(async () => {
    stack = await startStack({ clock: pinnedDayClock(SANDBOX_TODAY), sophos: true });
    browser = await launchBrowser();
    jdoe = await signedIn(stack, 'jdoe', { distributor: 'sophos' });
    // The company and its agreement are mapped as on any distributor's tab.
    expect(
      (
        await answer(
          jdoe['company-mappings'].$post({ json: { distributorCompanyId: tenant().id, cwCompanyId: cwCompany().id } }),
        )
      ).status,
    ).toBe(201);
    agreementId = world().cw.agreements.find(
      (a) =>
        a.company.id === cwCompany().id &&
        !a.cancelledFlag &&
        a.agreementStatus === 'Active' &&
        a.billingCycle.name === 'Monthly',
    )!.id;
    expect(
      (
        await answer(
          jdoe['service-mappings'].$put({ json: { subscriptionId: tenant().id, cwAgreementId: agreementId } }),
        )
      ).status,
    ).toBe(200);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${cwCompany().id}/tab/Distributors`);
    tab = page.frameLocator('iframe[title="Distributors"]');
    await tab.getByRole('combobox', { name: 'Distributor shown' }).selectOption('sophos');
    tab = page.frameLocator('iframe[title="Distributors"]');
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const product = (name: string) => tab.locator(`[data-testid="product-row"][data-name="${name}"]`);
  const openReview = async () => {
    await tab.getByRole('tab', { name: 'This company' }).click();
    const row = tab.locator(`[data-subscription="${tenant().id}"]`);
    await row.getByRole('button', { name: 'Review usage…' }).click();
    await expect.poll(() => tab.getByTestId('usage-line').count()).toBeGreaterThan(0);
  };
  // "Central Intercept X Advanced", not "… for Server".
  const line = (name: string) =>
    tab.locator('[data-testid="usage-line"]', { hasText: new RegExp(`- ${name}(?! for)`) });

  it('maps one Sophos product to an existing ConnectWise product and adds another as a new one', async () => {
    await tab.getByRole('tab', { name: 'Products' }).click();
    await product('Sophos Central monthly usage').getByRole('button', { name: 'Sub-products' }).click();
    await expect.poll(() => product(ixa).count()).toBe(1);
    // Type two characters or more, and choose from the ConnectWise catalog.
    await product(ixa).getByRole('button', { name: 'Bind…' }).click();
    const panel = tab.getByTestId('bind-panel');
    await panel.getByLabel('Search the catalog').fill('Sophos');
    await panel.getByRole('button', { name: 'Search' }).click();
    await panel
      .locator('[data-testid="catalog-hit"]', { hasText: 'SOPHOS-IXA' })
      .getByRole('button', { name: 'Choose' })
      .click();
    await expect.poll(() => product(ixa).locator('.status').textContent()).toBe('mapped');

    await product(email).getByRole('button', { name: 'Export…' }).click();
    const form = tab.getByTestId('export-panel');
    await form.getByLabel('Identifier').fill('SOPHOS-CEMA');
    await form.getByLabel('Unit price').fill('2.75');
    await form.getByLabel('Unit cost').fill('1.40');
    await form.getByRole('button', { name: 'Export and bind' }).click();
    await expect.poll(() => product(email).locator('.status').textContent()).toBe('mapped');
    expect(world().cw.catalog.find((i) => i.identifier === 'SOPHOS-CEMA')).toMatchObject({ price: 2.75, cost: 1.4 });
    await screenshot(page, 'sophos-products-mapped');
  });

  it("edits the mapped product's details in ConnectWise, as the member", async () => {
    await product(ixa).getByRole('button', { name: 'Edit in ConnectWise…' }).click();
    const edit = tab.getByTestId('edit-catalog-panel');
    await edit.getByLabel('Price $').fill('7.00');
    await edit.getByRole('button', { name: 'Save to ConnectWise' }).click();
    await expect.poll(() => tab.getByTestId('edit-catalog-panel').count()).toBe(0);
    const item = world().cw.catalog.find((i) => i.identifier === 'SOPHOS-IXA')!;
    expect(item.price).toBe(7);
    expect(item._info?.updatedBy ?? '').toMatch(/jdoe|Jane/);
  });

  it('writes nothing for a product whose sync is off, then its month once when it is on', async () => {
    await tab.getByRole('switch', { name: `Usage sync for ${email}` }).uncheck();
    await expect.poll(() => tab.getByRole('switch', { name: `Usage sync for ${email}` }).isChecked()).toBe(false);
    await openReview();
    expect(await line(email).textContent()).toMatch(/Usage sync is off/);
    expect(await line(ixa).getAttribute('data-status')).toBe('Creating');
    expect((await line(ixa).textContent())!.replace(/\s+/g, ' ')).toMatch(/\$7\.00/);
    await screenshot(page, 'sophos-review-sync-off');
    await tab.getByRole('button', { name: 'Confirm sync' }).click();
    await expect.poll(() => tab.getByTestId('usage-results').textContent()).toMatch(/confirmed/);
    expect(lines().map((a) => [a.product.identifier, a.unitPrice])).toEqual([['SOPHOS-IXA', 7]]);

    await tab.getByRole('button', { name: '← Back to the company' }).click();
    await tab.getByRole('tab', { name: 'Products' }).click();
    await tab.getByRole('switch', { name: `Usage sync for ${email}` }).check();
    await expect.poll(() => tab.getByRole('switch', { name: `Usage sync for ${email}` }).isChecked()).toBe(true);
    await openReview();
    expect(await line(email).getAttribute('data-status')).toBe('Creating');
    expect(await line(ixa).getAttribute('data-status')).toBe('Unchanged');
    await tab.getByRole('button', { name: 'Confirm sync' }).click();
    await expect.poll(() => tab.getByTestId('usage-results').textContent()).toMatch(/confirmed/);
    expect(
      lines()
        .map((a) => a.product.identifier)
        .sort(),
    ).toEqual(['SOPHOS-CEMA', 'SOPHOS-IXA']);

    // Once written, the month has nothing left to write.
    await tab.getByRole('button', { name: '← Back to the company' }).click();
    await openReview();
    expect(await tab.getByRole('button', { name: 'Nothing to write' }).isDisabled()).toBe(true);
    expect(lines()).toHaveLength(2);
  });
});

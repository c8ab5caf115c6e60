import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerIdOf } from '../../server/distributors/ion/transform.ts';
import { hasBrowser, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

/**
 * An admin whose tenant buys from Pax8 connects StreamOne Ion on the Connections page, and
 * then takes one Ion customer all the way: bind the customer, bind the product, map the
 * subscription, review and confirm. Each step in the Distributors tab, as she would.
 */
describe.runIf(hasBrowser)('StreamOne Ion, from connecting it to the first lines written', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let tab: FrameLocator;
  const world = () => stack.sandboxes.world;
  const customer = () => world().ion.customers.find((c) => c.customerOrganization === 'Oxford Senior Living')!;
  const cwCompany = () => world().cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
  const subscription = () =>
    world().ion.subscriptions.find(
      (s) => s.customerId === customerIdOf(customer()) && s.subscriptionBillingCycle === 'monthly',
    )!;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${cwCompany().id}/tab/Distributors`);
    tab = page.frameLocator('iframe[title="Distributors"]');
    await tab.locator('[data-signed-in]').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('connects StreamOne Ion with its account id and a refresh token, and offers it beside Pax8', async () => {
    // Only Pax8 so far: no switch to show.
    expect(await tab.getByTestId('distributor-switch').count()).toBe(0);
    await tab.getByRole('tab', { name: 'Connections' }).click();
    await tab.getByLabel('StreamOne Ion account id').fill(world().ion.accountId);
    await tab.getByLabel('StreamOne Ion refresh token').fill(stack.sandboxes.ion.issueRefreshToken());
    await tab.getByLabel('StreamOne Ion URL').fill(stack.sandboxes.ion.url);
    await tab.getByRole('button', { name: 'Test and store' }).click();
    await expect
      .poll(() => tab.getByTestId('connections-said').textContent())
      .toBe('Tested and stored: StreamOne Ion.');
    const row = tab.locator('[data-testid="distributor-connection"][data-kind="ion"]');
    await expect.poll(() => row.textContent()).toMatch(new RegExp(`account id ${world().ion.accountId}`));
    // The refresh token is never shown, not even to her.
    expect(await tab.locator('body').textContent()).not.toContain('ion-refresh-');
    await screenshot(page, 'ion-connected');
    await expect.poll(() => tab.getByTestId('distributor-switch').count()).toBe(1);
  });

  it('switches to StreamOne Ion and binds the company to its Ion customer', async () => {
    await tab.getByRole('combobox', { name: 'Distributor shown' }).selectOption('ion');
    // The tab reads everything again for Ion.
    tab = page.frameLocator('iframe[title="Distributors"]');
    await tab.getByRole('tab', { name: 'This company' }).click();
    // Ion's view first: until it is drawn, the suggestion on screen can still be the Pax8 view's.
    await expect
      .poll(() => tab.locator('body').textContent(), { timeout: 20_000 })
      .toMatch(/not bound to a StreamOne Ion company yet/);
    const suggestion = tab.getByTestId('suggestion').first();
    await expect.poll(() => suggestion.textContent(), { timeout: 20_000 }).toMatch(/Oxford Senior Living.*100%/);
    await suggestion.getByRole('button', { name: 'Bind' }).click();
    await expect.poll(() => tab.getByTestId('bound-to').textContent()).toBe('Oxford Senior Living');
    expect(await tab.getByTestId('flash').textContent()).toMatch(/Bound to the StreamOne Ion company/);
  });

  it("binds the subscription's product to a catalog item", async () => {
    await tab.getByRole('tab', { name: 'Products' }).click();
    const name = subscription().ccpProductInfo.skuDisplayName;
    const row = tab.locator(`[data-testid="product-row"][data-name="${name}"]`);
    await expect.poll(() => row.locator('.status').textContent()).toBe('unmapped');
    await row.getByRole('button', { name: 'Bind…' }).click();
    const panel = tab.getByTestId('bind-panel');
    await panel.locator('input').fill('Microsoft');
    await panel.getByRole('button', { name: 'Search' }).click();
    await panel
      .getByTestId('catalog-hit')
      .filter({ hasText: 'Business Premium' })
      .first()
      .getByRole('button', { name: 'Choose' })
      .click();
    await expect.poll(() => row.locator('.status').textContent()).toBe('mapped');
  });

  it('maps the subscription to the monthly agreement, reviews it and writes it', async () => {
    await tab.getByRole('tab', { name: 'This company' }).click();
    const id = `${customerIdOf(customer())}-${subscription().id}`;
    const row = tab.locator(`[data-testid="subscription"][data-subscription="${id}"]`);
    await expect.poll(() => row.getByTestId('state').textContent()).toBe('Not mapped');
    const agreement = world().cw.agreements.find(
      (a) =>
        a.company.id === cwCompany().id &&
        !a.cancelledFlag &&
        a.agreementStatus === 'Active' &&
        a.billingCycle.name === 'Monthly',
    )!;
    await row.locator('select').selectOption(String(agreement.id));
    await row.getByRole('button', { name: 'Map' }).click();
    await expect.poll(() => row.getByTestId('state').textContent()).toBe('Out of sync');
    await row.getByRole('button', { name: 'Review sync…' }).click();

    const operations = tab.getByTestId('operation');
    await expect.poll(() => operations.count()).toBeGreaterThan(0);
    expect(await operations.first().textContent()).toMatch(/Creating new ConnectWise addition/);
    expect(await tab.locator('body').textContent()).not.toMatch(/Pax8 (has|says|did)/);
    await screenshot(page, 'ion-review');
    const count = await operations.count();
    await tab.getByRole('button', { name: 'Confirm sync' }).click();
    await expect
      .poll(() => tab.getByTestId('results').textContent())
      .toMatch(new RegExp(`${count} of ${count} written to ConnectWise`));
    await screenshot(page, 'ion-results');

    const written = world().cw.additions.filter(
      (a) => a.agreementId === agreement.id && a.serialNumber?.startsWith('ion:'),
    );
    expect(written.map((a) => a.quantity)).toContain(Number(subscription().subscriptionTotalLicenses));
  });
});

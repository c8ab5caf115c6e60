import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasBrowser, launchBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { type Stack, startStack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('the pod inside the sandbox Manage host', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterEach(async () => context.close());

  const oxford = () => stack.sandboxes.world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
  const tab = () => page.frameLocator('iframe[title="Distributors"]');

  it('loads the Distributors tab with the member and the company read from ConnectWise', async () => {
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${oxford().id}/tab/Distributors`);
    await expect.poll(() => tab().getByTestId('member-name').textContent()).toBe('Jane Doe');
    expect(await tab().getByTestId('record-name').textContent()).toBe('Oxford Senior Living');
    expect(await tab().getByTestId('tenant-name').textContent()).toBe('Sandbox MSP');
    expect(await tab().getByTestId('screen').textContent()).toBe('Company tab');
    await screenshot(page, 'pod-company-tab');
  });

  it('shows the pod on the agreement screen', async () => {
    await signIn(page, stack.hostUrl, 'nross');
    const agreement = stack.sandboxes.world.cw.agreements.find((a) => a.company.id === oxford().id)!;
    await page.goto(`${stack.hostUrl}/#/agreement/${agreement.id}`);
    const pod = page.frameLocator('iframe[title="Unsynced subscriptions"]');
    await expect.poll(() => pod.getByTestId('record-name').textContent()).toBe(agreement.name);
    expect(await pod.getByTestId('member-name').textContent()).toBe('Nicholas Ross');
    expect(await pod.getByTestId('screen').textContent()).toBe('Agreement pod');
    await screenshot(page, 'pod-agreement');
  });

  it('acknowledges onLoad again when the host refreshes', async () => {
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${oxford().id}/tab/Distributors`);
    await expect.poll(() => tab().getByTestId('record-name').textContent()).toBe('Oxford Senior Living');
    await page.click('#refresh');
    await page.click('details.log summary');
    await expect
      .poll(
        async () =>
          ((await page.textContent('#protocol-log')) ?? '').match(/"event":"onLoad","_id":"\d+","result":"success"/g)
            ?.length ?? 0,
      )
      .toBe(2);
    await page.click('#save');
    await expect.poll(() => page.textContent('#save-result')).toBe(' Saved.');
  });

  it('ignores a forged message from another origin', async () => {
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${oxford().id}/tab/Distributors`);
    await expect.poll(() => tab().getByTestId('record-name').textContent()).toBe('Oxford Senior Living');
    const other = stack.sandboxes.world.cw.companies.find((c) => c.name === 'Dynamo Corp.')!;
    const forged = JSON.stringify({
      event: 'onLoad',
      _id: '999',
      data: { screenObject: { screen: 'company', id: other.id, hostedAs: 'tab' } },
    });
    await context.route('http://evil.test/forge.html', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body:
          `<script>for (const m of [${JSON.stringify(JSON.stringify({ MessageFrameID: 'evil' }))}, ${JSON.stringify(forged)}]) ` +
          "window.parent.frames[0].postMessage(m, '*'); document.title = 'sent';</script>",
      }),
    );
    await page.evaluate(() => {
      const f = document.createElement('iframe');
      f.src = 'http://evil.test/forge.html';
      f.id = 'evil';
      document.body.appendChild(f);
    });
    await expect
      .poll(() =>
        page
          .frameLocator('#evil')
          .locator('html')
          .evaluate(() => document.title),
      )
      .toBe('sent');
    // Had the pod listened, it would now be reading the other company; give it time to.
    await page.waitForTimeout(700);
    expect(await tab().getByTestId('record-name').textContent()).toBe('Oxford Senior Living');
    // The genuine host still drives the pod: its refresh is acknowledged to it, not to the forger.
    await page.click('#refresh');
    await page.click('details.log summary');
    await expect
      .poll(
        async () =>
          ((await page.textContent('#protocol-log')) ?? '').match(/"event":"onLoad","_id":"\d+","result":"success"/g)
            ?.length ?? 0,
      )
      .toBe(2);
    expect(await page.textContent('#protocol-log')).not.toContain('"_id":"999"');
  });

  it('tells a member whose ConnectWise sign-in was rejected to reload', async () => {
    await signIn(page, stack.hostUrl, 'amarkov');
    const revoked = await fetch(`${stack.hostUrl}/__sandbox/members/amarkov/revoke`, { method: 'POST' });
    expect(((await revoked.json()) as { revoked: number }).revoked).toBeGreaterThan(0);
    await page.goto(`${stack.hostUrl}/#/company/${oxford().id}/tab/Distributors`);
    const notice = tab().getByTestId('notice');
    await expect.poll(() => notice.textContent()).toMatch(/ConnectWise did not confirm your sign-in/);
    expect(await notice.locator('button').textContent()).toBe('Reload');
    expect(await tab().locator('[data-signed-in]').count()).toBe(0);
    await screenshot(page, 'pod-rejected-member');
  });

  it('says it must run inside ConnectWise when opened directly, without hanging', async () => {
    const started = Date.now();
    await page.goto(`${stack.appUrl}/pod/?place=company-tab&screen=company&id=19`);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Open this from ConnectWise/);
    expect(Date.now() - started).toBeLessThan(5000);
    await screenshot(page, 'pod-outside-host');
  });
});

import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, signedIn } from '../helpers/api.ts';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { overBill } from '../helpers/mapped.ts';
import { hostedFrame, oxfordScene } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

/** Whether an element lies wholly inside its frame's viewport, without scrolling. */
const inView = (frame: Frame, selector: string) =>
  frame.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  });

/** Elements inside the page that scroll on their own: a frame should scroll once, as a whole. */
const innerScrollers = (frame: Frame) =>
  frame.$$eval('body *:not(textarea):not(select)', (els) =>
    els
      .filter((el) => {
        const o = getComputedStyle(el).overflowY;
        return (o === 'auto' || o === 'scroll') && el.scrollHeight > el.clientHeight;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );

describe.runIf(hasBrowser)('the pod in the frames Manage gives it', () => {
  let stack: Stack;
  let page: Page;
  let scene: Awaited<ReturnType<typeof oxfordScene>>;
  const violations: string[] = [];
  beforeAll(async () => {
    scene = await oxfordScene();
    stack = scene.stack;
    // ConnectWise bills 47 seats of Exchange Online; Pax8 has 43, on a 2-year term mapped nowhere.
    await overBill(stack, await signedIn(stack, 'jdoe'), scene.mapped, 47, 43);
    page = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The pod runs under its full Content-Security-Policy: Chromium reports each violation here.
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, stack.hostUrl, 'jdoe');
  });
  afterAll(async () => scene?.close());

  it('fills the tab with one scroll, and keeps Confirm and the totals in view on a long review', async () => {
    await page.goto(`${stack.hostUrl}/#/company/${scene.mapped.cwCompany.id}/tab/Distributors`);
    const tab = await hostedFrame(page, 'Distributors');
    const box = (await page.$eval('iframe[title="Distributors"]', (el) =>
      el.getBoundingClientRect().toJSON(),
    )) as DOMRect;
    // The frame reaches the foot of the window, as Manage's tab body does (no fixed 640 px box).
    expect(box.bottom).toBeGreaterThan(760);
    expect(box.bottom).toBeLessThanOrEqual(800);
    // The tab names the possible over-billing on the company's agreement, with what it costs.
    await tab.waitForSelector('[data-testid="over-billing"]');
    expect(await tab.getByTestId('over-billing').textContent()).toMatch(/bills 47 seats.*4 seats \(\$32\.00 a month\)/);
    const row = tab.locator(`[data-subscription="${scene.mapped.sub.id}"]`);
    await row.getByRole('button', { name: 'Review sync…' }).click();
    await tab.waitForSelector('[data-testid="review-grid"]');
    // Open every derivation: the review grows well past the frame, and Confirm stays in view.
    for (const d of await tab.$$('[data-testid="operation"] button[aria-expanded="false"]')) await d.click();
    expect(await tab.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true);
    expect(await inView(tab, '[data-testid="review-foot"]')).toBe(true);
    await tab.evaluate(() => window.scrollTo(0, 0));
    expect(await inView(tab, '[data-testid="review-foot"] button.primary')).toBe(true);
    expect(await innerScrollers(tab)).toEqual([]);
    expect(await tab.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'frames-tab-review');

    // Exclude all, then include all: the totals follow, and excluding asks why.
    await tab.getByRole('button', { name: 'Exclude all from this sync' }).click();
    expect(await tab.getByTestId('totals').textContent()).toMatch(/^0 of 2 included.*Recurring \$0\.00/);
    expect(await tab.getByLabel('Why it is excluded from this sync').count()).toBe(2);
    // A change left out is waived: Confirm waits until each says why.
    await expect.poll(() => tab.getByTestId('waive-reason-needed').isVisible()).toBe(true);
    expect(await tab.getByRole('button', { name: 'Confirm sync' }).isDisabled()).toBe(true);
    await tab.getByRole('button', { name: 'Include all' }).click();
    expect(await tab.getByTestId('totals').textContent()).toMatch(/^2 of 2 included/);
  });

  it('shows five rows in the 280 px agreement pod with no header, money first, and the over-billing', async () => {
    await page.goto(`${stack.hostUrl}/#/agreement/${scene.mapped.agreement.id}`);
    const pod = await hostedFrame(page, 'Unsynced subscriptions');
    expect(await page.$eval('iframe[title="Unsynced subscriptions"]', (el) => el.clientHeight)).toBe(280);
    await pod.waitForSelector('[data-testid="pod-row"]');
    const rows = await pod.$$('[data-testid="pod-row"]');
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < 5; i++) expect(await inView(pod, `[data-testid="pod-row"]:nth-child(${i + 1})`)).toBe(true);
    // Nothing runs off the side either: every row's actions are in view.
    expect(await pod.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // No header chrome: who is signed in is there for screen readers only.
    const top = await pod.$eval('[data-testid="pod-rows"]', (el) => el.getBoundingClientRect().top);
    expect(top).toBeLessThan(30);
    expect(await pod.$eval('.visually-hidden', (el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);

    // Out of sync first, then the possible over-billing, then the rest by money.
    const states = await pod.$$eval('[data-testid="pod-row"]', (els) => els.map((e) => e.getAttribute('data-state')));
    expect(states.slice(0, 2)).toEqual(['out-of-sync', 'over-billing']);
    const over = pod.locator('[data-testid="pod-row"][data-state="over-billing"]');
    expect((await over.locator('td').allTextContents()).slice(2, 5)).toEqual(['47', '43', '-$32.00']);
    expect(await over.getAttribute('title')).toBeNull();
    expect(await over.locator('td.product').getAttribute('title')).toMatch(
      /ConnectWise bills 47 seats .* Pax8 has 43 seats of it \(2-Year\) not mapped to any agreement\. 4 seats \(\$32\.00 a month\) may be billed too many/,
    );
    // The unmapped rows say what they would bill, and the oldest unbilled change is dated by Pax8, not by the check.
    const unmapped = pod.locator('[data-testid="pod-row"][data-state="unmapped"]').first();
    expect(await unmapped.locator('td').nth(4).textContent()).toMatch(/^\+\$[\d,]+\.\d\d\??$/);
    // What a line here may bill already is not counted as at stake: it is named apart.
    expect(await pod.getByTestId('possibly-billed').textContent()).toMatch(/^\$[\d,]+\.\d\d possibly billed already$/);
    const cents = (t: string) => Math.round(Number(t.replace(/[^\d.]/g, '')) * 100);
    const money = await pod.$$eval('[data-testid="pod-row"] td.money', (els) => els.map((e) => e.textContent ?? ''));
    expect(money.some((m) => m.endsWith('?'))).toBe(true);
    // The headline adds up the rows that are surely at stake, and only those.
    const sure = money.filter((m) => !m.endsWith('?')).reduce((n, m) => n + cents(m), 0);
    expect(cents((await pod.getByTestId('at-stake').textContent())!)).toBe(sure);
    const outOfSync = pod.locator(`[data-testid="pod-row"][data-subscription="${scene.mapped.sub.id}"]`);
    expect(await outOfSync.locator('td').nth(5).getAttribute('title')).toBe('since 11/12/2026');
    await screenshot(page, 'frames-agreement-pod');

    // From the pod, the review opens with Confirm in view at once.
    await outOfSync.getByRole('button', { name: 'Review…' }).click();
    await pod.waitForSelector('[data-testid="review-grid"]');
    expect(await inView(pod, '[data-testid="review-foot"] button.primary')).toBe(true);
    expect(await innerScrollers(pod)).toEqual([]);
    await screenshot(page, 'frames-pod-review');

    // Corrected in Manage (47 → 43 seats): the pod lets it go, and so does the report.
    const report = async () =>
      (await answer((await signedIn(stack, 'jdoe')).reports[':view'].$get({ param: { view: 'unsynced' } }))).body.rows;
    expect((await report()).some((r) => r.state === 'over-billing')).toBe(true);
    stack.sandboxes.world.cw.additions.find((a) => a.id === 97_001)!.quantity = 43;
    // Another member opens the agreement (a member's own reads are reused for a minute).
    const other = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(other, stack.hostUrl, 'nross');
    await other.goto(`${stack.hostUrl}/#/agreement/${scene.mapped.agreement.id}`);
    const fresh = await hostedFrame(other, 'Unsynced subscriptions');
    await fresh.waitForSelector('[data-testid="pod-row"]');
    expect(await fresh.$$('[data-testid="pod-row"][data-state="over-billing"]')).toHaveLength(0);
    expect((await report()).some((r) => r.state === 'over-billing')).toBe(false);
  });

  it("shows every page of the tab at Manage's 1306 × 709 without a horizontal scroll", async () => {
    await page.setViewportSize({ width: 1600, height: 900 });
    await page.goto(`${stack.hostUrl}/#/company/${scene.mapped.cwCompany.id}/tab/Distributors`);
    await page.$eval('iframe[title="Distributors"]', (el) => {
      Object.assign((el as HTMLElement).style, { width: '1306px', height: '709px' });
    });
    const tab = await hostedFrame(page, 'Distributors');
    await tab.waitForSelector('[data-testid="bound"]');
    const pages: [string, string][] = [
      ['This company', '[data-testid="bound"]'],
      ['Companies', '[data-testid="companies"]'],
      ['Products', '[data-testid="products"]'],
      ['Unsynced', '[data-testid="checked-at"]'],
      ['Reconcile', '[data-testid="reconcile"]'],
      ['Log', '[data-testid="log"]'],
      ['Settings', '[data-testid="settings-form"]'],
      ['Connections', '[data-testid="connection-status"]'],
    ];
    const wide: string[] = [];
    for (const [name, ready] of pages) {
      await tab.getByRole('tab', { name }).click();
      await tab.waitForSelector(ready);
      const over = await tab.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      if (over > 0) wide.push(`${name}: ${over} px too wide`);
      await screenshot(page, `tab-1306-${name.toLowerCase().replace(/\s+/g, '-')}`);
    }
    expect(wide).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('ran every screen above under the full policy, with nothing refused', async () => {
    const res = await fetch(`${stack.appUrl}/pod/?tenant=${stack.tenantId}`);
    const policy = res.headers.get('content-security-policy')!;
    for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"])
      expect(policy).toContain(part);
    expect(policy).toContain(`frame-ancestors 'self'`);
    expect(violations).toEqual([]);
  });
});

import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommitmentScenarios, type CommitmentScenarios } from '../../server/sandbox/pax8/commitments.ts';
import { signedIn } from '../helpers/api.ts';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { billByHand, openMonthlyAgreement, saveSettings } from '../helpers/mapped.ts';
import { SANDBOX_TODAY } from '../helpers/sandbox.ts';
import { bareScene, hostedFrame } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('commitments in the agreement pod', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let nce: CommitmentScenarios;
  let agreementId: number;
  let scene: Awaited<ReturnType<typeof bareScene>>;
  beforeAll(async () => {
    scene = await bareScene();
    ({ stack, browser } = scene);
    const jdoe = await signedIn(stack, 'jdoe');
    await saveSettings(jdoe, { timeZone: 'America/Chicago' });
    const world = stack.sandboxes.world;
    nce = addCommitmentScenarios(world, 'Oxford Senior Living', SANDBOX_TODAY);
    const pax8 = world.pax8.companies.find((c) => c.name === 'Oxford Senior Living')!;
    const cw = world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
    const agreement = openMonthlyAgreement(stack, cw.id);
    agreementId = agreement.id;
    await jdoe('POST', '/company-mappings', { distributorCompanyId: pax8.id, cwCompanyId: cw.id });
    // A person lowered both lines in ConnectWise: 15 of 20 seats, and 8 of 10.
    for (const [sub, seats] of [
      [nce.insideWindow, 15],
      [nce.pastWindow, 8],
    ] as const) {
      const product = world.pax8.products.find((p) => p.id === sub.productId)!;
      const item = world.cw.catalog.find((i) => i.identifier === product.sku)!;
      await jdoe('POST', '/product-mappings', { distributorProductId: product.id, cwCatalogItemId: item.id });
      await jdoe('PUT', '/service-mappings', { subscriptionId: sub.id, cwAgreementId: agreement.id });
      billByHand(
        stack,
        {
          id: 96_000 + world.cw.additions.length,
          agreementId: agreement.id,
          itemId: item.id,
          seats,
          price: sub.price,
          cost: sub.partnerCost,
        },
        world.cw.additions[0]!._info.lastUpdated,
      );
    }
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
  });
  afterAll(async () => scene?.close());

  /** Whether an element lies wholly inside the frame's viewport. */
  const visibleIn = (frame: Frame, selector: string) =>
    frame.$eval(selector, (el) => {
      const r = el.getBoundingClientRect();
      return (
        r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0
      );
    });

  it("shows the deadline, in the tenant's zone, and the money at stake in Manage's 400 × 280 pod", async () => {
    await page.goto(`${stack.hostUrl}/#/agreement/${agreementId}`);
    await page.$eval('#pod-0', (el) => {
      (el as HTMLElement).style.width = '400px';
    });
    const frame = (await (await page.waitForSelector('iframe[title="Unsynced subscriptions"]')).contentFrame())!;
    await frame.waitForSelector('[data-testid="pod-commitment"]');
    const lines = await frame.locator('[data-testid="pod-commitment"]').allTextContents();
    // The one still reducible comes first: bought 17 November 15:30 UTC, reducible until 09:30 in Chicago on the 24th.
    expect(lines).toEqual([
      'Reduce at Pax8 by Tue 11/24/2026 09:30 Chicago or bill them: 5 seats paid for and not billed, $1,122.00 over the term.',
      "Committed until 11/13/2027: 2 seats paid for and not billed, $864.00 to the term's end.",
    ]);
    expect(await frame.locator('[data-testid="pod-row"]').first().getAttribute('data-subscription')).toBe(
      nce.insideWindow.id,
    );
    expect(
      await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBe(0);
    expect(await visibleIn(frame, '[data-testid="pod-commitment"] [data-testid="commitment-money"]')).toBe(true);
    await screenshot(page, 'pod-commitment-400');
  });

  it('lists them first on the Unsynced report: the one to reduce soon with its deadline, the committed one to the term end', async () => {
    const company = stack.sandboxes.world.cw.companies.find((c) => c.name === 'Oxford Senior Living')!;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.hostUrl}/#/company/${company.id}/tab/Distributors`);
    const tab = await hostedFrame(page, 'Distributors');
    await tab.getByRole('tab', { name: 'Unsynced' }).click();
    await tab.getByRole('button', { name: 'Re-check now' }).click();
    await tab.waitForSelector('[data-testid="commitments"]', { timeout: 30_000 });
    const soon = tab.getByTestId('commitments-deadline').first();
    expect(await soon.locator('caption').textContent()).toBe(
      'Reduce within 72 hours, or bill the seats (1) · $1,122.00',
    );
    expect(await soon.locator('tbody tr').textContent()).toMatch(
      /Oxford Senior Living.*20 \/ 15reduce by Tue 11\/24\/2026 09:30 Chicago\$1,122\.00/,
    );
    expect(await tab.getByTestId('commitments-committed').locator('tbody tr').textContent()).toMatch(
      /10 \/ 8committed until 11\/13\/2027\$864\.00/,
    );
    await screenshot(page, 'report-commitments');
    await tab.getByRole('tab', { name: 'This company' }).click();
    await expect
      .poll(() => tab.getByTestId('commitment').allTextContents())
      .toContain(
        '1-Year commitment, reducible until Tue 11/24/2026 09:30 Chicago: 5 seats not billed, $1,122.00 at stake',
      );
  });
});

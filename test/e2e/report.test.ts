import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from '../helpers/api.ts';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { overBill } from '../helpers/mapped.ts';
import { hostedFrame, oxfordScene } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

describe.runIf(hasBrowser)('the unsynced report leads to the next action', () => {
  let stack: Stack;
  let page: Page;
  let tab: Frame;
  let scene: Awaited<ReturnType<typeof oxfordScene>>;
  const row = (selector: string) => tab.locator(`[data-testid="report-row"]${selector}`);
  let annualId: string;

  beforeAll(async () => {
    scene = await oxfordScene();
    stack = scene.stack;
    const call = await signedIn(stack, 'jdoe');
    await overBill(stack, call, scene.mapped, 47, 43);
    // An annual Keeper subscription, and Oxford has no agreement billed yearly.
    const { pax8 } = stack.sandboxes.world;
    const keeper = pax8.products.find((p) => p.sku === 'KPR-BUS-ANN')!;
    annualId = `${scene.mapped.sub.id.slice(0, -4)}a001`;
    pax8.subscriptions.push({
      ...scene.mapped.sub,
      id: annualId,
      productId: keeper.id,
      productName: keeper.name,
      quantity: 12,
      billingTerm: 'Annual',
      price: 45,
      partnerCost: 35,
    });
    page = await scene.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${scene.mapped.cwCompany.id}/tab/Distributors`);
    tab = await hostedFrame(page, 'Distributors');
  });
  afterAll(async () => scene?.close());

  it('re-checks from the page with progress, then offers each row its own next step', async () => {
    await tab.getByRole('tab', { name: 'Unsynced' }).click();
    await tab.waitForSelector('[data-testid="checked-at"]');
    expect(await tab.getByTestId('checked-at').textContent()).toMatch(/Not checked yet/);
    await tab.getByRole('button', { name: 'Re-check now' }).click();
    // The run ends with its summary, and the list reloads with the time of the check.
    await tab.waitForSelector('[data-testid="run-summary"]', { timeout: 30_000 });
    await expect
      .poll(() => tab.getByTestId('checked-at').textContent())
      .toMatch(/^Checked \d\d\/\d\d\/2026 \d\d:\d\d UTC$/);

    const outOfSync = row(`[data-subscription="${scene.mapped.sub.id}"]`);
    expect(await outOfSync.getAttribute('data-state')).toBe('out-of-sync');
    expect(await outOfSync.locator('td').nth(6).getAttribute('title')).toBe('since 11/12/2026');
    expect(await outOfSync.getByRole('button', { name: 'Review & sync…' }).count()).toBe(1);

    // The over-billing has its own group, with what it costs a month.
    const over = row('[data-state="over-billing"]');
    expect(await over.count()).toBe(1);
    expect(await over.locator('td').nth(5).textContent()).toBe('-$32.00');
    expect(await over.getByRole('button', { name: 'Open the agreement' }).count()).toBe(1);

    // The annual subscription cannot be mapped: it says why and what to create, and offers no Map.
    const annual = row(`[data-subscription="${annualId}"]`);
    expect(await annual.textContent()).toMatch(
      /Cannot be mapped yet: .* no open agreement that can bill a Annual subscription .* Create an agreement with a yearly billing cycle/,
    );
    expect(await annual.getByRole('button', { name: 'Map…' }).count()).toBe(0);
    await screenshot(page, 'report-next-actions');

    // An unmapped monthly subscription is mapped right from the list.
    const unmapped = tab.locator('[data-testid="report-row"][data-state="unmapped"]', {
      has: tab.getByRole('button', { name: 'Map…' }),
    });
    const mapId = (await unmapped.first().getAttribute('data-subscription'))!;
    await unmapped.first().getByRole('button', { name: 'Map…' }).click();
    const picked = row(`[data-subscription="${mapId}"]`);
    await picked.locator('select').selectOption({ index: 1 });
    await picked.getByRole('button', { name: 'Map', exact: true }).click();
    await expect.poll(() => picked.getByTestId('next').textContent()).toMatch(/now bills on agreement #\d+/);
    // The row says at once that it is mapped, not "Not mapped" until the next check.
    expect(await picked.getByTestId('state').textContent()).toBe('Mapped, not written');

    // Re-check: the list follows what was just done.
    await tab.getByRole('button', { name: 'Re-check now' }).click();
    await expect
      .poll(async () => (await row(`[data-subscription="${mapId}"]`).getAttribute('data-state')) ?? 'gone', {
        timeout: 30_000,
      })
      .not.toBe('unmapped');

    // The company name opens the company in Manage.
    await row(`[data-subscription="${annualId}"]`).getByRole('button', { name: 'Oxford Senior Living' }).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/company/${scene.mapped.cwCompany.id}$`));
  });
});

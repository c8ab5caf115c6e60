import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitmentScenarios } from '../../server/sandbox/pax8/commitments.ts';
import { signedIn } from '../helpers/api.ts';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { oxfordCommitments } from '../helpers/commitments.ts';
import { saveSettings } from '../helpers/mapped.ts';
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
    // A person lowered both lines in ConnectWise: 15 of 20 seats, and 8 of 10.
    ({ nce, agreementId } = await oxfordCommitments(stack, jdoe, { insideWindow: 15, pastWindow: 8 }));
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
    await page.waitForSelector('#pod-0');
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

import type { Browser, Frame, Page } from 'playwright-core';
import { signedIn } from './api.ts';
import { launchBrowser } from './browser.ts';
import { mapSubscription, setBilling } from './mapped.ts';
import { type Stack, startStack } from './stack.ts';

/**
 * A browser test's world: the stack, Chromium, and one subscription of `company` mapped by
 * jdoe, with ConnectWise billing `cwQuantity` seats against Pax8's `history`.
 */
export async function mappedScene(
  company: string,
  cwQuantity: number,
  history: [day: string, quantity: number][],
  additionId?: number,
) {
  const stack: Stack = await startStack();
  const browser: Browser = await launchBrowser();
  const call = await signedIn(stack, 'jdoe');
  const mapped = setBilling(stack, await mapSubscription(stack, call, company), cwQuantity, history, additionId);
  return {
    stack,
    browser,
    mapped,
    close: async () => {
      await browser.close();
      await stack.close();
    },
  };
}

/** The guide's Oxford Senior Living: ConnectWise bills 4 seats; Pax8 went from 4 to 6 on 11/12. */
export const oxfordScene = () =>
  mappedScene(
    'Oxford Senior Living',
    4,
    [
      ['2026-08-01', 4],
      ['2026-11-12', 6],
    ],
    99_100,
  );

/** The frame a hosted page runs in, once it has signed in. */
export async function hostedFrame(page: Page, title: string): Promise<Frame> {
  const handle = await page.waitForSelector(`iframe[title="${title}"]`);
  const frame = (await handle.contentFrame())!;
  await frame.waitForSelector('[data-signed-in="true"]');
  return frame;
}

/** A browser test's world with nothing mapped yet: the stack and Chromium. */
export async function bareScene() {
  const stack: Stack = await startStack();
  const browser: Browser = await launchBrowser();
  return {
    stack,
    browser,
    close: async () => {
      await browser.close();
      await stack.close();
    },
  };
}

import type { Browser } from 'playwright-core';
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

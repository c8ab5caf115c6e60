import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Browser tests run wherever Debian's Chromium is installed, and CI must have it. */
export const hasBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * What the member sees at the window's size, as Manage shows it. (A full-page capture would
 * resize the window, and the host would resize the tab's frame under the capture.)
 */
export async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
}

/** Signs a member in on the sandbox host page, as a person would. */
export async function signIn(page: Page, hostUrl: string, memberId: string) {
  await page.goto(`${hostUrl}/`);
  await page.selectOption('#member', memberId);
  await page.click('#sign-in');
  await page.waitForSelector('[data-testid="signed-in-as"]');
}

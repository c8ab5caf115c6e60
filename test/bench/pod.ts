import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { launchBrowser, signIn } from '../helpers/browser.ts';
import { startStack } from '../helpers/stack.ts';
import type { Figure } from './report.ts';
import { median } from './sandbox-handle.ts';

const POD_DIST = fileURLToPath(new URL('../../pod/dist/', import.meta.url));

/** The JavaScript the tab loads before it can render: the entry and what it preloads. */
function initialJsGzipBytes(): number {
  const html = readFileSync(join(POD_DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/pod\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(join(POD_DIST, f)), { level: 9 }).length, 0);
}

/**
 * The pod's weight, and the time from the host creating the tab's iframe to the pod showing the
 * signed-in member (handshake, member authentication, verification with ConnectWise, render).
 */
export async function benchPod(): Promise<Figure[]> {
  await build({ configFile: fileURLToPath(new URL('../../pod/vite.config.ts', import.meta.url)), logLevel: 'warn' });
  const kb = initialJsGzipBytes() / 1024;
  const stack = await startStack();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await signIn(page, stack.hostUrl, 'jdoe');
    const company = stack.sandboxes.world.cw.companies[0]!;
    await page.goto(`${stack.hostUrl}/#/company/${company.id}`);
    const times: number[] = [];
    for (let run = 0; run < 11; run++) {
      await page.click('.tabs button[data-tab=""]');
      await page.waitForSelector('iframe[title="Distributors"]', { state: 'detached' });
      const started = Date.now();
      await page.click('.tabs button[data-tab="Distributors"]');
      await page.frameLocator('iframe[title="Distributors"]').locator('[data-signed-in]').waitFor();
      // The first run warms the browser's caches and the server's code paths.
      if (run > 0) times.push(Date.now() - started);
    }
    const ms = median(times);
    return [
      { name: 'pod initial JavaScript, gzipped', value: kb, unit: 'KB', target: '≤ 35', pass: kb <= 35 },
      {
        name: 'iframe navigation → signed-in render, median of 10',
        value: ms,
        unit: 'ms',
        target: '≤ 800',
        pass: ms <= 800,
      },
    ];
  } finally {
    await browser.close();
    await stack.close();
  }
}

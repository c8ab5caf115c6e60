import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBrowser, screenshot, signIn } from '../helpers/browser.ts';
import { bareScene, hostedFrame } from '../helpers/scene.ts';
import type { Stack } from '../helpers/stack.ts';

/**
 * A regional distributor's export: semicolons, decimal commas, day-first dates and German
 * headings, as a generic layout is written where Excel's list separator is a semicolon.
 */
const EXPORT = [
  'Kunde-Nr;Kunde;Artikel-Nr;Artikel;Abo-Nr;Menge;EK;VK;Währung;Von;Bis;Art;Rechnung',
  'K-100;Bäckerei Schmidt;M365-BP;Microsoft 365 Business Premium;S-1;12;18,50;22,00;EUR;01/11/2026;30/11/2026;Neu;R-2026-11',
  'K-100;Bäckerei Schmidt;EXO-P1;Exchange Online (Plan 1);S-2;4;3,60;4,50;EUR;01/11/2026;30/11/2026;Verlängerung;R-2026-11',
  'K-200;Kanzlei Weber;M365-BP;Microsoft 365 Business Premium;S-3;-1;18,50;22,00;EUR;01/11/2026;30/11/2026;Gutschrift;R-2026-11',
].join('\r\n');

describe.runIf(hasBrowser)('a file source in the pod', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let scene: Awaited<ReturnType<typeof bareScene>>;
  beforeAll(async () => {
    scene = await bareScene();
    ({ stack, browser } = scene);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.hostUrl, 'jdoe');
    await page.goto(`${stack.hostUrl}/#/company/${stack.sandboxes.world.cw.companies[0]!.id}/tab/Distributors`);
  });
  afterAll(async () => scene?.close());

  const pageOf = async (name: string, testId: string): Promise<Frame> => {
    const tab = await hostedFrame(page, 'Distributors');
    await tab.getByRole('tab', { name }).click();
    await tab.waitForSelector(`[data-testid="${testId}"]`);
    return tab;
  };

  it('is added on the Connections page with a name and a profile, no credentials', async () => {
    const tab = await pageOf('Connections', 'connections');
    const form = tab.locator('[data-kind="files:"]');
    expect(await form.locator('input[type="password"]').count()).toBe(0);
    // One source per distributor whose files are imported: each added by the same form.
    for (const [name, profile] of [
      ['Regional distributor', 'generic'],
      ['Microsoft direct', 'microsoft'],
    ]) {
      await tab.getByLabel('Invoice files source name').fill(name!);
      await tab.getByLabel('Invoice files column profile').fill(profile!);
      await tab.getByRole('button', { name: 'Test and store' }).click();
      await expect.poll(() => tab.getByTestId('connections-said').textContent()).toBe(`Tested and stored: ${name}.`);
    }
    const sources = tab.locator('[data-testid="distributor-connection"][data-kind^="files:"] th');
    await expect.poll(() => sources.allTextContents()).toEqual(['Regional distributor', 'Microsoft direct']);
  });

  it('makes a profile from a sample file, reads its first rows, and imports the file with it', async () => {
    const tab = await pageOf('Imports', 'imports');
    expect(await tab.getByTestId('imports').textContent()).toContain('No file has been imported yet.');
    await tab.getByRole('button', { name: 'Make a column profile' }).click();
    const file = { name: 'export-2026-11.csv', mimeType: 'text/csv', buffer: Buffer.from(EXPORT) };
    await tab.locator('#profile-sample').setInputFiles(file);
    // The separators are seen in the heading; each field is picked from the file's own headings.
    await expect.poll(() => tab.getByLabel('Customer id', { exact: true }).locator('option').count()).toBe(14);
    expect(await tab.getByLabel('Separator', { exact: true }).inputValue()).toBe(';');
    expect(await tab.getByLabel('Decimal separator').inputValue()).toBe(',');
    await tab.getByLabel('Profile name').fill('Regional distributor export');
    await tab.getByLabel('Profile key').fill('regional');
    await tab.getByLabel('Dates', { exact: true }).selectOption('day-month-year');
    const columns: [string, string][] = [
      ['Customer id', 'Kunde-Nr'],
      ['Customer name', 'Kunde'],
      ['Product id', 'Artikel-Nr'],
      ['Product name', 'Artikel'],
      ['Subscription id', 'Abo-Nr'],
      ['Billable quantity', 'Menge'],
      ['Unit cost', 'EK'],
      ['Unit price (else the markup below)', 'VK'],
      ['Currency', 'Währung'],
      ['Period start', 'Von'],
      ['Period end', 'Bis'],
      ['Charge type', 'Art'],
      ['Invoice number', 'Rechnung'],
    ];
    for (const [label, heading] of columns) await tab.getByLabel(label, { exact: true }).selectOption(heading);
    await tab.getByLabel('Words for new').fill('Neu');
    await tab.getByLabel('Words for renew').fill('Verlängerung');
    await tab.getByLabel('Words for credit').fill('Gutschrift');
    await tab.getByRole('button', { name: 'Read the first rows' }).click();
    const tried = tab.getByTestId('profile-tried');
    await expect.poll(() => tried.locator('caption').textContent()).toBe('3 of 3 sample rows read');
    // 12 × 18,50 = 222,00; 4 × 3,60 = 14,40; a credit of one seat, −18,50.
    expect(await tried.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/Bäckerei Schmidt.*Neu \(new\)12222\.00 EUR/),
      expect.stringMatching(/Verlängerung \(renew\)414\.40 EUR/),
      expect.stringMatching(/Kanzlei Weber.*Gutschrift \(credit\)-1-18\.50 EUR/),
    ]);
    await tab.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => tab.getByTestId('builder-said').textContent()).toContain('as regional, version 1');
    await screenshot(page, 'profile-builder');

    // The saved profile is the one the upload uses, into the source chosen.
    expect(await tab.getByLabel("Read with profile (empty: the source's own)").inputValue()).toBe('regional');
    await tab.getByLabel('Import into').selectOption({ label: 'Regional distributor' });
    expect(await tab.getByTestId('import-source').textContent()).toContain('Files from Regional distributor');
    await tab.getByLabel('Invoice or usage file').setInputFiles(file);
    const preview = tab.getByTestId('import-preview');
    await expect
      .poll(() => preview.getByTestId('preview-counts').textContent())
      .toContain('3 rows read, 3 usable, 0 refused');
    expect(await preview.getByTestId('preview-totals').textContent()).toContain('217.90 EURas the file totals it');
    await preview.getByRole('button', { name: 'Import this file' }).click();
    await expect.poll(() => tab.getByTestId('import-said').textContent()).toContain('Imported export-2026-11.csv');
    await expect
      .poll(() => tab.getByTestId('import-history').locator('tbody tr').first().textContent())
      .toMatch(/export-2026-11\.csv.*Regional distributor.*imported.*3/);
    await screenshot(page, 'imports');
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTs } from '../helpers/process.ts';

const FIXTURE = 'test/fixtures/microsoft/reconciliation-nce.csv';
const dir = mkdtempSync(join(tmpdir(), 'import-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const proc = runTs('server/cli/import.ts', {}, args);
  // 'close' comes after the output is read to its end, 'exit' may come before.
  const code = await new Promise<number | null>((done) => proc.child.once('close', done));
  return { code, output: proc.output() };
}

/** `npm run import` previews a file with a profile and stores nothing. */
describe('npm run import', () => {
  it("previews Microsoft's file: rows, customers, products, and each currency's total by the rule", async () => {
    const { code, output } = await run(['--profile', 'microsoft', FIXTURE]);
    expect(code).toBe(0);
    expect(output).toMatch(/7 rows read, 7 usable, 0 refused/);
    expect(output).toMatch(/2 customers, 5 products/);
    expect(output).toMatch(/USD: \$159\.17 by the profile's rule, as the file totals it/);
    expect(output).toMatch(/EUR: 532\.71 EUR by the profile's rule/);
    expect(output).toMatch(/Nothing was stored\./);
  }, 30_000);

  it('names each refused row by line and column, and exits 1', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, readFileSync(FIXTURE, 'utf8').replace('CycleCharge', 'Convert'));
    const { code, output } = await run(['--profile', 'microsoft', bad]);
    expect(code).toBe(1);
    expect(output).toMatch(/7 rows read, 6 usable, 1 refused/);
    expect(output).toMatch(/line 4, ChargeType "Convert": is a charge type this profile does not know/);
  }, 30_000);

  it('refuses an unknown profile or a missing file with what to give instead', async () => {
    expect((await run(['--profile', 'pax8', FIXTURE])).output).toMatch(/--profile: use one of microsoft, generic/);
    const missing = await run(['--profile', 'generic', join(dir, 'none.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/FILE: name the invoice or usage file to read/);
  }, 30_000);
});

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { currentImportedLines } from '../../db/queries/imports.ts';
import { createSecretBox } from '../../server/crypto.ts';
import { confirmPreview, previewImport } from '../../server/distributors/files/imports.ts';
import { MICROSOFT_NCE_PROFILE } from '../../server/distributors/files/profile.ts';
import { readInvoiceFile } from '../../server/distributors/files/read.ts';
import { subscriptionsOf } from '../../server/distributors/files/subscriptions.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { insertTenant } from '../helpers/tenant-rows.ts';

/** The machine's Postgres, where the suite's Postgres pass runs too. */
const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string) {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

import { peakRssMb } from './report.ts';

/**
 * In a process of its own, so its peak memory is the reading's: writes a Microsoft
 * reconciliation file of `lines` licence and usage lines, reads it as a stream, and prints
 * what it took as JSON.
 */
const lines = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'invoice-file-'));
const file = join(dir, 'reconciliation.csv');
const heading =
  'CustomerId,CustomerName,InvoiceNumber,ProductId,ProductName,ChargeType,Subtotal,Currency,SubscriptionId,' +
  'ChargeStartDate,ChargeEndDate,EffectiveUnitPrice,UnitPrice,BillableQuantity,PCToBCExchangeRate,TermAndBillingCycle';
// Written a chunk at a time, as a distributor's export would arrive: the writer holds no whole file.
const out = createWriteStream(file);
const write = (text: string) =>
  out.write(text) ? Promise.resolve() : new Promise<void>((drained) => out.once('drain', () => drained()));
await write(`\uFEFF${heading}`);
for (let i = 0; i < lines; i++) {
  const usage = i % 5 === 0;
  const customer = `c-${i % 2000},Customer ${i % 2000},G1`;
  await write(
    usage
      ? `\r\n${customer},DZH318Z0BNZ5,Azure plan,Usage,51.29,EUR,s-${i},10/1/2026,10/31/2026,0.045,0.045,1234.5678,0.923456,`
      : `\r\n${customer},CFQ7TTC0LDPB,Microsoft 365 Business Standard,Renew,461.50,EUR,s-${i},` +
          '11/1/2026,11/30/2026,20.00,20.00,25,0.923456,1 Year - Monthly',
  );
}
await new Promise<void>((closed) => out.end(() => closed()));
const started = performance.now();
// As the preview reads it: each line checked and totalled as it passes, none kept.
let passed = 0;
const read = await readInvoiceFile(createReadStream(file), MICROSOFT_NCE_PROFILE, {
  keepLines: false,
  onLine: () => {
    passed += 1;
  },
});
const ms = performance.now() - started;
const readRssMb = peakRssMb();

// Then as the pod imports it: previewed, confirmed, and read back as the subscriptions a sync
// plans from. A tenant with files this size runs on Postgres (DATABASE_URL), the database outside
// this process; the embedded one, which holds its data in this process's memory, is the fallback.
const onPostgres = await reachable(POSTGRES);
if (onPostgres) process.env.TEST_DATABASE_URL = POSTGRES;
const database = await createTestDatabase();
const tenantId = await insertTenant(database.db, 'Bench MSP');
const deps = { db: database.db, secrets: createSecretBox(randomBytes(32)), now: () => new Date() };
const importStarted = performance.now();
const preview = await previewImport(deps, tenantId, {
  source: 'files:microsoft-direct',
  fileName: 'reconciliation.csv',
  bytes: readFileSync(file),
  profileKey: 'microsoft',
  by: 'bench',
});
await confirmPreview(deps, tenantId, preview.id!, { type: 'scheduled', memberId: null, name: 'bench' });
const subscriptions = (
  await subscriptionsOf(await currentImportedLines(database.db, tenantId, 'files:microsoft-direct'))
).items.length;
const importMs = performance.now() - importStarted;
await database.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ ms, rssMb: readRssMb, lines: passed, problems: read.problems.length, importMs, importRssMb: peakRssMb(), subscriptions, onPostgres })}\n`,
);

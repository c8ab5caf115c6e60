import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MICROSOFT_NCE_PROFILE } from '../../server/distributors/files/profile.ts';
import { readInvoiceFile } from '../../server/distributors/files/read.ts';
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
  'CustomerId,CustomerName,InvoiceNumber,ProductId,ProductName,ChargeType,Subtotal,Currency,SubscriptionId,ChargeStartDate,ChargeEndDate,EffectiveUnitPrice,BillableQuantity,PCToBCExchangeRate';
// Written a chunk at a time, as a distributor's export would arrive: the writer holds no whole file.
const out = createWriteStream(file);
const write = (text: string) =>
  out.write(text) ? Promise.resolve() : new Promise<void>((drained) => out.once('drain', () => drained()));
await write(`\uFEFF${heading}`);
for (let i = 0; i < lines; i++) {
  const usage = i % 5 === 0;
  const customer = `c-${i % 2000}`;
  await write(
    usage
      ? `\r\n${customer},Customer ${i % 2000},G1,DZH318Z0BNZ5,Azure plan,Usage,51.29,EUR,s-${i},10/1/2026,10/31/2026,0.045,1234.5678,0.923456`
      : `\r\n${customer},Customer ${i % 2000},G1,CFQ7TTC0LDPB,Microsoft 365 Business Standard,Renew,461.50,EUR,s-${i},11/1/2026,11/30/2026,20.00,25,0.923456`,
  );
}
await new Promise<void>((closed) => out.end(() => closed()));
const started = performance.now();
const read = await readInvoiceFile(createReadStream(file), MICROSOFT_NCE_PROFILE);
const ms = performance.now() - started;
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ ms, rssMb: peakRssMb(), lines: read.lines.length, problems: read.problems.length })}\n`,
);

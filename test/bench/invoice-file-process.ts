import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MICROSOFT_NCE_PROFILE } from '../../server/distributors/files/profile.ts';
import { readInvoiceFile } from '../../server/distributors/files/read.ts';

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
const rows = [heading];
for (let i = 0; i < lines; i++) {
  const usage = i % 5 === 0;
  const customer = `c-${i % 2000}`;
  rows.push(
    usage
      ? `${customer},Customer ${i % 2000},G1,DZH318Z0BNZ5,Azure plan,Usage,51.29,EUR,s-${i},10/1/2026,10/31/2026,0.045,1234.5678,0.923456`
      : `${customer},Customer ${i % 2000},G1,CFQ7TTC0LDPB,Microsoft 365 Business Standard,Renew,461.50,EUR,s-${i},11/1/2026,11/30/2026,20.00,25,0.923456`,
  );
}
writeFileSync(file, `\uFEFF${rows.join('\r\n')}`);
rows.length = 0;
const started = performance.now();
const read = await readInvoiceFile(createReadStream(file), MICROSOFT_NCE_PROFILE);
const ms = performance.now() - started;
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, lines: read.lines.length, problems: read.problems.length })}\n`,
);

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductMapping } from '../../../db/queries/mappings.ts';
import type { RunningSandboxes } from '../../../server/sandbox/start.ts';
import { type CatalogPrices, catalogPricesFor } from '../../../server/sync/usage.ts';
import type { UsageReading } from '../../../shared/schemas/usage.ts';
import { cwClientFor, startTestSandboxes } from '../../helpers/sandbox.ts';

/** Usage a distributor counts without prices bills at the ConnectWise product's price, read once a run. */
describe('catalog prices for unpriced usage', () => {
  let s: RunningSandboxes;
  beforeAll(async () => {
    s = await startTestSandboxes();
  });
  afterAll(async () => s.close());

  const line = (productName: string, unitPrice = 0) => ({
    summaryId: 't',
    usageDate: '2026-10-31',
    productId: productName,
    productName,
    unit: null,
    quantity: 3,
    unitPrice,
    charges: unitPrice * 3,
    partnerTotal: 0,
  });
  const reading = (lines: ReturnType<typeof line>[]): UsageReading => ({
    day: '2026-10-31',
    summaries: [{ id: 't', resourceGroup: 'tenant', lines }],
  });
  const binding = (subProduct: string, identifier: string) =>
    ({
      subProduct,
      cwCatalogItemId: s.world.cw.catalog.find((i) => i.identifier === identifier)!.id,
    }) as ProductMapping;

  /** Sophos Central counts; Pax8 prices its usage lines, so a $0 line of Pax8's is free. */
  const SOPHOS = { usageLinesPriced: false };
  const PAX8 = { usageLinesPriced: true };

  it('reads each item once for a whole run, and nothing for a distributor that prices its lines', async () => {
    const { client, events } = cwClientFor(s);
    const bindings = [binding('Intercept X', 'SOPHOS-IXA'), binding('Email', 'SOPHOS-EMAIL')];
    const run: CatalogPrices = new Map();
    const first = await catalogPricesFor(client, SOPHOS, reading([line('Intercept X'), line('Email')]), bindings, run);
    const ixa = s.world.cw.catalog.find((i) => i.identifier === 'SOPHOS-IXA')!;
    expect(first.get(ixa.id)).toEqual({ priceCents: 650, costCents: 390 });
    await catalogPricesFor(client, SOPHOS, reading([line('Intercept X')]), bindings, run);
    await catalogPricesFor(client, SOPHOS, reading([line('Email')]), bindings, run);
    const reads = events.filter((e) => e.url.includes('/procurement/catalog'));
    expect(reads).toHaveLength(1);
    expect(await catalogPricesFor(client, PAX8, reading([line('Intercept X', 6)]), bindings)).toEqual(new Map());
    expect(events.filter((e) => e.url.includes('/procurement/catalog'))).toHaveLength(1);
  });
});

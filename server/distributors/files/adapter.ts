import type { UsageLine } from '../../../shared/schemas/distributor.ts';
import type { Distributor } from '../types.ts';
import { invoiceItemsOf, invoicesOf } from './invoices.ts';
import type { FileLine } from './read.ts';
import {
  companiesOf,
  type ImportedLine,
  type ImportedLineFilter,
  productsOf,
  readTerm,
  subscriptionsOf,
} from './subscriptions.ts';

/** The registry's key for a file source: on every row that belongs to it. */
export const FILE_SOURCE_KIND = 'files';
/** Starts the marker of every line a file source's sync writes. */
export const FILE_MARKER_PREFIX = 'fil';

const none = { items: [], problems: [] };

/**
 * A distributor read from the files imported into it, not from an API: what it knows is the
 * lines of its imported files (superseded ones left out), read again on every question, so a
 * file imported a moment ago is what the next plan and reconciliation see.
 */
export function createFileSource(
  sourceName: string,
  current: (only?: ImportedLineFilter) => Promise<ImportedLine[]>,
): Distributor {
  return {
    kind: FILE_SOURCE_KIND,
    displayName: sourceName,
    markerPrefix: FILE_MARKER_PREFIX,
    capabilities: { usage: true, invoices: true, history: false, createCompany: false, imports: true },
    // The file is the invoice: a month is final once its file is imported.
    usageFinalDay: 1,
    // Usage lines carry their amounts, by the profile's rule.
    usageLinesPriced: true,
    // Nothing to check at a vendor: the connection is a name and a profile.
    verify: async () => {},
    companies: async () => ({ items: companiesOf(await current()), problems: [] }),
    products: async (filter) => {
      const search = filter?.search?.toLowerCase();
      const items = productsOf(await current(), sourceName).filter(
        (p) => !search || p.name.toLowerCase().includes(search) || p.id.toLowerCase().includes(search),
      );
      return { items, problems: [] };
    },
    pricing: async (productId) => {
      const latest = (await current())
        .filter((l) => l.line.product.id === productId && l.line.kind !== 'credit')
        .at(-1);
      if (!latest) return none;
      return {
        items: [
          {
            productId,
            billingTerm: readTerm(latest.line.term).billingTerm,
            commitmentTerm: readTerm(latest.line.term).commitment,
            commitmentMonths: null,
            unit: null,
            unitCost: latest.line.billedUnitCostMicros,
            unitPrice: latest.line.billedUnitPriceMicros,
            usage: latest.line.kind === 'usage',
          },
        ],
        problems: [],
      };
    },
    subscriptions: async (filter) => {
      const all = subscriptionsOf(await current(filter?.companyId ? { customerId: filter.companyId } : {}));
      return {
        items: all.items.filter(
          (s) =>
            (!filter?.companyId || s.companyId === filter.companyId) &&
            (!filter?.productId || s.productId === filter.productId) &&
            (!filter?.status || s.status === filter.status) &&
            (!filter?.billingTerm || s.billingTerm === filter.billingTerm),
        ),
        problems: all.problems,
      };
    },
    subscription: async (id) => {
      const all = subscriptionsOf(await current({ subscriptionId: id }));
      return { items: all.items.filter((s) => s.id === id), problems: all.problems.filter((p) => p.id === id) };
    },
    subscriptionHistory: async () => none,
    usageSummaries: async (subscriptionId) => {
      const usage = (await current({ subscriptionId })).filter((l) => l.line.kind === 'usage');
      if (usage.length === 0) return none;
      const { customer, product } = usage.at(-1)!.line;
      return {
        items: [
          {
            id: subscriptionId,
            companyId: customer.id,
            productId: product.id,
            subscriptionId,
            resourceGroup: '',
            charges: 0,
            partnerTotal: 0,
          },
        ],
        problems: [],
      };
    },
    // A usage line covers its period: asked for a day, the lines whose period holds it.
    usageLines: async (summaryId, usageDate) => ({
      items: (await current({ subscriptionId: summaryId }))
        .filter((l) => l.line.kind === 'usage' && l.line.periodStart <= usageDate && l.line.periodEnd >= usageDate)
        .map(({ line }) => usageLineOf(line, summaryId, usageDate)),
      problems: [],
    }),
    invoices: async (range) => ({ items: invoicesOf(await current(), range), problems: [] }),
    invoiceItems: async (invoice) => ({ items: invoiceItemsOf(await current(), invoice.id), problems: [] }),
  };
}

/** A file's usage line as the usage planner reads one: its meter, count, and both amounts. */
function usageLineOf(line: FileLine, summaryId: string, usageDate: string): UsageLine {
  return {
    summaryId,
    usageDate,
    productId: line.product.id,
    productName: line.product.name,
    unit: null,
    quantity: Number(line.quantity),
    unitPrice: line.billedUnitPriceMicros,
    charges: line.priceAmountCents * 10_000,
    partnerTotal: line.amountCents * 10_000,
  };
}
